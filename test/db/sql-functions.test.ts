// The database functions live once, as files in src/db/functions, and start-up applies the ones
// whose file changed since they were last applied (issue #19). These tests start the database as
// the service does (openDatabase) and read back what PostgreSQL holds: each function's source text
// must be its file's, on a new database, after an upgrade from before the functions existed, and
// after a restore.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf, type Database, type OpenOptions } from '../../src/db/client.ts';
import { migrateDatabaseTo, restoreBackup, writeBackup } from '../../src/db/backup.ts';
import { functionsFolder, readSqlFunctions } from '../../src/db/sql-functions.ts';
import { createTestDatabase, testPostgresUrl } from '../support/services.ts';
import { TEST_DB } from '../support/test-bot.ts';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../src/db/migrations');

/** Where one database lives, to open it again as a restarted service would. */
interface Place { open(o?: Omit<OpenOptions, 'databaseUrl' | 'pgliteDir'>): Promise<Database>; drop(): Promise<void> }

const tmpDirs: string[] = [];
function tmpDir(prefix: string) {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

async function newPlace(name: string): Promise<Place> {
  if (TEST_DB === 'postgres') {
    const created = await createTestDatabase(await testPostgresUrl(), name);
    return { open: (o = {}) => openDatabase({ ...o, databaseUrl: created.url }), drop: () => created.drop() };
  }
  const dir = tmpDir('sqlfn-pglite-');
  return { open: (o = {}) => openDatabase({ ...o, pgliteDir: dir }), drop: async () => {} };
}

/** Opens the database, returning the start-up log lines too. */
async function start(place: Place, o: Omit<OpenOptions, 'databaseUrl' | 'pgliteDir' | 'log'> = {}) {
  const lines: { obj: object; msg: string }[] = [];
  const database = await place.open({ ...o, log: { info: (obj, msg) => lines.push({ obj, msg }) } });
  return { database, lines };
}

/** The function a file defines, and the body between its $$ quotes (what pg_proc.prosrc holds). */
function definedIn(text: string): { fn: string; body: string } {
  const m = /CREATE OR REPLACE FUNCTION "?(\w+)"?\([\s\S]*?\bAS \$\$([\s\S]*)\$\$;\s*$/.exec(text);
  if (!m) throw new Error(`no CREATE OR REPLACE FUNCTION … AS $$ … $$; in:\n${text}`);
  return { fn: m[1], body: m[2] };
}

async function sourceOf(database: Database, fn: string): Promise<string[]> {
  return rowsOf<{ src: string }>(await database.db.execute(sql`select p.prosrc as src from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.proname = ${fn}`)).map((r) => r.src);
}

/** Every function in the database is one file's, with that file's body, and nothing else is there. */
async function expectFunctionsAsFiles(database: Database, folder = functionsFolder) {
  const files = readSqlFunctions(folder);
  for (const f of files) expect(await sourceOf(database, f.name), f.file).toEqual([definedIn(f.sql).body]);
  const present = rowsOf<{ fn: string }>(await database.db.execute(sql.raw(`select p.proname as fn from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1`))).map((r) => r.fn);
  expect(present).toEqual(files.map((f) => f.name).sort());
}

async function recorded(database: Database) {
  return rowsOf<{ name: string; sha256: string; at: string }>(await database.db.execute(sql.raw(
    'select name, sha256, applied_at::text as at from drizzle.sql_functions order by name')));
}

const ALL = readSqlFunctions().map((f) => f.name);

describe(`SQL functions kept as files (${TEST_DB})`, () => {
  let place: Place;
  let first: Awaited<ReturnType<typeof start>>;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    place = await newPlace('sqlfn');
    cleanups.push(() => place.drop());
    first = await start(place);
    await first.database.close();
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('each file defines the function its name says, and no migration defines a function twice or one without a file', () => {
    for (const f of readSqlFunctions()) expect(definedIn(f.sql).fn, f.file).toBe(f.name);
    const definedBy = new Map<string, string[]>();
    for (const file of fs.readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
      for (const m of fs.readFileSync(path.join(MIGRATIONS, file), 'utf8').matchAll(/CREATE (?:OR REPLACE )?FUNCTION "?(\w+)"?/g)) {
        definedBy.set(m[1], [...(definedBy.get(m[1]) ?? []), file]);
      }
    }
    for (const [fn, files] of definedBy) {
      expect(files, fn).toHaveLength(1);
      expect(ALL, `${fn} (${files[0]}) has no file in src/db/functions`).toContain(fn);
    }
  });

  it('a new database ends with every function as its file, all applied in file order, told in one log line', async () => {
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0].obj).toEqual({ sqlFunctions: ALL });
    expect(first.lines[0].msg).toBe(`数据库函数已更新：${ALL.join('、')}`);
    const database = await place.open();
    try {
      await expectFunctionsAsFiles(database);
      expect((await recorded(database)).map((r) => [r.name, r.sha256])).toEqual(
        readSqlFunctions().map((f) => [f.name, f.sha256]).sort(([a], [b]) => a.localeCompare(b)));
    } finally {
      await database.close();
    }
  });

  it('a second start applies nothing; a changed file is applied alone; a change that fails applies none', async () => {
    const again = await start(place);
    const before = await recorded(again.database);
    await again.database.close();
    expect(again.lines).toEqual([]);

    const copy = tmpDir('sqlfn-functions-');
    fs.cpSync(functionsFolder, copy, { recursive: true });
    const standing = readSqlFunctions(copy).find((f) => f.name === 'standing_of')!;
    const changed = standing.sql.replace(/\bBEGIN\n/, 'BEGIN\n  -- a new version of standing_of\n');
    expect(changed).not.toBe(standing.sql);
    fs.writeFileSync(path.join(copy, standing.file), changed);

    const third = await start(place, { functionsFolder: copy });
    try {
      expect(third.lines.map((l) => l.obj)).toEqual([{ sqlFunctions: ['standing_of'] }]);
      expect((await sourceOf(third.database, 'standing_of'))[0]).toContain('-- a new version of standing_of');
      await expectFunctionsAsFiles(third.database, copy);
      const after = await recorded(third.database);
      expect(after.filter((r) => r.name !== 'standing_of')).toEqual(before.filter((r) => r.name !== 'standing_of'));
      expect(after.find((r) => r.name === 'standing_of')!.sha256).not.toBe(before.find((r) => r.name === 'standing_of')!.sha256);
    } finally {
      await third.database.close();
    }

    // Two changed files, the second broken: start-up fails and neither is applied (one transaction).
    const add = readSqlFunctions(copy).find((f) => f.name === 'study_totals_add')!;
    fs.writeFileSync(path.join(copy, add.file), add.sql.replace(/\bBEGIN\n/, 'BEGIN\n  -- never applied\n'));
    const record = readSqlFunctions(copy).find((f) => f.name === 'record_checkin')!;
    fs.writeFileSync(path.join(copy, record.file), record.sql.replace(/\bBEGIN\n/, 'BEGIN\n  SELEC 1;\n'));
    await expect(start(place, { functionsFolder: copy })).rejects.toThrow(/SELEC/);
    const fourth = await start(place);
    try {
      // Back on the real files: only standing_of (changed by the copy) is put back; study_totals_add
      // was never recorded as changed.
      expect(fourth.lines.map((l) => l.obj)).toEqual([{ sqlFunctions: ['standing_of'] }]);
      await expectFunctionsAsFiles(fourth.database);
    } finally {
      await fourth.database.close();
    }
  }, 120_000);

  it('a database from before the functions existed (migration 0006, with check-ins) upgrades: totals counted, functions current', async () => {
    const old = await newPlace('sqlfn_upgrade');
    cleanups.push(() => old.drop());
    const bare = await old.open({ migrate: false });
    try {
      await migrateDatabaseTo(bare, '0006_checkin_covering_indexes');
      const one = async (q: string) => rowsOf<{ id: number }>(await bare.db.execute(sql.raw(q)))[0].id;
      const unit = await one(`insert into units (name) values ('县人民医院') returning id`);
      const a = await one(`insert into members (unit_id, name) values (${unit}, '张三') returning id`);
      const b = await one(`insert into members (unit_id, name) values (${unit}, '李四') returning id`);
      const c = await one(`insert into campaigns (name, start_date, end_date) values ('大讨论', '2026-11-01', '2026-12-31') returning id`);
      const p = await one(`insert into phases (campaign_id, seq, name, start_date, end_date) values (${c}, 1, '学习', '2026-11-01', '2026-12-31') returning id`);
      await bare.db.execute(sql.raw(`insert into checkins (campaign_id, phase_id, member_id, unit_id, study_date, minutes, raw_text, platform, status) values
        (${c}, ${p}, ${a}, ${unit}, '2026-12-01', 30, '打卡 30分钟', 'console', 'valid'),
        (${c}, ${p}, ${a}, ${unit}, '2026-12-02', 45, '打卡 45分钟', 'console', 'valid'),
        (${c}, ${p}, ${b}, ${unit}, '2026-12-02', 60, '打卡 1小时', 'console', 'valid'),
        (${c}, ${p}, ${b}, ${unit}, '2026-12-03', 20, '打卡 20分钟', 'console', 'void')`));
    } finally {
      await bare.close();
    }

    const upgraded = await start(old);
    try {
      expect(upgraded.lines.map((l) => l.obj)).toEqual([{ sqlFunctions: ALL }]);
      await expectFunctionsAsFiles(upgraded.database);
      const totals = async () => rowsOf<{ name: string; phase: number; minutes: number }>(await upgraded.database.db.execute(sql.raw(
        `select m.name, t.phase_id as phase, t.minutes from study_totals t join members m on m.id = t.member_id order by 1, 2`)));
      // Counted by migration 0007 with its own first form of study_totals_add.
      const [p] = rowsOf<{ id: number }>(await upgraded.database.db.execute(sql.raw('select id from phases')));
      expect(await totals()).toEqual([
        { name: '张三', phase: -1, minutes: 75 }, { name: '张三', phase: p.id, minutes: 75 },
        { name: '李四', phase: -1, minutes: 60 }, { name: '李四', phase: p.id, minutes: 60 },
      ]);
      // A check-in now goes through the current functions: trigger, one-row study_totals_add, standing_of.
      await upgraded.database.db.execute(sql.raw(`insert into checkins (campaign_id, phase_id, member_id, unit_id, study_date, minutes, raw_text, platform)
        select c.campaign_id, c.phase_id, c.member_id, c.unit_id, '2026-12-07', 40, '打卡 40分钟', 'console' from checkins c
        join members m on m.id = c.member_id where m.name = '李四' limit 1`));
      expect((await totals()).filter((t) => t.name === '李四').map((t) => t.minutes)).toEqual([100, 100]);
      // The half-month counts: backfilled by migration 0017 (the void one left out), then kept by the trigger.
      expect(rowsOf<{ name: string; start: string; checkins: number; minutes: number }>(await upgraded.database.db.execute(sql.raw(
        `select m.name, p.period_start::text as start, p.checkins, p.minutes from study_periods p join members m on m.id = p.member_id order by 1, 2`))))
        .toEqual([{ name: '张三', start: '2026-12-01', checkins: 2, minutes: 75 }, { name: '李四', start: '2026-12-01', checkins: 2, minutes: 100 }]);
      const [standing] = rowsOf<{ today_total: number; campaign_total: number; unit_rank: number; unit_size: number }>(await upgraded.database.db.execute(sql.raw(
        `select s.* from members m join checkins c on c.member_id = m.id,
           standing_of(m.id, c.campaign_id, m.unit_id, c.phase_id, '2026-12-02', null, null) s where m.name = '张三' limit 1`)));
      expect(standing).toMatchObject({ today_total: 45, campaign_total: 75, unit_rank: 2, unit_size: 2 });
    } finally {
      await upgraded.database.close();
    }
  }, 120_000);

  it.skipIf(TEST_DB !== 'postgres')('four processes starting at once on a new database apply the functions once (the migration lock)', async () => {
    const fresh = await newPlace('sqlfn_race');
    cleanups.push(() => fresh.drop());
    const started = await Promise.all([1, 2, 3, 4].map(() => start(fresh)));
    try {
      expect(started.flatMap((s) => s.lines.map((l) => l.obj))).toEqual([{ sqlFunctions: ALL }]);
      await expectFunctionsAsFiles(started[0].database);
    } finally {
      for (const s of started) await s.database.close();
    }
  });

  it('a restore (which drops every function and replays the migrations) ends with the functions as their files', async () => {
    const source = await place.open();
    const file = path.join(tmpDir('sqlfn-backup-'), 'backup.gz');
    try {
      await writeBackup(source, fs.createWriteStream(file));
    } finally {
      await source.close();
    }
    const target = await newPlace('sqlfn_restore');
    cleanups.push(() => target.drop());
    const blank = await target.open({ migrate: false });
    try {
      await restoreBackup(blank, fs.createReadStream(file));
      await expectFunctionsAsFiles(blank);
    } finally {
      await blank.close();
    }
    // The restore recorded what it applied: the service's next start has nothing to do.
    const next = await start(target);
    await next.database.close();
    expect(next.lines).toEqual([]);
  }, 120_000);
});
