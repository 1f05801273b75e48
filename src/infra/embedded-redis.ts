/**
 * A private redis-server child for a data directory, used when REDIS_URL is not set.
 *
 * Layout (`${dataDir}/redis`, mode 0700):
 *   redis.conf        generated on every start (0600; holds the random password)
 *   appendonlydir/    AOF — the only persistence (RDB snapshots are off: `save ""`)
 *   redis.pid         written by redis-server itself (--pidfile)
 *   redis.log         redis-server's own log
 *   embedded.json     { pid, port, password, ownerPid, startedAt } of the running child
 *
 * Network: bind 127.0.0.1 only, protected-mode, a free port chosen by the OS, `requirepass` with a
 * random password (carried in the returned url), so other local users cannot read campaign data.
 *
 * Orphans: on Linux the child is started through `setpriv --pdeathsig TERM`, so when the service
 * dies (even by kill -9) the kernel sends SIGTERM to redis-server, which then fsyncs the AOF and
 * exits. Where that is unavailable (or the child survived anyway) the next start finds the orphan
 * (embedded.json / redis.pid / a /proc scan for a redis-server whose cwd is this directory) and
 * REPLACES it: graceful SIGTERM (= SHUTDOWN: AOF is fsynced), wait for exit, then start a fresh
 * child with the current config. Nothing is lost (AOF), and there is never more than one
 * redis-server on the directory. We replace rather than adopt so the running child is always one
 * we spawned ourselves: we get its exit events, its pdeathsig is tied to the current service, and
 * config changes take effect.
 *
 * The caller must hold the data directory lock (see datadir-lock.ts); two concurrent
 * startEmbeddedRedis() calls on one directory would replace each other.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, readFileSync } from 'node:fs';
import { access, chmod, mkdir, open, readdir, readFile, readlink, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_SERVER_MISSING_MESSAGE =
  '未找到 redis-server。请运行 npm run setup，或 apt-get install -y redis-server，或设置 REDIS_URL 指向已有的 Redis。';

type LogFn = (obj: Record<string, unknown>, msg?: string) => void;
export interface EmbeddedRedisLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface EmbeddedRedis {
  /** redis://:password@127.0.0.1:port */
  url: string;
  port: number;
  pid: number;
  /** `${dataDir}/redis` */
  dir: string;
  /** Resolves when redis-server exits for any reason (after stop() or unexpectedly). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SHUTDOWN (fsyncs the AOF) and wait for the process to exit. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Path of redis-server; default: $REDIS_SERVER_BIN, then PATH and the usual locations. */
  redisServerBin?: string;
  /** How long to wait for the first PONG (default 20 s; extended while Redis is loading the AOF). */
  startTimeoutMs?: number;
}

interface EmbeddedState {
  pid: number;
  port: number;
  password: string;
  ownerPid: number;
  startedAt: string;
}

const STATE_FILE = 'embedded.json';
const PID_FILE = 'redis.pid';
const LOG_FILE = 'redis.log';
const CONF_FILE = 'redis.conf';

