// A redis-server of the drill's own (AOF on, fsync every second, as the embedded one runs),
// so the drill can restart it. The shared Redis on 6379 is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../test/support/proc.ts';
import { ensureRedisServerBinary } from '../../test/support/services.ts';

export interface PrivateRedis {
  url: string;
  /** Stop (SIGTERM, or SIGKILL for a crash) and start again on the same port and directory. */
  restart(how?: 'SIGTERM' | 'SIGKILL'): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const bin = await ensureRedisServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'campaign-bot-drill-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess;
  const start = async () => {
    child = spawn(bin, ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--daemonize', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      r.on('error', () => {});
      try { await r.connect(); if ((await r.ping()) === 'PONG') return; } catch { /* not yet */ } finally { r.disconnect(); }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`the drill's redis-server on ${port} did not start`);
  };
  const halt = async (sig: 'SIGTERM' | 'SIGKILL') => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((res) => c.once('exit', res));
    c.kill(sig);
    await exited;
  };
  await start();
  return {
    url,
    async restart(how = 'SIGTERM') {
      const t = Date.now();
      await halt(how);
      await start();
      return { downMs: Date.now() - t };
    },
    async stop() {
      await halt('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
