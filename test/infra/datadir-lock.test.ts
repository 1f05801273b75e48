import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, readLiveLock } from '../../src/infra/datadir-lock.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'lock-holder.ts');

let dir: string;
const children: ChildProcess[] = [];
const releases: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'datadir-lock-')), 'data'); // does not exist yet
});

afterEach(async () => {
  for (const r of releases.splice(0)) await r();
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await rm(join(dir, '..'), { recursive: true, force: true });
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function acquire(port?: number, role = 'service') {
  const lock = await acquireDataDirLock(dir, { port, role });
  releases.push(() => lock.release());
  return lock;
}

/** pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

function startHolder(port: number): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => {
      resolve({ child, pid: (JSON.parse(line) as { pid: number }).pid });
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

describe('acquireDataDirLock', () => {
  it('creates the directory and writes pid, port, startedAt, hostname', async () => {
    const lock = await acquire(8080);
    const content = JSON.parse(await readFile(join(dir, 'service.lock'), 'utf8'));
    expect(content).toMatchObject({ pid: process.pid, port: 8080, role: 'service', hostname: hostname() });
    expect(new Date(content.startedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await readLiveLock(dir)).toMatchObject({ pid: process.pid, port: 8080 });

    await lock.release();
    expect(existsSync(join(dir, 'service.lock'))).toBe(false);
    expect(await readLiveLock(dir)).toBeNull();
    await lock.release(); // idempotent
  });

  it('refuses a second acquire while the first holds it, with a clear message', async () => {
    await acquire(8080);
    const err = await acquireDataDirLock(dir, { port: 9090, role: 'cli' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataDirLockedError);
    const message = (err as Error).message;
    expect(message).toContain(`数据目录 ${dir} 已被进程 ${process.pid} 使用（端口 8080）。`);
    expect(message).toContain('同一个 DATA_DIR 只能运行一个服务；请停止它或设置不同的 DATA_DIR。');
    expect(message).toContain('Only one service can run per DATA_DIR');
  });

  it('refuses while another process holds it; replaces the lock after that process is kill -9ed', async () => {
    const { child, pid } = await startHolder(7001);
    expect(await readLiveLock(dir)).toMatchObject({ pid, port: 7001, role: 'test-holder' });
    await expect(acquireDataDirLock(dir, { port: 7002, role: 'service' })).rejects.toThrow(
      `已被进程 ${pid} 使用（端口 7001`,
    );

    child.kill('SIGKILL');
    await exited(child);
    expect(existsSync(join(dir, 'service.lock'))).toBe(true); // left behind by kill -9
    expect(await readLiveLock(dir)).toBeNull(); // … but stale

    await acquire(7002);
    expect(await readLiveLock(dir)).toMatchObject({ pid: process.pid, port: 7002 });
  }, 30_000);

  it('replaces a stale lock whose pid is dead', async () => {
    const pid = await deadPid();
    await acquire(1); // creates the directory
    await releases.pop()!();
    await writeFile(
      join(dir, 'service.lock'),
      JSON.stringify({ pid, port: 1234, role: 'service', startedAt: new Date().toISOString(), hostname: hostname(), token: 'x' }),
    );
    expect(await readLiveLock(dir)).toBeNull();
    await acquire(4321);
    expect(JSON.parse(await readFile(join(dir, 'service.lock'), 'utf8'))).toMatchObject({ pid: process.pid, port: 4321 });
  });

  it('treats a live pid with a different process start time as recycled (stale)', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    children.push(sleeper);
    await acquire(1);
    await releases.pop()!();
    const lock = { pid: sleeper.pid, port: 1, role: 'service', startedAt: '2020-01-01T00:00:00Z', hostname: hostname(), token: 't' };
    await writeFile(join(dir, 'service.lock'), JSON.stringify(lock));
    // Without procStart we can only trust kill(pid, 0): alive.
    expect(await readLiveLock(dir)).toMatchObject({ pid: sleeper.pid });
    if (process.platform === 'linux') {
      await writeFile(join(dir, 'service.lock'), JSON.stringify({ ...lock, procStart: '1' }));
      expect(await readLiveLock(dir)).toBeNull();
    }
  });

  it('replaces a leftover lock carrying our own pid that this process does not hold (container restart)', async () => {
    await acquire(1);
    await releases.pop()!();
    await writeFile(
      join(dir, 'service.lock'),
      JSON.stringify({ pid: process.pid, port: 1, role: 'service', startedAt: '2020-01-01T00:00:00Z', hostname: hostname(), token: 'old' }),
    );
    expect(await readLiveLock(dir)).toBeNull();
    await acquire(2);
  });

  it('replaces an old unreadable lock file', async () => {
    await acquire(1);
    await releases.pop()!();
    const p = join(dir, 'service.lock');
    await writeFile(p, '{"pid": 12'); // crash in the middle of writing
    const old = new Date(Date.now() - 60_000);
    await utimes(p, old, old);
    await acquire(3);
    expect(JSON.parse(await readFile(p, 'utf8'))).toMatchObject({ pid: process.pid, port: 3 });
  });

  it('lets exactly one of several concurrent acquirers win over a stale lock', async () => {
    const pid = await deadPid();
    await acquire(1);
    await releases.pop()!();
    await writeFile(
      join(dir, 'service.lock'),
      JSON.stringify({ pid, port: 1, role: 'service', startedAt: '2020-01-01T00:00:00Z', hostname: hostname(), token: 'x' }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => acquireDataDirLock(dir, { port: 100 + i, role: 'service' })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DataDirLockedError);
    }
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('release() leaves a lock that is no longer ours alone', async () => {
    const lock = await acquire(1);
    const p = join(dir, 'service.lock');
    const foreign = { ...JSON.parse(await readFile(p, 'utf8')), token: 'someone-else' };
    await writeFile(p, JSON.stringify(foreign));
    await lock.release();
    expect(existsSync(p)).toBe(true);
  });
});
