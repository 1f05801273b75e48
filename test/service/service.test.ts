// The real service, CLI and chat simulator as separate OS processes, compiled as `npm start`,
// `npm run cli` and `npm run chat` run them (dist/, built once for the file), on embedded defaults
// (PGlite under DATA_DIR, a private redis-server): start-up logs, /healthz, the DATA_DIR lock,
// the CLI through the running service, kill -9 and restart without losing anything, a clean
// SIGTERM, bad settings, and `npm run chat -- --demo`.
import { ensureBuilt, spawnBuilt, freePort, type Proc } from '../support/proc.ts';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findRedisProcessesForDir } from '../../src/infra/embedded-redis.ts';
import { ensureRedisServerBinary } from '../support/services.ts';

const root = join(import.meta.dirname, '..', '..');
const TOKEN = 'service-test-token-0123456789';
const STARTED = '学习整改助手已启动';


const procs: Proc[] = [];
const redisDirs = new Set<string>();
let tmp: string;

/** A process in its own process group (so afterAll can kill it and anything it started). */
function run(args: string[], env: Record<string, string>): Proc {
  const p = spawnBuilt(args, {
    cwd: root, stdin: true,
    env: {
      ...process.env,
      // Embedded defaults unless a test says otherwise; empty values also beat a stray .env.
      DATABASE_URL: '', REDIS_URL: '', ROLE: 'all', LOG_LEVEL: 'info', ADMIN_API_TOKEN: TOKEN,
      ...env,
    },
  });
  procs.push(p);
  return p;
}

function exitWithin(p: Proc, ms: number) {
  return Promise.race([
    p.exit,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`process ${p.pid} did not exit within ${ms} ms:\n${p.out()}`)), ms)),
  ]);
}

/** Running (a zombie waiting to be reaped counts as gone). */
function alive(pid: number) {
  try { process.kill(pid, 0); } catch { return false; }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch { return process.platform !== 'linux'; }
}

/** Every file and directory under `dir` (itself included) that its group or others may use. */
async function notPrivate(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (p: string) => {
    const st = await lstat(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) found.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of await readdir(p)) await walk(join(p, n));
  };
  await walk(dir);
  return found;
}
const modeOf = async (file: string) => ((await stat(file)).mode & 0o777).toString(8);

/** This machine's address on its network, if it has one (for "not listening there" checks). */
const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** Whether a TCP connection to host:port is accepted. */
async function accepts(host: string, port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: 3000 });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

beforeAll(async () => {
  await ensureBuilt();
  await ensureRedisServerBinary();
  tmp = await mkdtemp(join(tmpdir(), 'campaign-bot-service-'));
});

