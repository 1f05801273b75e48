/**
 * Real Redis / PostgreSQL for tests.
 *
 * - testRedisUrl(): $TEST_REDIS_URL or redis://127.0.0.1:6379 if it answers PING; otherwise a
 *   throw-away redis-server on a free port in a temp dir (installed with apt-get when missing and
 *   running as root). The spawned server is killed when the test process exits.
 * - testPostgresUrl(): $TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test if it answers
 *   (the database is created when the server answers but it does not exist); otherwise a clear
 *   error pointing at .ci/run.
 * - createTestDatabase(): a fresh, uniquely named database per test file/suite; drop() removes it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { findRedisServer } from '../../src/infra/embedded-redis.ts';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

let redisUrlPromise: Promise<string> | undefined;
let postgresUrlPromise: Promise<string> | undefined;

export function testRedisUrl(): Promise<string> {
  redisUrlPromise ??= resolveRedisUrl().catch((err) => {
    redisUrlPromise = undefined;
    throw err;
  });
  return redisUrlPromise;
}

export function testPostgresUrl(): Promise<string> {
  postgresUrlPromise ??= resolvePostgresUrl().catch((err) => {
    postgresUrlPromise = undefined;
    throw err;
  });
  return postgresUrlPromise;
}

/**
 * CREATE DATABASE `${name}_${random}` on the server of `baseUrl`; returns its url and drop().
 * `name` is reduced to [a-z0-9_] (PostgreSQL identifiers are max 63 bytes).
 */
export async function createTestDatabase(
  baseUrl: string,
  name: string,
  /** A database to copy (CREATE DATABASE … TEMPLATE): nobody may be connected to it. */
  template?: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const safe =
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'test';
  const dbName = `${/^[a-z_]/.test(safe) ? safe : `t_${safe}`}_${randomBytes(5).toString('hex')}`;
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE "${dbName}"${template ? ` TEMPLATE "${template}"` : ''}`));
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  let dropped = false;
  return {
    url: url.toString(),
    name: dbName,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withClient(baseUrl, async (c) => {
        try {
          await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
        } catch (err) {
          if ((err as { code?: string }).code !== '42601') throw err; // syntax error: PG < 13
          await c.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [dbName],
          );
          await c.query(`DROP DATABASE IF EXISTS "${dbName}"`);
        }
      });
    },
  };
}

/** Make sure a redis-server binary exists (apt-get install when root); returns its path. */
export async function ensureRedisServerBinary(): Promise<string> {
  const found = await findRedisServer();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env, stdio: 'ignore' });
    if (r.status !== 0) {
      spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
      r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env, stdio: 'ignore' });
    }
    const after = await findRedisServer();
    if (after) return after;
  }
  throw new Error(
    '测试需要 redis-server，但没有找到。请运行 .ci/run，或 apt-get install -y redis-server，或设置 TEST_REDIS_URL。 / ' +
      'Tests need redis-server: run .ci/run, install it (apt-get install -y redis-server) or set TEST_REDIS_URL.',
  );
}

// ---------------------------------------------------------------------------------------------

async function resolveRedisUrl(): Promise<string> {
  const url = process.env.TEST_REDIS_URL || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) return url;
  if (process.env.TEST_REDIS_URL) {
    throw new Error(`TEST_REDIS_URL=${url} 没有响应 / does not answer PING`);
  }
  return startThrowawayRedis();
}

async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const spawned: { child: ChildProcess; dir: string }[] = [];
let exitHookInstalled = false;

async function startThrowawayRedis(): Promise<string> {
  const bin = await ensureRedisServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'campaign-bot-test-redis-'));
  const port = await freePort();
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  const setpriv = process.platform === 'linux' && existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : null;
  const child = setpriv
    ? spawn(setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args], { stdio: 'ignore' })
    : spawn(bin, args, { stdio: 'ignore' });
  child.unref();
  spawned.push({ child, dir });
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const s of spawned) {
        try {
          s.child.kill('SIGKILL');
        } catch {
          /* ignore */
        }
        rmSync(s.dir, { recursive: true, force: true });
      }
    });
  }
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await redisAnswers(url)) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`测试用 redis-server 启动失败 / the throw-away redis-server on port ${port} did not start`);
}

async function resolvePostgresUrl(): Promise<string> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_DATABASE_URL;
  const hint =
    '请运行 .ci/run（它会安装并启动 PostgreSQL），或安装 postgresql 并允许 127.0.0.1 上 postgres 用户 trust 登录，或设置 TEST_DATABASE_URL。 / ' +
    'Run .ci/run (installs and starts PostgreSQL), or install postgresql with trust auth for postgres@127.0.0.1, or set TEST_DATABASE_URL.';
  try {
    await withClient(url, (c) => c.query('SELECT 1'));
    return url;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '3D000') {
      // The server answers but the database does not exist: create it.
      const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
      const admin = new URL(url);
      admin.pathname = '/postgres';
      try {
        await withClient(admin.toString(), (c) => c.query(`CREATE DATABASE "${dbName.replace(/"/g, '""')}"`));
      } catch (createErr) {
        if ((createErr as { code?: string }).code !== '42P04') throw createErr; // already exists (race)
      }
      return url;
    }
    throw new Error(`PostgreSQL ${redactUrl(url)} 无法连接：${(err as Error).message}。${hint}`, { cause: err });
  }
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
