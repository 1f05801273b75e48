// Backup and restore: a database filled through the bot (check-ins with a photo, feedback named
// and anonymous, the rectification ledger, leave, holidays, pushes) is backed up, restored into a
// fresh database of each kind (PGlite → PostgreSQL is the move to production) and compared table
// by table, row by row; the restored bot answers as before. Bad files and refusals write nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { testBot, TEST_DB, type TestBot } from '../support/test-bot.ts';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../support/services.ts';
import { ensureBuilt, spawnBuilt } from '../support/proc.ts';
import { openDatabase, rowsOf, type Database } from '../../src/db/client.ts';
import { createApp } from '../../src/app.ts';
import { createHttpApp, type ServerOptions } from '../../src/http/server.ts';
import { consoleSession } from '../../src/platforms/console/console-adapter.ts';
import { acquireDataDirLock } from '../../src/infra/datadir-lock.ts';
import {
  BackupError, latestMigration, migrateDatabaseTo, migrationJournal, restoreBackup, verifyBackup, writeBackup, type BackupHeader,
} from '../../src/db/backup.ts';
import { FEATURES, PLATFORMS } from '../../src/features.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NOW = '2026-12-10T10:00:00+08:00';
const OTHER: Database['kind'] = TEST_DB === 'pglite' ? 'postgres' : 'pglite';

let bot: TestBot;
let tmp: string;
let backupFile: string;
let sourceDump: Dump;
const cleanups: (() => Promise<unknown>)[] = [];

/** A database with nothing in it, not even the schema (restore brings its own migrations). */
async function blankDatabase(kind: Database['kind'], opts: { migrated?: boolean } = {}): Promise<Database> {
  if (kind === 'pglite') {
    const d = await openDatabase({ migrate: opts.migrated ?? false });
    cleanups.push(() => d.close());
    return d;
  }
  const created = await createTestDatabase(await testPostgresUrl(), 'restore');
  const d = await openDatabase({ databaseUrl: created.url, migrate: opts.migrated ?? false });
  cleanups.push(async () => { await d.close(); await created.drop(); });
  return Object.assign(d, { url: created.url });
}

interface Dump { tables: Record<string, string[]>; sequences: Record<string, string>; migrations: string[] }

/** Every table the database has (from information_schema, so a new table cannot be missed), every row as text. */
async function dump(database: Database): Promise<Dump> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local timezone = 'UTC'`));
    const tables: Record<string, string[]> = {};
    const names = rowsOf<{ name: string }>(await tx.execute(sql.raw(
      `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)));
    for (const { name } of names) {
      tables[name] = rowsOf<{ r: string }>(await tx.execute(sql.raw(`select t::text as r from "${name}" t order by 1`))).map((r) => r.r);
    }
    const sequences: Record<string, string> = {};
    const seqs = rowsOf<{ name: string }>(await tx.execute(sql.raw(
      `select sequence_name as name from information_schema.sequences where sequence_schema = 'public' order by 1`)));
    for (const { name } of seqs) {
      const [s] = rowsOf<{ v: string; c: boolean }>(await tx.execute(sql.raw(`select last_value::text as v, is_called as c from "${name}"`)));
      sequences[name] = `${s.v}/${s.c}`;
    }
    const migrations = rowsOf<{ m: string }>(await tx.execute(sql.raw(
      `select hash || ' ' || created_at::text as m from drizzle.__drizzle_migrations order by created_at`))).map((r) => r.m);
    return { tables, sequences, migrations };
  });
}

/** The tables without the cache counters, which a restore moves on (see below). */
const withoutCounters = (tables: Dump['tables']) => Object.fromEntries(Object.entries(tables).filter(([t]) => t !== 'data_versions'));

const rowCounts = (d: Dump) => Object.fromEntries(Object.entries(d.tables).map(([t, rows]) => [t, rows.length]));

