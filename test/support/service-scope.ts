// Shared by the tests that run the real service as OS processes (test/service, drills):
// a Scope that kills what a test started, a service spawner with every platform off unless the
// test configures it, a Redis database number of one's own, and a migrated demo database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { loadDemo } from '../../src/demo.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from './services.ts';
import { ensureBuilt, spawnBuilt, freePort, type Proc } from './proc.ts';

export const root = join(import.meta.dirname, '..', '..');
export const STARTED = '学习整改助手已启动';
export const PREFIX = 'campaign-bot'; // the service's queue prefix (main.ts passes none)

/** What one test started, stopped when it finishes (the tests run concurrently). */
export class Scope {
  readonly procs: Proc[] = [];
  private readonly cleanups: (() => Promise<unknown>)[] = [];
  defer(fn: () => Promise<unknown>) { this.cleanups.push(fn); }
  async dispose() {
    for (const p of this.procs.splice(0)) if (!p.exited()) await kill9(p).catch(() => {});
    for (const c of this.cleanups.splice(0).reverse()) await c().catch((err) => console.warn('cleanup failed', err));
  }
}
export const scopes = new Set<Scope>();

/** The service as `npm start` runs it (dist/, built by useServiceScopes or ensureBuilt first), in its own process group. */
export function service(scope: Scope, env: Record<string, string>): Proc {
  const p = spawnBuilt(['src/main.ts'], {
    cwd: root, waitMs: 75_000, // start-up on a CI machine busy with two other test files
    env: {
      ...process.env,
      LOG_LEVEL: 'info', ROLE: 'worker', ADMIN_API_TOKEN: '',
      // Only what a test sets is configured; empty values also beat a stray .env.
      WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: '', WECOM_BOT_SECRET: '', WECOM_WS_URL: 'ws://127.0.0.1:9',
      WECOM_CORP_ID: '', WECOM_AGENT_ID: '', WECOM_AGENT_SECRET: '', WECOM_API_BASE: 'http://127.0.0.1:9',
      WECOM_APP_TOKEN: '', WECOM_APP_ENCODING_AES_KEY: '', WECOM_BOT_TOKEN: '', WECOM_BOT_ENCODING_AES_KEY: '',
      DINGTALK_CLIENT_ID: '', DINGTALK_CLIENT_SECRET: '', DINGTALK_ROBOT_CODE: '',
      // Four connections each: a topology test starts four processes, and CI may run another copy
      // of the suite on the same PostgreSQL (100 connections in all; ten each ran out).
      DATABASE_POOL_SIZE: '4',
      ...env,
    },
  });
  scope.procs.push(p);
  return p;
}

export async function kill9(p: Proc) {
  try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
  const r = await Promise.race([p.exit, new Promise<null>((res) => setTimeout(() => res(null), 10_000))]);
  if (!r) throw new Error(`process ${p.pid} survived SIGKILL`);
  return r;
}

/**
 * Wait until `cond` holds, polling every `step` ms. For the drills (run by tsx, outside vitest)
 * and the delivery proof they share with the tests (support/delivery-proof.ts); a test itself
 * uses vi.waitFor.
 */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string, step = 50) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out (${ms} ms) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

/** A Redis database number of our own on the shared server, and the service's keys in it removed. */
export async function claimRedisDb(label: string): Promise<{ url: string; release(): Promise<void> }> {
  const base = await testRedisUrl();
  const admin = new Redis(base, { maxRetriesPerRequest: 1 });
  try {
    const databases = Number(await admin.config('GET', 'databases').then((r) => (r as string[])[1], () => 16)) || 16;
    for (let n = databases - 1; n >= 1; n--) {
      const claim = `campaign-bot-test:service:redis-db:${n}`;
      if (await admin.set(claim, `${process.pid}:${label}`, 'EX', 300, 'NX')) {
        const url = new URL(base);
        url.pathname = `/${n}`;
        const clean = async () => {
          const r = new Redis(url.toString(), { maxRetriesPerRequest: 1 });
          try {
            let cursor = '0';
            do {
              const [next, keys] = await r.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
              cursor = next;
              if (keys.length) await r.del(...keys);
            } while (cursor !== '0');
          } finally { r.disconnect(); }
        };
        await clean();
        return {
          url: url.toString(),
          async release() {
            await clean();
            const r = new Redis(base, { maxRetriesPerRequest: 1 });
            try { await r.del(claim); } finally { r.disconnect(); }
          },
        };
      }
    }
    throw new Error('no free Redis database number to claim (all of 1..15 are in use by parallel runs)');
  } finally {
    admin.disconnect();
  }
}

/** A fresh PostgreSQL database, migrated, with the demo campaign. */
export async function demoDatabase(scope: Scope, name: string): Promise<{ url: string; database: Database }> {
  const created = await createTestDatabase(await testPostgresUrl(), name);
  const database = await openDatabase({ databaseUrl: created.url });
  scope.defer(async () => { await database.close(); await created.drop(); });
  await database.db.transaction((tx) => loadDemo(tx, new Date()));
  return { url: created.url, database };
}

export async function serviceEnv(scope: Scope, databaseUrl: string, redisUrl: string, extra: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'campaign-bot-proofs-'));
  scope.defer(() => rm(dataDir, { recursive: true, force: true }));
  return { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, DATA_DIR: dataDir, PORT: String(await freePort()), ...extra };
}

/** Call once per test file: services up before, everything a test left behind killed after. */
export function useServiceScopes() {
  beforeAll(async () => {
    await testRedisUrl();
    await testPostgresUrl();
    await ensureBuilt();
  }, 300_000); // a fresh checkout builds dist/ here (one build at a time across files)
  afterAll(async () => {
    for (const s of scopes) await s.dispose();
  });
}

export function scopeFor(onTestFinished: (fn: () => Promise<void>) => void): Scope {
  const scope = new Scope();
  scopes.add(scope);
  onTestFinished(async () => { await scope.dispose(); scopes.delete(scope); });
  return scope;
}

