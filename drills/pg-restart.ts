// Drill: PostgreSQL restarted (`pg_ctl restart -m fast`) in the middle of an ingest. The real
// service (src/main.ts, ROLE=all) runs on a private cluster; senders post signed WeCom AI-bot
// HTTP callbacks (check-ins) continuously, as WeCom does. Each callback must be either recorded
// (answered with the check-in's reply) or refused with a status that makes WeCom deliver it
// again (5xx, or no answer at all); the sender redelivers refused ones, like WeCom. In the end
// every message is recorded exactly once, nothing was answered "200" without being recorded,
// and the service recovered by itself (same process, /healthz 200 again).
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.ts';
import { rowsOf } from '../src/db/client.ts';
import { loadDemo } from '../src/demo.ts';
import { identities, members, units } from '../src/db/schema.ts';
import { Scope, claimRedisDb, scopes, serviceEnv } from '../test/support/service-scope.ts';
import { startPrivatePostgres } from './lib/private-pg.ts';
import { serviceFrom } from './lib/service.ts';

const TOKEN = 'drillPgToken';
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

export interface PgRestartOptions {
  messages: number; senders: number; concurrency: number; ratePerSecond: number; restartAfter: number;
  /** Proposed fixes to run the service with (drills/lib/overlay.ts); none = the code as it is. */
  patches?: string[];
}

