import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  findRedisProcessesForDir,
  REDIS_SERVER_MISSING_MESSAGE,
  startEmbeddedRedis,
  type EmbeddedRedis,
} from '../../src/infra/embedded-redis.ts';
import { ensureRedisServerBinary } from '../support/services.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'embedded-redis-holder.ts');
const isLinux = process.platform === 'linux';

let root: string;
let dataDir: string;
const handles: EmbeddedRedis[] = [];
const children: ChildProcess[] = [];
const clients: Redis[] = [];
const logs: { level: string; msg?: string; obj: Record<string, unknown> }[] = [];
const log = {
  info: (obj: Record<string, unknown>, msg?: string) => logs.push({ level: 'info', obj, msg }),
  warn: (obj: Record<string, unknown>, msg?: string) => logs.push({ level: 'warn', obj, msg }),
  error: (obj: Record<string, unknown>, msg?: string) => logs.push({ level: 'error', obj, msg }),
};

beforeAll(async () => {
  await ensureRedisServerBinary();
  root = await mkdtemp(join(tmpdir(), 'embedded-redis-'));
});

beforeEach(async () => {
  dataDir = await mkdtemp(join(root, 'data-'));
  logs.length = 0;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  for (const h of handles.splice(0)) await h.stop();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Nothing may survive a test.
  for (const pid of await findRedisProcessesForDir(join(dataDir, 'redis'))) {
    process.kill(pid, 'SIGKILL');
    throw new Error(`redis-server ${pid} was left running on ${dataDir}`);
  }
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function start(): Promise<EmbeddedRedis> {
  const r = await startEmbeddedRedis(dataDir, log);
  handles.push(r);
  return r;
}

function client(url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `cond` comes to hold within `timeout` ms. */
const until = (cond: () => boolean | Promise<boolean>, timeout: number): Promise<boolean> =>
  vi.waitFor(async () => { expect(await cond()).toBe(true); }, { timeout, interval: 50 }).then(() => true, () => false);

describe('startEmbeddedRedis', () => {
  it('starts on 127.0.0.1 with a password, persists through stop/start thanks to AOF', async () => {
    const a = await start();
    expect(a.url).toMatch(/^redis:\/\/:[0-9a-f]+@127\.0\.0\.1:\d+$/);
    expect(a.dir).toBe(join(dataDir, 'redis'));
    const state = JSON.parse(await readFile(join(dataDir, 'redis', 'embedded.json'), 'utf8'));
    expect(state).toMatchObject({ pid: a.pid, port: a.port, ownerPid: process.pid });

    // Password required.
    const anon = new Redis(`redis://127.0.0.1:${a.port}`, { lazyConnect: true, enableReadyCheck: false, retryStrategy: () => null });
    anon.on('error', () => {});
    clients.push(anon);
    await anon.connect();
    await expect(anon.get('k')).rejects.toThrow(/NOAUTH/);

    const c = client(a.url);
    await c.set('survives', 'restart');
    await c.hset('h', { a: '1', b: '2' });
    expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await c.config('GET', 'save')).toEqual(['save', '']);
    expect(await c.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    c.disconnect();

    await a.stop();
    expect(alive(a.pid)).toBe(false);
    expect(existsSync(join(dataDir, 'redis', 'embedded.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    expect(existsSync(join(dataDir, 'redis', 'dump.rdb'))).toBe(false);
    await a.stop(); // idempotent

    const b = await start();
    expect(b.pid).not.toBe(a.pid);
    const c2 = client(b.url);
    expect(await c2.get('survives')).toBe('restart');
    expect(await c2.hgetall('h')).toEqual({ a: '1', b: '2' });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  }, 60_000);

  it('replaces an orphan left by a service that died without stop(); data kept, one process', async () => {
    const orphan = await startEmbeddedRedis(dataDir, log); // handle "forgotten", as after kill -9
    const c = client(orphan.url);
    await c.set('k', 'from-orphan');
    c.disconnect();

    const fresh = await start();
    expect(fresh.pid).not.toBe(orphan.pid);
    expect(await until(() => !alive(orphan.pid), 5000)).toBe(true);
    if (isLinux) expect(await findRedisProcessesForDir(fresh.dir)).toEqual([fresh.pid]);
    expect(logs.some((l) => l.level === 'warn' && /left over/.test(l.msg ?? ''))).toBe(true);

    expect(await client(fresh.url).get('k')).toBe('from-orphan');
    await orphan.stop(); // stopping the stale handle must not touch the fresh server
    expect(alive(fresh.pid)).toBe(true);
    expect(await client(fresh.url).get('k')).toBe('from-orphan');
  }, 60_000);

  it('survives a real kill -9 of the owning process: no redis left twice, data kept', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    const info = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
      createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line)));
    });
    const c = client(info.url);
    await c.set('crash', 'safe');
    c.disconnect();

    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    if (isLinux) {
      // pdeathsig: the kernel SIGTERMs redis-server when its parent dies.
      expect(await until(() => !alive(info.pid), 10_000)).toBe(true);
    }

    const r = await start();
    if (isLinux) expect(await findRedisProcessesForDir(r.dir)).toEqual([r.pid]);
    expect(await client(r.url).get('crash')).toBe('safe');
  }, 60_000);

  it('a stop signal to the process group is a normal stop, not an error; a kill -9 of redis is one', async () => {
    // `kill -TERM -<pgid>` (systemd, docker stop, Ctrl-C) reaches redis-server before stop() runs.
    const a = await start();
    process.kill(a.pid, 'SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    await a.stop();
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    expect(logs.map((l) => l.msg)).toContain('embedded redis stopped by a signal (normal when the service is stopping)');

    logs.length = 0;
    const b = await start();
    process.kill(b.pid, 'SIGKILL');
    expect(await b.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['embedded redis exited unexpectedly']);
  }, 60_000);

  it('explains what to do when redis-server is not installed', async () => {
    const saved = process.env.REDIS_SERVER_BIN;
    process.env.REDIS_SERVER_BIN = join(root, 'no-such-redis-server');
    try {
      await expect(startEmbeddedRedis(dataDir, log)).rejects.toThrow(REDIS_SERVER_MISSING_MESSAGE);
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER_BIN;
      else process.env.REDIS_SERVER_BIN = saved;
    }
    expect(REDIS_SERVER_MISSING_MESSAGE).toBe(
      '未找到 redis-server。请运行 npm run setup，或 apt-get install -y redis-server，或设置 REDIS_URL 指向已有的 Redis。',
    );
  });
});
