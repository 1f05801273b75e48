// A PostgreSQL cluster of the drill's own (initdb into a temp dir, pg_ctl on a free port, trust
// auth on 127.0.0.1), so the drill can restart it — the shared server on 5432 is never touched.
// initdb refuses to run as root: when we are root, the cluster belongs to the `postgres` user.
import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../test/support/proc.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  url(db?: string): string;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when it resolves. */
  restart(): Promise<{ ms: number }>;
  stop(): Promise<void>;
}

async function binDir(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[])).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)) return `/usr/lib/postgresql/${v}/bin`;
  throw new Error('没有找到 PostgreSQL 的 initdb（/usr/lib/postgresql/*/bin）：apt-get install postgresql');
}

async function postgresUid(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
  if (!stdout.trim()) throw new Error('running as root and there is no `postgres` user to own the drill cluster');
  const gid = (await run('id', ['-g', 'postgres'])).stdout.trim();
  return { uid: Number(stdout.trim()), gid: Number(gid) };
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await binDir();
  const owner = await postgresUid();
  const dir = await mkdtemp(join(tmpdir(), 'campaign-bot-drill-pg-'));
  const data = join(dir, 'data');
  if (owner) await chown(dir, owner.uid, owner.gid);
  const as = (cmd: string, args: string[]) => owner
    ? run('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: dir })
    : run(cmd, args, { cwd: dir });
  await as(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=100`;
  const ctl = (args: string[]) => as(`${bin}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', ...args]);
  await ctl(['start']);
  let stopped = false;
  return {
    port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    async restart() {
      const t = Date.now();
      await ctl(['restart', '-m', 'fast']);
      return { ms: Date.now() - t };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await ctl(['stop', '-m', 'immediate']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