export interface PgRestartResult {
  messages: number; patches: string[]; attempts: number; recorded: number; missing: number; twice: number;
  /** Answered 200 with something other than the check-in's reply, and not recorded then: lost unless the person resends. */
  answered200NotRecorded: number;
  /** Attempts refused with a retry status, by status. */
  refused: Record<string, number>;
  restartMs: number; refusedWindowMs: number | null; recoveredWithoutRestart: boolean; servicePid: number; healthyAfter: boolean;
  samples: string[];
  /** The service's last output lines when it died. */
  died: string | null;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function callback(i: number, userid: string) {
  const payload = {
    msgid: `pgdrill-${i}-${randomBytes(4).toString('hex')}`, aibotid: 'aib-drill', chattype: 'single', from: { userid },
    msgtype: 'text', text: { content: `打卡 10分钟 心得：演练第${i}条` },
  };
  return { msgid: payload.msgid, ciphertext: encrypt(AES, JSON.stringify(payload), '') };
}

/** One delivery of a callback, signed now (as WeCom does for each try). */
async function post(base: string, c: { ciphertext: string }): Promise<{ status: number | 'no answer'; reply: string | null }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(5).toString('hex');
  const q = new URLSearchParams({ timestamp, nonce, msg_signature: getSignature(TOKEN, timestamp, nonce, c.ciphertext) });
  try {
    // WeCom waits about 5 s for an answer, then tries again.
    const res = await fetch(`${base}/wecom/aibot/callback?${q}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c.ciphertext }), signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    if (res.status !== 200 || !text) return { status: res.status, reply: null };
    const env = JSON.parse(text) as { encrypt: string };
    const plain = JSON.parse(decrypt(AES, env.encrypt).message) as { stream?: { content?: string }; text?: { content?: string } };
    return { status: 200, reply: plain.stream?.content ?? plain.text?.content ?? '' };
  } catch {
    return { status: 'no answer', reply: null };
  }
}

export async function runPgRestart(o: PgRestartOptions): Promise<PgRestartResult> {
  const t0 = Date.now();
  const scope = new Scope();
  scopes.add(scope); // disposed by drills/run.ts on Ctrl-C
  const cluster = await startPrivatePostgres();
  scope.defer(() => cluster.stop());
  try {
    const admin = new pg.Client(cluster.url());
    await admin.connect();
    await admin.query('CREATE DATABASE drill');
    await admin.end();
    const url = cluster.url('drill');
    const database = await openDatabase({ databaseUrl: url });
    scope.defer(() => database.close());
    const db = database.db;
    await db.transaction((tx) => loadDemo(tx, new Date()));
    const [unit] = await db.insert(units).values({ name: 'PG重启演练单位' }).returning();
    const people = await db.insert(members).values(Array.from({ length: o.senders }, (_, i) => ({ unitId: unit.id, name: `演练人${i}` }))).returning();
    await db.insert(identities).values(people.map((m, i) => ({ platform: 'wecom', platformUserId: `pgdrill-u${i}`, memberId: m.id, source: 'directory' })));

    const redis = await claimRedisDb('drill-pg-restart');
    scope.defer(() => redis.release());
    const env = await serviceEnv(scope, url, redis.url, { ROLE: 'all', WECOM_BOT_MODE: 'http', WECOM_BOT_TOKEN: TOKEN, WECOM_BOT_ENCODING_AES_KEY: AES, LOG_LEVEL: 'warn' });
    const svc = (await serviceFrom(scope, o.patches ?? []))(env);
    const base = `http://127.0.0.1:${env.PORT}`;
    for (let i = 0; ; i++) { // LOG_LEVEL=warn hides the start line: wait for /healthz
      if ((await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200) break;
      if (svc.exited() || i > 180) throw new Error(`the service did not start:\n${svc.out()}`);
      await sleep(250);
    }

    const msgs = Array.from({ length: o.messages }, (_, i) => ({ i, ...callback(i, `pgdrill-u${i % o.senders}`) }));
    const refused: Record<string, number> = {};
    const refusedAt: number[] = [];
    let attempts = 0;
    let answered200NotRecorded = 0;
    const samples: string[] = [];
    const recordedReplies = new Set<string>();
    let restartMs = 0;
    let restartAt = 0;
    let started = 0;
    const restart = (async () => {
      while (started < o.restartAfter) await sleep(20);
      restartAt = Date.now();
      restartMs = (await cluster.restart()).ms;
    })();

    // Messages arrive at a steady rate; each one is retried, like WeCom, until it is accepted.
    const interval = 1000 / o.ratePerSecond;
    const tStart = Date.now();
    let next = 0;
    const sender = async () => {
      while (next < msgs.length) {
        const m = msgs[next++];
        const due = tStart + m.i * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        started++;
        for (let tries = 0; ; tries++) {
          attempts++;
          const r = await post(base, m);
          if (r.status === 200) {
            if (r.reply && r.reply.includes('已记录')) { recordedReplies.add(m.msgid); break; }
            if (r.reply === null && tries > 0) break; // a duplicate: an earlier try was recorded after all
            answered200NotRecorded++;
            if (samples.length < 5) samples.push(`#${m.i}: 200 「${(r.reply ?? '(empty)').slice(0, 60)}」`);
            break; // WeCom would not deliver this one again
          }
          refused[String(r.status)] = (refused[String(r.status)] ?? 0) + 1;
          if (process.env.DRILL_DEBUG) console.log(`#${m.i} try ${tries}: ${r.status} ${((Date.now() - restartAt) / 1000).toFixed(1)} s after the restart`);
          refusedAt.push(Date.now());
          if (tries > 40 || svc.exited()) break;
          await sleep(1000);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, sender));
    await restart;

    // Recovered by itself: the same process answers /healthz 200 and takes new messages.
    const healthyAfter = (await fetch(`${base}/healthz`).then((r) => r.status, () => 0)) === 200;
    const probe = callback(o.messages, 'pgdrill-u0');
    const probeReply = await post(base, probe);
    const rows = rowsOf<{ message_id: string; n: number }>(await db.execute(sql`select message_id, count(*)::int as n from checkins where message_id like 'pgdrill-%' group by message_id`));
    const byId = new Map(rows.map((r) => [r.message_id, Number(r.n)]));
    return {
      messages: o.messages, patches: o.patches ?? [], attempts,
      recorded: msgs.filter((m) => (byId.get(m.msgid) ?? 0) >= 1).length,
      missing: msgs.filter((m) => !byId.get(m.msgid)).length,
      twice: msgs.filter((m) => (byId.get(m.msgid) ?? 0) > 1).length,
      answered200NotRecorded, refused,
      restartMs, refusedWindowMs: refusedAt.length ? Math.max(...refusedAt) - Math.min(restartAt, ...refusedAt) : null,
      recoveredWithoutRestart: !svc.exited() && probeReply.status === 200 && !!probeReply.reply?.includes('已记录'),
      servicePid: svc.pid, healthyAfter, samples, ms: Date.now() - t0,
      died: svc.exited() ? svc.out().split('\n').slice(-60).join('\n') : null,
    };
  } finally {
    await scope.dispose();
    scopes.delete(scope);
  }
}

export const pgRestartPassed = (r: PgRestartResult) =>
  r.missing === 0 && r.twice === 0 && r.answered200NotRecorded === 0 && r.recoveredWithoutRestart && r.healthyAfter;

export function pgRestartSummary(r: PgRestartResult): string {
  const refused = Object.entries(r.refused).map(([k, n]) => `${k}×${n}`).join(' ') || 'none';
  return `${r.patches.length ? `[with proposed fix ${r.patches.join(', ')}] ` : ''}${r.messages} signed check-in callbacks (${r.attempts} deliveries), PostgreSQL restarted (-m fast, ${r.restartMs} ms) mid-ingest: `
    + `recorded ${r.recorded}, missing ${r.missing}, twice ${r.twice}; refused for redelivery ${refused}`
    + `${r.refusedWindowMs !== null ? ` over ${(r.refusedWindowMs / 1000).toFixed(1)} s` : ''}; answered 200 without being recorded ${r.answered200NotRecorded}; `
    + `service recovered by itself ${r.recoveredWithoutRestart ? 'yes' : 'NO'} (pid ${r.servicePid}), /healthz after ${r.healthyAfter ? '200' : 'FAILED'}`
    + (r.samples.length ? `; e.g. ${r.samples.join(' / ')}` : '')
    + (r.died ? `\nTHE SERVICE DIED:\n${r.died}` : '');
}