export async function startEmbeddedRedis(
  dataDir: string,
  log: EmbeddedRedisLogger,
  options: EmbeddedRedisOptions = {},
): Promise<EmbeddedRedis> {
  const bin = options.redisServerBin ?? (await findRedisServer());
  if (!bin) throw new Error(REDIS_SERVER_MISSING_MESSAGE);

  const dir = resolve(dataDir, 'redis');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700).catch(() => {});

  await shutdownOrphans(dir, log);
  const setpriv = await pdeathsigWrapper();

  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 4; attempt++) {
    const port = await freePort();
    const password = randomBytes(18).toString('hex');
    await writeFile(join(dir, CONF_FILE), renderConfig(dir, port, password), { mode: 0o600 });
    await chmod(join(dir, CONF_FILE), 0o600).catch(() => {});

    const child = spawnRedis(bin, join(dir, CONF_FILE), dir, setpriv);
    const exited = watchExit(child);
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 8000) stderr += chunk;
    });

    try {
      await waitReady(port, password, exited, options.startTimeoutMs ?? 20_000, log);
    } catch (err) {
      if (exited.done) {
        const detail = [exited.error?.message ?? '', stderr, await tail(join(dir, LOG_FILE), 15)]
          .join('\n')
          .trim();
        lastError = new Error(
          `内置 Redis 启动失败（退出码 ${exited.code ?? exited.signal}）/ embedded redis-server exited during startup.\n${detail}`,
        );
        if (/address already in use/i.test(detail) && attempt < 4) {
          log.warn({ port }, 'embedded redis: port taken in the meantime, retrying with another port');
          continue;
        }
        throw lastError;
      }
      await killAndWait(child, exited);
      throw err;
    }

    const pid = child.pid!;
    const state: EmbeddedState = {
      pid,
      port,
      password,
      ownerPid: process.pid,
      startedAt: new Date().toISOString(),
    };
    await writeJsonAtomic(join(dir, STATE_FILE), state);
    log.info({ pid, port, dir }, 'embedded redis started (AOF persistence, 127.0.0.1 only)');

    let stopping: Promise<void> | undefined;
    void exited.promise.then(() => {
      if (stopping) return;
      // A normal stop of the service signals its whole process group: redis-server gets the
      // SIGTERM too and shuts down cleanly (AOF fsynced, exit code 0) before stop() runs.
      if (exited.code === 0 || exited.signal === 'SIGTERM' || exited.signal === 'SIGINT') {
        log.info({ pid, port, code: exited.code, signal: exited.signal }, 'embedded redis stopped by a signal (normal when the service is stopping)');
      } else {
        log.error(
          { pid, port, code: exited.code, signal: exited.signal, log: join(dir, LOG_FILE) },
          'embedded redis exited unexpectedly',
        );
      }
    });

    return {
      url: `redis://:${password}@127.0.0.1:${port}`,
      port,
      pid,
      dir,
      exited: exited.promise.then(() => ({ code: exited.code, signal: exited.signal })),
      stop() {
        stopping ??= (async () => {
          if (!exited.done) {
            await sendShutdown(port, password);
            if (!(await exited.wait(15_000))) {
              log.warn({ pid }, 'embedded redis: SHUTDOWN did not finish in 15 s, sending SIGTERM');
              await killAndWait(child, exited);
            }
          }
          await removeStateIfOurs(dir, pid);
          log.info({ pid, port }, 'embedded redis stopped');
        })();
        return stopping;
      },
    };
  }
  throw lastError ?? new Error('embedded redis-server failed to start');
}

/** redis-server from $REDIS_SERVER_BIN, PATH, or the usual install locations; null when absent. */
export async function findRedisServer(): Promise<string | null> {
  const fromEnv = process.env.REDIS_SERVER_BIN;
  if (fromEnv) return (await isExecutable(fromEnv)) ? fromEnv : null;
  return findExecutable('redis-server');
}

/**
 * Linux: pids of redis-server processes whose working directory is `dir` (redis chdir()s to its
 * `dir`). Used for orphan detection and by tests. Empty elsewhere.
 */
export async function findRedisProcessesForDir(dir: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  let target: string;
  try {
    target = await realpath(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const comm = (await readFile(`/proc/${e}/comm`, 'utf8')).trim();
          if (!comm.startsWith('redis-server')) return;
          if ((await readlink(`/proc/${e}/cwd`)) !== target) return;
          if (procState(Number(e)) === 'Z') return;
          out.push(Number(e));
        } catch {
          /* process vanished or not ours to inspect */
        }
      }),
  );
  return out.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------

