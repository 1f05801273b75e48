// A child process running project code — the compiled JavaScript in dist/ as production runs it
// (spawnBuilt), or the TypeScript through tsx (spawnTsx) — in its own process group (so a test
// can kill it and anything it started), whose output a test can wait for.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(import.meta.dirname, '..', '..');

export interface Proc {
  child: ChildProcess;
  pid: number;
  out(): string;
  /** The JSON log lines printed so far. */
  logs(): Record<string, unknown>[];
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited(): boolean;
}

interface SpawnOptions { cwd: string; env: NodeJS.ProcessEnv; stdin?: boolean; waitMs?: number }

export function spawnTsx(args: string[], opts: SpawnOptions): Proc {
  return spawnNode(['--import', 'tsx', ...args], opts);
}

let building: Promise<void> | undefined;
/**
 * dist/ built from the current sources, as `npm run build` makes it (scripts/build.mjs, which
 * skips the work when dist/ is newer than every source and lets one build run at a time).
 * Call in beforeAll before spawnBuilt.
 */
export function ensureBuilt(): Promise<void> {
  building ??= promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--if-stale'], { cwd: ROOT })
    .then(() => undefined, (err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run build failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    });
  return building;
}

/** An entry point as production runs it: `src/main.ts` → `<root>/dist/src/main.js` (what `npm start` runs). */
export function builtEntry(source: string): string {
  const rel = path.relative(ROOT, path.resolve(ROOT, source));
  if (rel.startsWith('..') || !rel.endsWith('.ts')) throw new Error(`not a project source file: ${source}`);
  return path.join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
}

/** `npm run cli -- …` as production runs it: node's arguments for dist/src/cli.js (call ensureBuilt() in beforeAll first). */
export const builtCli = (): string[] => [builtEntry('src/cli.ts')];

/** Like spawnTsx, but runs the compiled JavaScript (args[0] names the source, e.g. `src/cli.ts`); ensureBuilt() first. */
export function spawnBuilt(args: string[], opts: SpawnOptions): Proc {
  const [entry, ...rest] = args;
  return spawnNode([builtEntry(entry!), ...rest], opts);
}

function spawnNode(nodeArgs: string[], opts: SpawnOptions): Proc {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: opts.cwd, env: opts.env, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], detached: true,
  });
  let text = '';
  let done = false;
  const waiters: (() => void)[] = [];
  const onData = (b: Buffer) => { text += b.toString('utf8'); for (const w of waiters.splice(0)) w(); };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { done = true; resolve({ code, signal }); for (const w of waiters.splice(0)) w(); });
  });
  return {
    child, pid: child.pid!, exit, exited: () => done,
    out: () => text,
    logs: () => text.split('\n').flatMap((l) => { try { return [JSON.parse(l) as Record<string, unknown>]; } catch { return []; } }),
    async waitFor(what, ms = opts.waitMs ?? 90_000) {
      const hit = () => (typeof what === 'string' ? text.includes(what) : what.test(text));
      const deadline = Date.now() + ms;
      while (!hit()) {
        if (done) throw new Error(`process ${child.pid} exited before printing ${what}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${text}`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 250); });
      }
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}
