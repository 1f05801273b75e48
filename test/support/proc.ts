// A child process running project code with tsx, in its own process group (so a test can kill
// it and anything it started), whose output a test can wait for.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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

export function spawnTsx(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; stdin?: boolean; waitMs?: number }): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
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
