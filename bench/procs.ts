// Child processes the bench measures: the real service (`src/main.ts`, as `npm start` runs it)
// and the bare express yardstick. Separate processes, so their memory and CPU are their own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_AES_KEY, BENCH_TOKEN } from './load.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Proc {
  pid: number;
  url: string;
  /** Resident memory of the process itself, MB. */
  rssMb(): number;
  /** Resident memory of the process and its children (the embedded redis-server), MB. */
  treeRssMb(): number;
  /** CPU time used so far, ms: in the process (user) and in the kernel on its behalf (system). */
  cpu(): { userMs: number; sysMs: number };
  stop(): Promise<void>;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux: one clock tick = 10 ms

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) => {
      try { return readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number); } catch { return []; }
    });
  } catch { return []; }
}

function cpuOf(pid: number): { userMs: number; sysMs: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { userMs: Number(fields[11]) * TICK_MS, sysMs: Number(fields[12]) * TICK_MS }; // utime, stime
  } catch { return { userMs: 0, sysMs: 0 }; }
}

/** Spawn `node --import tsx <script>` and wait until `ready(line)` returns the base URL. */
async function spawnNode(args: string[], env: NodeJS.ProcessEnv, logFile: string, ready: (line: string) => string | null, timeoutMs: number, nodeArgs: string[] = []): Promise<Proc> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stderr!.pipe(log, { end: false });
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) => child.once('exit', (code) => { exited = code ?? -1; resolve(); }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start within ${timeoutMs / 1000} s (log: ${logFile})`)), timeoutMs);
    let buf = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const u = ready(line);
        if (u) { clearTimeout(timer); resolve(u); }
      }
    });
    void exit.then(() => { clearTimeout(timer); reject(new Error(`${args[0]} exited with ${exited} before it was ready (log: ${logFile})`)); });
  });
  const pid = child.pid!;
  return {
    pid, url,
    rssMb: () => rssKb(pid) / 1024,
    treeRssMb: () => [pid, ...childrenOf(pid)].reduce((t, p) => t + rssKb(p), 0) / 1024,
    cpu: () => cpuOf(pid),
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(killer);
      log.end();
    },
  };
}

/** Only what the service needs: no .env, no platform settings from the shell. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TZ', 'LANG', 'TMPDIR'];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])), DOTENV_CONFIG_PATH: '/nonexistent/.env', NODE_ENV: 'production' };
}

/**
 * The service as deployed, with the WeCom AI bot in HTTP callback mode. DATA_DIR holds the
 * embedded redis-server (and PGlite, unless databaseUrl is given).
 */
export function startService(o: { dataDir: string; databaseUrl?: string; logFile: string; logLevel?: string; timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv }): Promise<Proc> {
  const env = {
    ...baseEnv(), PORT: '0', DATA_DIR: o.dataDir, LOG_LEVEL: o.logLevel ?? 'info',
    WECOM_BOT_MODE: 'http', WECOM_BOT_TOKEN: BENCH_TOKEN, WECOM_BOT_ENCODING_AES_KEY: BENCH_AES_KEY,
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    ...o.env,
  };
  return spawnNode(['src/main.ts'], env, o.logFile, (line) => {
    const m = /"listening":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line);
    return m ? m[1] : null;
  }, o.timeoutMs ?? 180_000, o.nodeArgs);
}

export function startBareExpress(mode: 'plain' | 'crypto', logFile: string): Promise<Proc> {
  return spawnNode(['bench/bare-express.ts', mode], { ...baseEnv() }, logFile, (line) => {
    try { const j = JSON.parse(line) as { port?: number }; return j.port ? `http://127.0.0.1:${j.port}` : null; } catch { return null; }
  }, 60_000);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The service's memory once it has settled: the last of a few samples a second apart. */
export async function settledRss(p: Proc, seconds = 5): Promise<{ rssMb: number; treeRssMb: number }> {
  let last = { rssMb: 0, treeRssMb: 0 };
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    last = { rssMb: p.rssMb(), treeRssMb: p.treeRssMb() };
  }
  return last;
}