function renderConfig(dir: string, port: number, password: string): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return [
    '# Generated by campaign-bot (src/infra/embedded-redis.ts) on every start. Do not edit.',
    'bind 127.0.0.1',
    'protected-mode yes',
    `port ${port}`,
    'daemonize no',
    'supervised no',
    `dir ${q(dir)}`,
    `pidfile ${q(join(dir, PID_FILE))}`,
    `logfile ${q(join(dir, LOG_FILE))}`,
    'loglevel notice',
    // Persistence: AOF only, fsync every second; no RDB snapshots.
    'appendonly yes',
    'appendfsync everysec',
    'save ""',
    // BullMQ needs keys never to be evicted.
    'maxmemory-policy noeviction',
    `requirepass ${password}`,
    '',
  ].join('\n');
}

let setprivChecked: Promise<string | null> | undefined;
/** `setpriv` if it supports --pdeathsig (util-linux ≥ 2.33, Linux only). */
function pdeathsigWrapper(): Promise<string | null> {
  setprivChecked ??= (async () => {
    if (process.platform !== 'linux') return null;
    const setpriv = await findExecutable('setpriv');
    if (!setpriv) return null;
    const r = spawnSync(setpriv, ['--pdeathsig', 'TERM', '--', 'true'], { stdio: 'ignore', timeout: 5000 });
    return r.status === 0 ? setpriv : null;
  })();
  return setprivChecked;
}

function spawnRedis(bin: string, confPath: string, cwd: string, setpriv: string | null): ChildProcess {
  const [cmd, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'TERM', '--', bin, confPath]]
    : [bin, [confPath]];
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: false });
  // Do not keep the event loop alive just for the child; if this process exits, pdeathsig (or the
  // orphan logic of the next start) takes care of redis-server.
  child.unref();
  (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  return child;
}

interface ExitWatch {
  done: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
  promise: Promise<void>;
  wait(ms: number): Promise<boolean>;
}

function watchExit(child: ChildProcess): ExitWatch {
  const w: ExitWatch = {
    done: false,
    code: null,
    signal: null,
    promise: undefined as unknown as Promise<void>,
    async wait(ms) {
      if (w.done) return true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
      const res = await Promise.race([w.promise.then(() => true as const), timeout]);
      clearTimeout(timer);
      return res;
    },
  };
  w.promise = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      w.done = true;
      w.code = code;
      w.signal = signal;
      resolveExit();
    });
    child.once('error', (err) => {
      w.done = true;
      w.code = -1;
      w.signal = null;
      w.error = err;
      resolveExit();
    });
  });
  return w;
}

async function waitReady(
  port: number,
  password: string,
  exited: ExitWatch,
  timeoutMs: number,
  log: EmbeddedRedisLogger,
): Promise<void> {
  const started = Date.now();
  let deadline = started + timeoutMs;
  let loadingLogged = false;
  for (;;) {
    if (exited.done) throw new Error('redis-server exited');
    const reply = await pingOnce(port, password);
    if (reply === 'PONG') return;
    if (reply === 'LOADING') {
      // Replaying a large AOF can take a while; keep waiting as long as the process lives.
      deadline = Math.max(deadline, started + 10 * 60_000);
      if (!loadingLogged) {
        loadingLogged = true;
        log.info({ port }, 'embedded redis: loading the AOF…');
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `内置 Redis 在 ${Math.round(timeoutMs / 1000)} 秒内没有响应 / embedded redis-server did not answer PING on 127.0.0.1:${port} within ${timeoutMs} ms`,
      );
    }
    await exited.wait(100);
  }
}

function newClient(port: number, password: string): Redis {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  });
  client.on('error', () => {});
  return client;
}

async function pingOnce(port: number, password: string): Promise<'PONG' | 'LOADING' | 'DOWN'> {
  const client = newClient(port, password);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? 'PONG' : 'DOWN';
  } catch (err) {
    return /LOADING/.test(String((err as Error).message)) ? 'LOADING' : 'DOWN';
  } finally {
    client.disconnect();
  }
}

async function sendShutdown(port: number, password: string): Promise<void> {
  const client = newClient(port, password);
  try {
    await client.connect();
    await client.call('SHUTDOWN');
  } catch {
    // The connection closing is the normal answer to SHUTDOWN; real failures show up as the
    // process not exiting, which the caller handles.
  } finally {
    client.disconnect();
  }
}

