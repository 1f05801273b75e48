/**
 * One service per DATA_DIR.
 *
 * `acquireDataDirLock` creates `${dataDir}/service.lock` with O_EXCL ('wx'), so two processes can
 * never both create it. An existing lock whose process is gone (kill -9, crash, reboot) is stale
 * and gets replaced; a live one makes acquire throw {@link DataDirLockedError}.
 *
 * "Alive" means: `process.kill(pid, 0)` succeeds (EPERM also counts as alive) AND, on Linux, the
 * process start time in /proc/<pid>/stat still equals the one recorded in the lock (so a recycled
 * pid, e.g. the same low pid in a restarted container, is not mistaken for the old service), AND it
 * is not our own pid unless this very process holds the lock.
 *
 * Replacing a stale lock happens under a short-lived `service.lock.takeover` file (also O_EXCL), so
 * two processes that both see the same stale lock cannot both win.
 *
 * `readLiveLock` is for the CLI: if it returns a lock, a service is running and can be reached on
 * 127.0.0.1:port; if it returns null, nobody holds the directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE_NAME = 'service.lock';

export interface DataDirLockInfo {
  pid: number;
  port?: number;
  role: string;
  startedAt: string;
  hostname: string;
  /** Random per acquisition; release() only deletes the file if the token is still ours. */
  token: string;
  /** Linux only: field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
  procStart?: string;
}

export interface DataDirLock {
  readonly path: string;
  readonly info: DataDirLockInfo;
  release(): Promise<void>;
}

export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirLockInfo,
  ) {
    super(
      `数据目录 ${dataDir} 已被进程 ${holder.pid} 使用（端口 ${holder.port ?? '未知'}）。` +
        `同一个 DATA_DIR 只能运行一个服务；请停止它或设置不同的 DATA_DIR。` +
        ` / Data directory ${dataDir} is in use by process ${holder.pid}` +
        ` (port ${holder.port ?? 'unknown'}, role ${holder.role || 'unknown'}).` +
        ` Only one service can run per DATA_DIR; stop it or set a different DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** Tokens of locks held by this process (keyed by lock file path). */
const heldTokens = new Map<string, string>();

export async function acquireDataDirLock(
  dataDir: string,
  info: { port?: number; role: string },
): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  const lockPath = join(dir, LOCK_FILE_NAME);
  const procStart = procStartOf(process.pid);
  const mine: DataDirLockInfo = {
    pid: process.pid,
    ...(info.port !== undefined ? { port: info.port } : {}),
    role: info.role,
    startedAt: new Date().toISOString(),
    hostname: hostname(),
    token: randomBytes(12).toString('hex'),
    ...(procStart ? { procStart } : {}),
  };

  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, mine)) break;

    const existing = await readLockFile(lockPath);
    if (existing === 'missing') continue; // released between our attempts; just retry
    if (existing !== 'corrupt' && isLockAlive(lockPath, existing)) {
      throw new DataDirLockedError(dir, existing);
    }
    // Stale (dead pid) or unreadable (e.g. a crash mid-write): replace it under the takeover lock.
    const replaced = await withTakeover(lockPath, async () => {
      const again = await readLockFile(lockPath);
      if (again !== 'missing' && again !== 'corrupt' && isLockAlive(lockPath, again)) {
        throw new DataDirLockedError(dir, again);
      }
      if (again === 'corrupt' && !(await olderThan(lockPath, 2000))) {
        return false; // maybe someone is writing it right now; look again shortly
      }
      await unlink(lockPath).catch(ignoreEnoent);
      return tryCreate(lockPath, mine);
    });
    if (replaced) break;
    if (attempt > 50) {
      throw new Error(`无法获取数据目录锁 ${lockPath} / could not acquire the data directory lock ${lockPath}`);
    }
    await sleep(40 + Math.random() * 60);
  }

  heldTokens.set(lockPath, mine.token);
  const onExit = () => {
    // Last resort if the process exits without release(): remove the lock synchronously.
    try {
      const cur = JSON.parse(readFileSync(lockPath, 'utf8')) as DataDirLockInfo;
      if (cur.token === mine.token) unlinkSync(lockPath);
    } catch {
      /* ignore */
    }
  };
  process.once('exit', onExit);

  let released = false;
  return {
    path: lockPath,
    info: mine,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      if (heldTokens.get(lockPath) === mine.token) heldTokens.delete(lockPath);
      const cur = await readLockFile(lockPath);
      if (cur !== 'missing' && cur !== 'corrupt' && cur.token === mine.token && cur.pid === process.pid) {
        await unlink(lockPath).catch(ignoreEnoent);
      }
    },
  };
}

/**
 * The lock of the service currently running on `dataDir`, or null when there is no lock file, it is
 * unreadable, or its process is gone (stale).
 */
export async function readLiveLock(dataDir: string): Promise<DataDirLockInfo | null> {
  const lockPath = join(resolve(dataDir), LOCK_FILE_NAME);
  const cur = await readLockFile(lockPath);
  if (cur === 'missing' || cur === 'corrupt') return null;
  return isLockAlive(lockPath, cur) ? cur : null;
}

// ---------------------------------------------------------------------------------------------

async function tryCreate(lockPath: string, info: DataDirLockInfo): Promise<boolean> {
  let fh;
  try {
    fh = await open(lockPath, 'wx', 0o600); // owner-only: the token in it lets the CLI in
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new Error(
      `无法创建数据目录锁 ${lockPath}：${(err as Error).message} / cannot create lock file ${lockPath}`,
      { cause: err },
    );
  }
  try {
    await fh.writeFile(JSON.stringify(info, null, 2) + '\n', 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

async function readLockFile(lockPath: string): Promise<DataDirLockInfo | 'missing' | 'corrupt'> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as DataDirLockInfo;
    if (!parsed || typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) {
      return 'corrupt';
    }
    return parsed;
  } catch {
    return 'corrupt';
  }
}

function isLockAlive(lockPath: string, lock: DataDirLockInfo): boolean {
  if (lock.pid === process.pid) {
    // Our own pid: only alive if this process really holds it (otherwise it is a leftover of an
    // earlier process that happened to have the same pid, typical for containers).
    return heldTokens.get(lockPath) === lock.token;
  }
  if (!pidAlive(lock.pid)) return false;
  if (lock.procStart && lock.hostname === hostname()) {
    const now = procStartOf(lock.pid);
    if (now && now !== lock.procStart) return false; // pid was recycled by another process
  }
  return true;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux: start time of a process in clock ticks since boot (stable for the process lifetime). */
function procStartOf(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state), so field 22 (starttime) is rest[19].
    return rest[19] || undefined;
  } catch {
    return undefined;
  }
}

async function withTakeover<T>(lockPath: string, fn: () => Promise<T>): Promise<T | false> {
  const takeoverPath = lockPath + '.takeover';
  let fh;
  try {
    fh = await open(takeoverPath, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Someone else is replacing the stale lock. A takeover file older than 10 s is left over from
    // a crash in the middle of the (millisecond-long) critical section: remove it.
    if (await olderThan(takeoverPath, 10_000)) await unlink(takeoverPath).catch(ignoreEnoent);
    return false;
  }
  try {
    await fh.writeFile(String(process.pid));
    await fh.close();
    return await fn();
  } finally {
    await unlink(takeoverPath).catch(ignoreEnoent);
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  try {
    const s = await stat(path);
    return Date.now() - s.mtimeMs > ms;
  } catch {
    return false;
  }
}

function ignoreEnoent(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