/** The bot over another database (a restored one), with the same clock. */
async function botOver(database: Database) {
  const app = await createApp({ features: FEATURES, platforms: PLATFORMS,
    database, log: pino({ level: 'silent' }), redisUrl: await testRedisUrl(), clock: () => bot.now(),
    queuePrefix: `test-restored-${randomBytes(4).toString('hex')}`, console: {}, worker: false,
  });
  cleanups.push(() => app.close());
  return { app, say: async (name: string, text: string) => (await app.sayAsConsole(name, text)) ?? '' };
}

async function saveBackup(database: Database, file: string, opts?: Parameters<typeof writeBackup>[2]) {
  return writeBackup(database, fs.createWriteStream(file), opts);
}

/** Rewrite a backup's lines (to make damaged, cut-short or foreign files). */
function editBackup(edit: (lines: string[]) => string[]): Buffer {
  const lines = gunzipSync(fs.readFileSync(backupFile)).toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return gzipSync(edit(lines).join('\n') + '\n');
}

async function restoreFrom(database: Database, data: Buffer, force = false) {
  const file = path.join(tmp, `edited-${randomBytes(3).toString('hex')}.gz`);
  fs.writeFileSync(file, data);
  return restoreBackup(database, fs.createReadStream(file), { force });
}

/** A real image (the bytes are sniffed): PNG magic, then noise that does not compress. */
function photo(size: number): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(size)]);
}

async function say(name: string, text: string, expected?: string | RegExp) {
  let reply = await bot.say(name, text);
  // Side effects wait for 确认: confirm, and check what it says then.
  if (reply.includes('请回复「确认」')) reply += '\n' + await bot.say(name, '确认');
  expect(reply, `${name}: ${text}`).not.toMatch(/没看懂|仅限|缺少|没有等待确认|出错/);
  if (expected) expect(reply, `${name}: ${text}`).toMatch(expected);
  return reply;
}