async function killAndWait(child: ChildProcess, exited: ExitWatch): Promise<void> {
  if (exited.done) return;
  child.kill('SIGTERM');
  if (await exited.wait(10_000)) return;
  child.kill('SIGKILL');
  await exited.wait(5_000);
}

/** Shut down any redis-server still running on `dir` (left behind by a killed service). */
async function shutdownOrphans(dir: string, log: EmbeddedRedisLogger): Promise<void> {
  const state = await readState(dir);
  const candidates = new Set<number>(await findRedisProcessesForDir(dir));
  if (state?.pid) candidates.add(state.pid);
  const pidFromFile = Number((await readFile(join(dir, PID_FILE), 'utf8').catch(() => '')).trim());
  if (Number.isInteger(pidFromFile) && pidFromFile > 0) candidates.add(pidFromFile);

  for (const pid of candidates) {
    if (pid === process.pid || !alive(pid)) continue;
    if (!(await isOurRedis(pid, dir, state))) continue;
    log.warn(
      { pid, dir },
      'embedded redis: found a redis-server left over from a previous run (service killed?); shutting it down and starting a fresh one (data is kept in the AOF)',
    );
    if (state && state.pid === pid) await sendShutdown(state.port, state.password);
    if (!(await waitGone(pid, 1000))) {
      signal(pid, 'SIGTERM'); // redis handles SIGTERM like SHUTDOWN: fsync AOF, remove pidfile, exit
      if (!(await waitGone(pid, 15_000))) {
        log.error({ pid }, 'embedded redis: orphan did not exit after SIGTERM, sending SIGKILL');
        signal(pid, 'SIGKILL');
        if (!(await waitGone(pid, 5_000))) {
          throw new Error(
            `无法停止残留的 redis-server 进程 ${pid}（目录 ${dir}）/ cannot stop the leftover redis-server ${pid} on ${dir}`,
          );
        }
      }
    }
  }
  await unlink(join(dir, STATE_FILE)).catch(() => {});
}

async function isOurRedis(pid: number, dir: string, state: EmbeddedState | null): Promise<boolean> {
  if (process.platform === 'linux') {
    return (await findRedisProcessesForDir(dir)).includes(pid);
  }
  // Elsewhere: ask the process on the recorded port who it is.
  if (!state || state.pid !== pid) return false;
  const client = newClient(state.port, state.password);
  try {
    await client.connect();
    const info = await client.info('server');
    const procId = /process_id:(\d+)/.exec(info)?.[1];
    const cfg = (await client.call('CONFIG', 'GET', 'dir')) as string[];
    return Number(procId) === pid && cfg[1] !== undefined && resolve(cfg[1]) === resolve(dir);
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function readState(dir: string): Promise<EmbeddedState | null> {
  try {
    const s = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as EmbeddedState;
    return typeof s.pid === 'number' && typeof s.port === 'number' ? s : null;
  } catch {
    return null;
  }
}

async function removeStateIfOurs(dir: string, pid: number): Promise<void> {
  const s = await readState(dir);
  if (s && s.pid === pid) await unlink(join(dir, STATE_FILE)).catch(() => {});
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(value, null, 2) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** Linux: the state letter of /proc/<pid>/stat ('R', 'S', 'Z', …); undefined elsewhere. */
function procState(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const i = stat.lastIndexOf(')');
    return stat.slice(i + 2, i + 3);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procState(pid) !== 'Z';
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function tail(path: string, lines: number): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '';
  }
}

async function isExecutable(p: string): Promise<boolean> {
  try {
    await access(p, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findExecutable(name: string): Promise<string | null> {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/bin',
    '/usr/sbin',
    '/usr/local/bin',
    '/usr/local/sbin',
    '/opt/homebrew/bin',
    '/bin',
  ];
  for (const d of dirs) {
    const p = join(d, name);
    if (await isExecutable(p)) return p;
  }
  return null;
}