afterAll(async () => {
  for (const p of procs) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      try { process.kill(-p.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  await Promise.all(procs.map((p) => exitWithin(p, 5000).catch(() => {})));
  // Nothing may be left behind: no redis-server on any data directory of this file.
  const left: number[] = [];
  for (const dir of redisDirs) {
    for (const pid of await findRedisProcessesForDir(dir)) {
      left.push(pid);
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
  expect(left, 'redis-server processes left behind').toEqual([]);
});

describe('the service on embedded defaults', () => {
  let dataDir: string;
  let redisDir: string;
  let port: number;
  let service: Proc;
  const base = () => `http://127.0.0.1:${port}`;
  const env = () => ({ DATA_DIR: dataDir, PORT: String(port) });

  beforeAll(async () => {
    dataDir = join(tmp, 'data');
    redisDir = join(dataDir, 'redis');
    redisDirs.add(redisDir);
    port = await freePort();
  });

  it('starts, logs where it listens and that no platform is connected, and is healthy', async () => {
    // What an older version left readable by everyone: tightened at start.
    await mkdir(join(dataDir, 'old'), { recursive: true });
    await writeFile(join(dataDir, 'old', 'export.xlsx'), 'x');
    await chmod(join(dataDir, 'old', 'export.xlsx'), 0o666);
    await chmod(join(dataDir, 'old'), 0o755);
    await chmod(dataDir, 0o755);
    service = run(['src/main.ts'], env());
    await service.waitFor(STARTED);
    await service.waitFor('已连接的平台');
    const started = service.logs().find((l) => l.msg === STARTED)!;
    expect(started.listening).toBe(`http://127.0.0.1:${port}`);
    expect(started.host).toBe('127.0.0.1'); // HOST's default: this machine only
    expect(started.bound).toBe(`127.0.0.1:${port}`); // what server.address() says, not the setting
    if (external) expect(await accepts(external, port)).toBe(false);
    expect(String(started.database)).toContain('PGlite');
    expect(String(started.database)).toContain(join(dataDir, 'db'));
    expect(String(started.redis)).toContain('redis-server');
    const platforms = service.logs().find((l) => String(l.msg).startsWith('已连接的平台'))!;
    expect(platforms.msg).toContain('无');
    expect(platforms.platforms).toEqual([]);
    expect(service.out()).toContain('npm run chat');

    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: true, redis: true, databaseKind: 'pglite' });
    expect(await findRedisProcessesForDir(redisDir)).toHaveLength(1);
    expect(existsSync(join(dataDir, 'service.lock'))).toBe(true);
  });

  it('keeps DATA_DIR private: 0700, files 0600 — the database, Redis\'s AOF, the lock, and what was there before', async () => {
    expect(existsSync(join(dataDir, 'db', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(redisDir, 'appendonlydir'))).toBe(true);
    expect(await notPrivate(dataDir)).toEqual([]);
    expect(await modeOf(dataDir)).toBe('700');
    expect(await modeOf(join(dataDir, 'db'))).toBe('700');
    expect(await modeOf(join(dataDir, 'db', 'PG_VERSION'))).toBe('600');
    expect(await modeOf(join(dataDir, 'old', 'export.xlsx'))).toBe('600');
    expect(service.logs().find((l) => l.msg === 'DATA_DIR 中的文件已改为仅本用户可读写')).toMatchObject({ files: 3 });
  });

  it('refuses a second service on the same DATA_DIR, naming the process holding it', async () => {
    const second = run(['src/main.ts'], { DATA_DIR: dataDir, PORT: String(await freePort()) });
    const { code } = await exitWithin(second, 30_000);
    expect(code).not.toBe(0);
    expect(second.out()).toContain('已被进程');
    expect(second.out()).toContain(String(service.pid));
    expect(second.out()).toContain('DATA_DIR');
    // The first one is untouched.
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    expect(await findRedisProcessesForDir(redisDir)).toHaveLength(1);
  });

  it('the CLI imports a directory through the running service', async () => {
    const csv = join(tmp, 'people.csv');
    await writeFile(csv, '单位,姓名,角色,手机号\n县人民医院,赵院长,负责人,13900000011\n县人民医院,张三,职工,13900000012\n县中医院,周敏,职工,13900000022\n');
    const cli = run(['src/cli.ts', 'directory', 'import', csv], env());
    const { code } = await exitWithin(cli, 30_000);
    expect(cli.out()).toContain('通过正在运行的服务');
    expect(cli.out()).toContain(String(service.pid));
    expect(code, cli.out()).toBe(0);

    const res = await fetch(`${base()}/api/v1/members`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const names = ((await res.json()) as { items: { name: string }[] }).items.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['赵院长', '张三', '周敏']));
    expect((await fetch(`${base()}/api/v1/members`)).status).toBe(401);
  });

  it('cli backup and cli export --out write files only their owner can read', async () => {
    const backup = run(['src/cli.ts', 'backup', join(tmp, 'backup.gz')], env());
    expect((await exitWithin(backup, 60_000)).code, backup.out()).toBe(0);
    expect(backup.out()).toContain('由正在运行的服务备份');
    expect(await modeOf(join(tmp, 'backup.gz'))).toBe('600');
    // --out onto a file that was readable by everyone: it is private afterwards.
    const out = join(tmp, 'ledger.xlsx');
    await writeFile(out, 'old');
    await chmod(out, 0o644);
    const ledger = join(tmp, 'ledger.csv');
    await writeFile(ledger, '责任单位,整改项目,整改措施,分管领导,完成时限\n县人民医院,门诊排队时间长,增设自助机,赵院长,2027-03-31\n');
    const imported = run(['src/cli.ts', 'ledger', 'import', ledger], env());
    expect((await exitWithin(imported, 60_000)).code, imported.out()).toBe(0);
    const exp = run(['src/cli.ts', 'export', '整改', '--out', out], env());
    expect((await exitWithin(exp, 60_000)).code, exp.out()).toBe(0);
    expect(await modeOf(out)).toBe('600');
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK'); // an xlsx, not the old bytes
  });

  it('after kill -9 the next start replaces the orphaned redis-server and loses nothing', async () => {
    const [oldRedis] = await findRedisProcessesForDir(redisDir);
    expect(oldRedis).toBeGreaterThan(0);
    process.kill(service.pid, 'SIGKILL');
    expect((await exitWithin(service, 10_000)).signal).toBe('SIGKILL');
    // The lock file is left behind (stale) by a kill -9.
    expect(existsSync(join(dataDir, 'service.lock'))).toBe(true);

    // This time on every address (HOST=0.0.0.0): reachable on the machine's network address too.
    service = run(['src/main.ts'], { ...env(), HOST: '0.0.0.0' });
    await service.waitFor(STARTED);
    expect(service.logs().find((l) => l.msg === STARTED)).toMatchObject({ host: '0.0.0.0', listening: `http://127.0.0.1:${port}` });
    if (external) expect(await accepts(external, port)).toBe(true);
    // The old redis-server went away (pdeathsig) or was replaced: one server, not the old one.
    expect(alive(oldRedis)).toBe(false);
    const now = await findRedisProcessesForDir(redisDir);
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(oldRedis);

    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const res = await fetch(`${base()}/api/v1/members`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const names = ((await res.json()) as { items: { name: string }[] }).items.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['赵院长', '张三', '周敏']));
  });

  it('SIGTERM stops it cleanly: exit code 0, no redis-server left, lock released', async () => {
    const [redisPid] = await findRedisProcessesForDir(redisDir);
    // As systemd, docker stop or Ctrl-C do it: the whole process group, redis-server included.
    process.kill(-service.pid, 'SIGTERM');
    const { code, signal } = await exitWithin(service, 30_000);
    expect({ code, signal }, service.out()).toEqual({ code: 0, signal: null });
    expect(service.out()).toContain('收到 SIGTERM');
    expect(service.out()).not.toContain('exited unexpectedly');
    await vi.waitFor(async () => expect(await findRedisProcessesForDir(redisDir), 'redis-server left running').toEqual([]), { timeout: 5000, interval: 100 });
    expect(alive(redisPid)).toBe(false);
    expect(existsSync(join(dataDir, 'service.lock'))).toBe(false);
  });

  it('the CLI works without the service, holding DATA_DIR itself', async () => {
    const csv = join(tmp, 'more.csv');
    await writeFile(csv, '单位,姓名,角色,手机号\n城关镇卫生院,吴刚,职工,13900000032\n');
    const cli = run(['src/cli.ts', 'directory', 'import', csv], env());
    const { code } = await exitWithin(cli, 30_000);
    expect(code, cli.out()).toBe(0);
    expect(cli.out()).not.toContain('通过正在运行的服务');
    expect(existsSync(join(dataDir, 'service.lock'))).toBe(false);
  });
});

describe('bad settings stop start-up', () => {
  it('PORT=abc names PORT and exits non-zero', async () => {
    const dataDir = join(tmp, 'bad-port');
    const p = run(['src/main.ts'], { DATA_DIR: dataDir, PORT: 'abc' });
    const { code } = await exitWithin(p, 30_000);
    expect(code).not.toBe(0);
    expect(p.out()).toContain('PORT');
    expect(p.out()).not.toContain(STARTED);
  });

  it('an ADMIN_API_TOKEN shorter than 24 characters is refused, saying how to make one', async () => {
    const p = run(['src/main.ts'], { DATA_DIR: join(tmp, 'short-token'), PORT: String(await freePort()), ADMIN_API_TOKEN: 'x'.repeat(23) });
    const { code } = await exitWithin(p, 30_000);
    expect(code).not.toBe(0);
    expect(p.out()).toContain('ADMIN_API_TOKEN');
    expect(p.out()).toContain('至少 24 个字符');
    expect(p.out()).toContain('openssl rand -base64 32');
    expect(p.out()).not.toContain('x'.repeat(23)); // the token itself is not printed
    expect(p.out()).not.toContain(STARTED);
  });

  it('ROLE=web without DATABASE_URL explains that PGlite is single-process', async () => {
    const dataDir = join(tmp, 'bad-role');
    const p = run(['src/main.ts'], { DATA_DIR: dataDir, PORT: String(await freePort()), ROLE: 'web' });
    const { code } = await exitWithin(p, 30_000);
    expect(code).not.toBe(0);
    expect(p.out()).toContain('ROLE=web');
    expect(p.out()).toContain('DATABASE_URL');
    expect(p.out()).toMatch(/PGlite.*只能被一个进程打开/);
  });
});

describe('npm run chat -- --demo', () => {
  it('records a check-in, opens a phase after 确认 and shows the pushes', async () => {
    const dataDir = join(tmp, 'chat');
    redisDirs.add(join(dataDir, 'demo', 'redis'));
    const chat = run(['src/chat.ts', '--demo'], { DATA_DIR: dataDir });
    const say = (line: string) => chat.child.stdin!.write(`${line}\n`);
    await chat.waitFor('演示名单');
    say('打卡 学习《中国共产党章程》 1小时');
    await chat.waitFor('已记录');
    say('/as 王主任');
    say('/dm');
    // e.g. 「/阶段 开启 对照检查 明天 2027-01-20」; the end date is kept a month ahead of the real
    // clock (the demo campaign runs from a week ago to 120 days ahead) so the test never expires.
    const end = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 30 * 86_400_000));
    say(`/阶段 开启 对照检查 明天 ${end}`);
    await chat.waitFor('将开启新阶段');
    say('确认');
    await chat.waitFor('已开启第2阶段');
    await chat.waitFor('→ [全院群]', 15_000);
    await chat.waitFor('→ 赵院长', 15_000);
    // An export is saved to a folder, and the push names the file.
    say('/导出 打卡');
    await chat.waitFor('已保存到', 30_000);
    say('/quit');
    const { code } = await exitWithin(chat, 20_000);
    expect(code, chat.out()).toBe(0);
    const out = chat.out();
    expect(out).toContain('已载入演示名单');
    expect(out).toMatch(/已记录（#\d+）：今天 学习《中国共产党章程》 1小时/);
    expect(out).toContain('必读《中国共产党章程》已标记为学完');
    expect(out).toContain('现在的身份：局机关办公室/王主任（管理员）');
    expect(out).toContain('当前阶段「学习动员」将同时结束');
    expect(out).toMatch(/→ \[全院群\]：【医德医风大讨论】/);
    expect(out).toMatch(/→ 赵院长：赵院长您好/);
    const saved = /→ 王主任：\[文件\] (.+\.xlsx)（\d+ KB）\n\s+已保存到 (\S+)/.exec(out);
    expect(saved, out).not.toBeNull();
    expect(saved![2]).toBe(join(dataDir, 'demo', 'exports', saved![1]));
    expect(existsSync(saved![2])).toBe(true);
    expect(out).toContain(`导出的文件（/导出 …）保存在 ${join(dataDir, 'demo', 'exports')}`);
    expect(await findRedisProcessesForDir(join(dataDir, 'demo', 'redis'))).toEqual([]);
    // The simulator's data is as private as the service's.
    expect(existsSync(join(dataDir, 'demo', 'db', 'PG_VERSION'))).toBe(true);
    expect(await notPrivate(dataDir)).toEqual([]);
  });
});