beforeAll(() => ensureBuilt(), 300_000); // the CLI runs as production runs it

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'campaign-bot-backup-'));
  backupFile = path.join(tmp, 'backup.gz');
  bot = await testBot({ seed: 'demo', now: NOW });

  // A photo with the check-in: bytea must come back byte for byte.
  const who = await bot.app.consoleIdentity('张三');
  const s = consoleSession(who.senderId, '张三', '打卡 学习《中国共产党章程》 1小时 心得：很有收获');
  const picture = photo(300_000);
  s.attachments = [{ kind: 'image', fetch: async () => ({ data: picture }) }];
  expect(await bot.app.bot.handle(s)).toContain('已记录');

  await say('李四', '打卡 学习《医疗机构工作人员廉洁从业九项准则》 45分钟', /已记录/);
  await say('王五', '补卡 昨天 学习《党章》 1小时', /已记录|补/);
  await say('周敏', '打卡 学习 两个钟头 心得：要把群众放在心上', /已记录/);
  await say('赵院长', '集中学习 今天 2小时 《党章》 参加：全体 缺席：王五');
  await say('周敏', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设关系到每一位患者的切身利益。', /已/);
  await say('张三', '意见 门诊候诊时间太长', /YJ-0001/);
  await say('李四', '匿名意见 个别科室推诿扯皮', /查询码/);
  await say('王主任', '/意见 转交 YJ-0001 县人民医院');
  await say('赵院长', '意见 答复 YJ-0001 已调整门诊排班');
  await say('王主任', '/整改 新增 县人民医院 问题：门诊排队时间长 措施：增设自助机 分管领导：刘局长 时限：2027-03-31 类别：限期整改 期限：近期', /ZG-0001/);
  await say('赵院长', '整改 进展 ZG-0001 已采购自助机 4 台');
  await say('赵院长', '请假 张伟 至 12月12日 外出培训');
  await say('王主任', '/节假日 设置 2027-02-20 上班');
  await say('王主任', '/阶段 开启 对照检查 12月20日 2027-01-20 5学时');
  await bot.drain();
  // Left waiting for 确认: pending confirmations are backed up too.
  expect(await bot.say('王主任', '/活动 设置 学时 40分钟')).toContain('请回复「确认」');

  sourceDump = await dump(bot.app.database);
  const populated = ['checkins', 'attachments', 'feedback', 'rectifications', 'rectification_history', 'outbox', 'audit_log',
    'identities', 'inbound_messages', 'app_secrets', 'leaves', 'holiday_overrides', 'group_sessions', 'submissions', 'pending_confirmations', 'groups'];
  for (const t of populated) expect(sourceDump.tables[t]?.length, `${t} has rows`).toBeGreaterThan(0);
  expect(sourceDump.tables.feedback.some((r) => r.includes(',t,'))).toBe(true); // an anonymous row
  expect(sourceDump.tables.outbox.length).toBeGreaterThan(2);
}, 180_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await bot?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe(`backup and restore (${TEST_DB})`, () => {
  it(`round-trips every table row by row into a fresh ${TEST_DB} and a fresh ${OTHER}; the restored bot answers the same`, async () => {
    const written = await saveBackup(bot.app.database, backupFile);
    const header = written.header;
    expect(header).toMatchObject({ format: 'campaign-bot-backup', version: 1, source: TEST_DB, migration: latestMigration() });
    expect(header.tables.map((t) => t.name).sort()).toEqual(Object.keys(sourceDump.tables).sort());
    expect(Object.fromEntries(header.tables.map((t) => [t.name, t.rows]))).toEqual(rowCounts(sourceDump));
    // Parents come before the tables that refer to them.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('units')).toBeLessThan(order.indexOf('members'));
    expect(order.indexOf('checkins')).toBeLessThan(order.indexOf('attachments'));
    expect(order.indexOf('export_files')).toBeLessThan(order.indexOf('outbox'));
    expect((await verifyBackup(fs.createReadStream(backupFile))).rows).toBe(written.rows);

    const before = { me: await bot.say('张三', '我的'), unit: await bot.say('赵院长', '本单位') };
    const [sourceMaxCheckin] = rowsOf<{ m: number }>(await bot.db.execute(sql.raw('select max(id)::int as m from checkins')));

    for (const kind of [TEST_DB, OTHER] as const) {
      const target = await blankDatabase(kind);
      const restored = await restoreBackup(target, fs.createReadStream(backupFile));
      expect(restored).toMatchObject({ rows: written.rows, upgraded: false, migratedTo: latestMigration().tag });
      const after = await dump(target);
      expect(Object.keys(after.tables).sort(), kind).toEqual(Object.keys(sourceDump.tables).sort());
      for (const table of Object.keys(sourceDump.tables)) {
        if (table === 'data_versions') continue; // moved on by the restore, below
        expect(after.tables[table], `${kind}: ${table}`).toEqual(sourceDump.tables[table]);
      }
      // The cache counters move past the backup's, so no running process trusts what it holds.
      const counters = (d: Dump) => Object.fromEntries(d.tables.data_versions.map((r) => /^\((\w+),(\d+)\)$/.exec(r)!.slice(1)).map(([n, v]) => [n, Number(v)]));
      const was = counters(sourceDump);
      expect(Object.keys(counters(after)).sort(), kind).toEqual(['campaign', 'directory']);
      for (const [name, v] of Object.entries(counters(after))) expect(v, `${kind}: ${name}`).toBeGreaterThan(was[name] ?? 0);
      expect(after.sequences, kind).toEqual(sourceDump.sequences);
      expect(after.migrations, kind).toEqual(sourceDump.migrations);

      const again = await botOver(target);
      expect(await again.say('张三', '我的'), kind).toBe(before.me);
      expect(await again.say('赵院长', '本单位'), kind).toBe(before.unit);
      expect(await again.say('李四', '打卡 学习《党章》 30分钟'), kind).toContain('已记录');
      const [newest] = rowsOf<{ id: number }>(await target.db.execute(sql.raw('select max(id)::int as id from checkins')));
      expect(newest.id, `${kind}: a new check-in continues the sequence`).toBe(sourceMaxCheckin.m + 1);
      // The waiting 确认 survived too.
      expect(await again.say('王主任', '确认'), kind).toContain('已');
    }
  }, 240_000);

  it('a backup taken while people keep checking in is one snapshot', async () => {
    const file = path.join(tmp, 'during.gz');
    let late: Promise<string> | undefined;
    let lateFinishedDuringBackup = false;
    const written = await saveBackup(bot.app.database, file, {
      onTable: async () => {
        if (late) return;
        late = bot.say('吴刚', '打卡 学习《党章》 20分钟');
        // PostgreSQL lets the writer through while the snapshot is read; PGlite has one
        // connection, so the check-in waits for the backup to finish.
        if (TEST_DB === 'postgres') { await late; lateFinishedDuringBackup = true; }
      },
    });
    expect(await late).toContain('已记录');
    if (TEST_DB === 'postgres') expect(lateFinishedDuringBackup).toBe(true);
    const lateRows = rowsOf<{ n: number }>(await bot.db.execute(sql.raw(
      `select count(*)::int as n from checkins c join members m on m.id = c.member_id where m.name = '吴刚'`)));
    expect(lateRows[0].n).toBe(1);

    const target = await blankDatabase(TEST_DB);
    await restoreBackup(target, fs.createReadStream(file));
    const after = await dump(target);
    expect(rowCounts(after)).toEqual(Object.fromEntries(written.header.tables.map((t) => [t.name, t.rows])));
    expect(after.tables.checkins.some((r) => r.includes('20分钟'))).toBe(false);
  }, 120_000);

  it('restores into a database a service has only started on; refuses one with data unless --force', async () => {
    const started = await blankDatabase(TEST_DB, { migrated: true });
    await started.db.execute(sql.raw(`insert into app_secrets (name, value) values ('dedupe-key', 'generated at first start')`));
    await restoreBackup(started, fs.createReadStream(backupFile));
    const restored = await dump(started);
    expect(withoutCounters(restored.tables)).toEqual(withoutCounters(sourceDump.tables));

    const err = await restoreBackup(started, fs.createReadStream(backupFile)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(BackupError);
    expect((err as Error).message).toMatch(/目标数据库里已经有数据（.*checkins \d+ 行.*）。恢复会清空这些数据；确定要覆盖请加 --force。\n数据库没有任何改动。/);

    expect(await botOver(started).then((b) => b.say('周敏', '打卡 学习 1小时'))).toContain('已记录');
    expect((await dump(started)).tables.checkins.length).toBe(sourceDump.tables.checkins.length + 1);
    await restoreBackup(started, fs.createReadStream(backupFile), { force: true });
    expect(withoutCounters((await dump(started)).tables)).toEqual(withoutCounters(sourceDump.tables));
  }, 120_000);

  it('a process that keeps running across a restore answers from the restored data, not from its memory', async () => {
    const target = await blankDatabase(TEST_DB);
    await restoreBackup(target, fs.createReadStream(backupFile));
    const running = await botOver(target);
    expect(await running.say('周敏', '打卡 学习 1分钟')).toContain('在县中医院排第');
    const id = async (q: string) => rowsOf<{ id: number }>(await target.db.execute(sql.raw(q)))[0].id;
    const zhou = await id(`select id from members where name = '周敏'`);
    const hospital = await id(`select id from units where name = '县人民医院'`);
    const held = new Map(rowsOf<{ name: string; version: number }>(await target.db.execute(sql.raw('select name, version from data_versions'))).map((r) => [r.name, r.version]));
    // Another database's backup, where 周敏 works at 县人民医院 — and whose counters happen to be
    // the very ones this process holds its memory under.
    let table = '';
    const foreign = editBackup((lines) => lines.map((line, i) => {
      if (i === 0 || !line.startsWith('{')) return line;
      const o = JSON.parse(line) as Record<string, unknown>;
      if (typeof o['@table'] === 'string') { table = o['@table']; return line; }
      if (table === 'members' && o.id === zhou) return JSON.stringify({ ...o, unit_id: hospital });
      if (table === 'data_versions' && held.has(o.name as string)) return JSON.stringify({ ...o, version: held.get(o.name as string) });
      return line;
    }));
    await restoreFrom(target, foreign, true);
    expect(await running.say('周敏', '打卡 学习 1分钟')).toContain('在县人民医院排第');
  }, 120_000);

  it('a damaged, cut-short or foreign file is refused with a clear message and nothing is written', async () => {
    const target = await blankDatabase(TEST_DB);
    await restoreBackup(target, fs.createReadStream(backupFile));
    const good = fs.readFileSync(backupFile);
    const rowLine = (lines: string[]) => lines.findIndex((l, i) => i > 0 && lines[i - 1] === '{"@table":"members"}');
    const cases: [string, Buffer, RegExp][] = [
      ['not gzip', Buffer.from('这不是备份文件'), /不是本程序的备份文件，或文件已损坏/],
      ['empty', Buffer.alloc(0), /不完整|空的/],
      ['cut short', good.subarray(0, Math.floor(good.length / 2)), /备份文件不完整（在中途被截断）/],
      ['another gzip', gzipSync('{"hello":"world"}\n'), /不是本程序的备份文件（文件头不对）/],
      ['a damaged line', editBackup((l) => { const i = rowLine(l); l[i] = l[i].slice(0, 20); return l; }), /备份文件第 \d+ 行已损坏/],
      ['a row missing', editBackup((l) => { l.splice(rowLine(l), 1); return l; }), /表 members 应有 12 行，文件里只有 11 行/],
      ['no end marker', editBackup((l) => l.slice(0, -1)), /缺少结束标记/],
      // Valid JSON, but a member in a unit that does not exist: the database refuses it after the
      // old data was already dropped inside the transaction — which rolls back.
      ['a broken reference', editBackup((l) => { const i = rowLine(l); l[i] = l[i].replace(/"unit_id":\d+/, '"unit_id":9999'); return l; }),
        /恢复失败，数据库没有任何改动：/],
    ];
    for (const [what, data, message] of cases) {
      const err = await restoreFrom(target, data, true).catch((e: Error) => e);
      expect(err, what).toBeInstanceOf(BackupError);
      expect((err as Error).message, what).toMatch(message);
      expect((err as Error).message, what).toContain('数据库没有任何改动');
      expect(withoutCounters((await dump(target)).tables), `${what}: nothing written`).toEqual(withoutCounters(sourceDump.tables));
    }
  }, 180_000);

  it('a backup from a newer version is refused; one from an older version is restored, then upgraded', async () => {
    const journal = migrationJournal();
    const target = await blankDatabase(TEST_DB);
    const newer = editBackup((l) => {
      const h = JSON.parse(l[0]) as BackupHeader;
      h.migration = { tag: '9999_future', when: latestMigration().when + 1 };
      return [JSON.stringify(h), ...l.slice(1)];
    });
    const err = await restoreFrom(target, newer).catch((e: Error) => e);
    expect((err as Error).message).toBe('这份备份来自更新版本的程序（数据库版本 9999_future），本程序只到 ' +
      `${latestMigration().tag}。请先升级程序再恢复。\n数据库没有任何改动。`);
    const untouched = rowsOf<{ n: number }>(await target.db.execute(sql.raw(
      `select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r'`)));
    expect(untouched[0].n).toBe(0);

    // A database left at the version before exports and @mentions, with a few rows.
    const old = await blankDatabase(TEST_DB);
    const before = journal.find((m) => m.tag.startsWith('0004_'))!; // before 0005 (exports, @mentions)
    await migrateDatabaseTo(old, before.tag);
    await old.db.execute(sql.raw(`insert into units (name) values ('县人民医院')`));
    await old.db.execute(sql.raw(`insert into members (unit_id, name, role) values (1, '张三', 'staff')`));
    await old.db.execute(sql.raw(`insert into outbox (idempotency_key, target_kind, member_id, text, status) values ('k1', 'member', 1, '你好', 'sent')`));
    const oldFile = path.join(tmp, 'old.gz');
    const oldBackup = await saveBackup(old, oldFile);
    expect(oldBackup.header.migration.tag).toBe(before.tag);
    expect(oldBackup.header.tables.map((t) => t.name)).not.toContain('export_files');

    const restored = await restoreBackup(target, fs.createReadStream(oldFile));
    expect(restored).toMatchObject({ upgraded: true, migratedTo: latestMigration().tag, rows: 3 });
    const after = await dump(target);
    expect(after.migrations).toEqual(sourceDump.migrations);
    expect(after.tables.export_files).toEqual([]);
    const [row] = rowsOf<{ text: string; mentions: unknown; export_id: unknown }>(await target.db.execute(sql.raw('select text, mentions, export_id from outbox')));
    expect(row).toEqual({ text: '你好', mentions: null, export_id: null });
    // The service's own migrate() at start finds nothing left to do.
    const { migrate } = TEST_DB === 'pglite' ? await import('drizzle-orm/pglite/migrator') : await import('drizzle-orm/node-postgres/migrator');
    await migrate(target.db as never, { migrationsFolder: path.join(ROOT, 'src/db/migrations') });
    expect((await dump(target)).migrations).toEqual(sourceDump.migrations);
  }, 120_000);

  it('npm run cli -- backup goes through the running service; restore is refused until it stops', async () => {
    const dataDir = path.join(tmp, 'data');
    const opts: ServerOptions = { log: pino({ level: 'silent' }) };
    const server: Server = await new Promise((resolve) => { const s = createHttpApp(bot.app, opts).listen(0, '127.0.0.1', () => resolve(s)); });
    const lock = await acquireDataDirLock(dataDir, { port: (server.address() as AddressInfo).port, role: 'all' });
    opts.cliSecret = lock.info.token;
    let targetUrl = '';
    if (TEST_DB === 'postgres') targetUrl = (await blankDatabase('postgres') as Database & { url: string }).url;
    const cli = async (...args: string[]) => {
      const p = spawnBuilt(['src/cli.ts', ...args], {
        cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: targetUrl, LOG_LEVEL: 'silent' },
      });
      const { code } = await p.exit;
      return { code, out: p.out() };
    };
    const viaService = path.join(tmp, 'via-service.gz');
    try {
      const b = await cli('backup', viaService);
      expect(b.out).toContain(`（由正在运行的服务备份，进程 ${process.pid}）`);
      expect(b.out).toMatch(/已备份到 .*via-service\.gz（\d+ KB，已读回校验）：\d+ 张表/);
      expect(b.code).toBe(0);
      const r = await cli('restore', viaService);
      expect(r.out).toContain(`服务正在运行（进程 ${process.pid}，端口 ${(server.address() as AddressInfo).port}）。恢复会替换整个数据库，请先停止服务`);
      expect(r.code).toBe(1);
    } finally {
      await lock.release();
      await new Promise((r) => server.close(r));
    }
    // The service's backup restores to exactly what the bot had then.
    const check = await blankDatabase(TEST_DB);
    await restoreBackup(check, fs.createReadStream(viaService));
    const viaServiceDump = await dump(check);
    expect(viaServiceDump.tables.members).toEqual(sourceDump.tables.members);
    expect(viaServiceDump.tables.attachments).toEqual(sourceDump.tables.attachments);

    // Stopped: the CLI restores into, and backs up from, the configured database itself
    // (PGlite under DATA_DIR, or DATABASE_URL).
    const r = await cli('restore', viaService);
    expect(r.out).toContain('已从');
    expect(r.code).toBe(0);
    const again = path.join(tmp, 'again.gz');
    const b = await cli('backup', again);
    expect(b.code, b.out).toBe(0);
    const final = await blankDatabase(OTHER);
    await restoreBackup(final, fs.createReadStream(again));
    expect(withoutCounters((await dump(final)).tables)).toEqual(withoutCounters(viaServiceDump.tables));
  }, 300_000);
});
