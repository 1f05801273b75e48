/**
 * Backup and restore, one portable format for PGlite and PostgreSQL (so a PGlite pilot can move
 * to PostgreSQL in production).
 *
 * The file is gzipped JSON lines:
 *   1. a header: format, version, when, from which database, the migration level (the drizzle
 *      journal's last applied entry), every table with its columns and row count, and every
 *      serial sequence's position;
 *   2. per table, in foreign-key order: `{"@table":"units"}` then one row per line as
 *      row_to_json makes it (bytea as base64, json/jsonb as their text, so nothing is reinterpreted);
 *   3. a trailer `{"@end":true,"rows":N}` — a file without it was cut short.
 *
 * Backup reads everything inside ONE repeatable-read, read-only transaction: one snapshot, even
 * while the service keeps writing (on PostgreSQL writers carry on; PGlite has one connection, so
 * messages wait for the backup — they are not lost). Rows stream through a cursor; no table is
 * ever held in memory.
 *
 * Restore runs in ONE transaction: it drops the bot's tables, replays the migrations up to the
 * backup's level, loads the rows, puts every sequence back, then applies the newer migrations —
 * so a backup from an older version is restored and then upgraded, exactly as the service would
 * have upgraded it. Any problem (corrupt file, cut short, newer version, non-empty database
 * without --force) rolls everything back: the database is left as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { createGunzip, createGzip, constants as zlibConstants } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { openDatabase, rowsOf, type Database, type Tx } from './client.ts';
import { applySqlFunctions } from './sql-functions.ts';
import { acquireDataDirLock, readLiveLock } from '../infra/datadir-lock.ts';

/** Tables with rows whose ids are random rather than from their sequence: which rows are sequential. */
const RANDOM_IDS: Record<string, { column: string; sequential: string }> = { feedback: { column: 'code', sequential: 'code is null' } };

export const BACKUP_FORMAT = 'campaign-bot-backup';
export const BACKUP_VERSION = 1;

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface BackupColumn { name: string; type: string }
export interface BackupTable { name: string; rows: number; columns: BackupColumn[] }
export interface BackupSequence { table: string; column: string; lastValue: string; isCalled: boolean }
export interface MigrationLevel { tag: string | null; when: number }

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  source: Database['kind'];
  migration: MigrationLevel;
  tables: BackupTable[];
  sequences: BackupSequence[];
}

export interface BackupSummary { header: BackupHeader; rows: number }
export interface RestoreSummary extends BackupSummary { migratedTo: string; upgraded: boolean }

/**
 * A backup file that cannot be used, or a backup that cannot be taken (and nothing was written);
 * its message is for the operator at the CLI, the only place backups are run from. Its own class,
 * not a chat error: backups never answer a chat message.
 */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const BINARY = new Set(['bytea']);
const JSONISH = new Set(['json', 'jsonb']);

// ---------------------------------------------------------------------------------------------
// Migrations

interface JournalEntry { idx: number; tag: string; when: number }

export function migrationJournal(): JournalEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/** The newest migration this program knows. */
export function latestMigration(): MigrationLevel {
  const last = migrationJournal().at(-1)!;
  return { tag: last.tag, when: last.when };
}

function levelName(l: MigrationLevel): string {
  return l.tag ?? `未知版本（${l.when}）`;
}

async function currentLevel(tx: Tx): Promise<MigrationLevel | null> {
  const [exists] = rowsOf<{ t: string | null }>(await tx.execute(sql.raw(`select to_regclass('drizzle.__drizzle_migrations')::text as t`)));
  if (!exists?.t) return null;
  const [last] = rowsOf<{ w: string }>(await tx.execute(sql.raw('select created_at::text as w from drizzle.__drizzle_migrations order by created_at desc limit 1')));
  if (!last) return null;
  const when = Number(last.w);
  return { tag: migrationJournal().find((e) => e.when === when)?.tag ?? null, when };
}

/**
 * Apply the migrations newer than the database's level and up to `upTo` (inclusive), inside the
 * caller's transaction — the same statements and bookkeeping as drizzle's migrator, so the
 * service's own migrate() at start finds them applied.
 */
async function migrateWithin(tx: Tx, upTo: number) {
  await tx.execute(sql.raw('create schema if not exists "drizzle"'));
  await tx.execute(sql.raw('create table if not exists "drizzle"."__drizzle_migrations" (id serial primary key, hash text not null, created_at bigint)'));
  const [last] = rowsOf<{ w: string }>(await tx.execute(sql.raw('select created_at::text as w from drizzle.__drizzle_migrations order by created_at desc limit 1')));
  const done = last ? Number(last.w) : -Infinity;
  for (const m of readMigrationFiles({ migrationsFolder })) {
    if (m.folderMillis <= done || m.folderMillis > upTo) continue;
    for (const stmt of m.sql) if (stmt.trim()) await tx.execute(sql.raw(stmt));
    await tx.execute(sql`insert into "drizzle"."__drizzle_migrations" ("hash", "created_at") values (${m.hash}, ${m.folderMillis})`);
  }
}

/** For tests and tools: bring an empty database to one migration level (by tag). */
export async function migrateDatabaseTo(database: Database, tag: string) {
  const entry = migrationJournal().find((e) => e.tag === tag);
  if (!entry) throw new Error(`没有迁移 ${tag}`);
  await database.db.transaction(async (tx) => { await migrateWithin(tx, entry.when); });
}

// ---------------------------------------------------------------------------------------------
// Catalog: the bot owns the public schema; every base table in it is backed up.

// pg_catalog rather than information_schema: the same answer, many times faster on PGlite.
const PUBLIC_TABLES = `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relkind = 'r' order by c.relname`;

interface TableCatalog { name: string; columns: BackupColumn[]; orderBy: string[] }

async function catalog(tx: Tx): Promise<TableCatalog[]> {
  const tables = rowsOf<{ name: string }>(await tx.execute(sql.raw(
    PUBLIC_TABLES)));
  const cols = rowsOf<{ tbl: string; name: string; type: string }>(await tx.execute(sql.raw(`
    select c.relname as tbl, a.attname as name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum`)));
  const keys = rowsOf<{ tbl: string; name: string }>(await tx.execute(sql.raw(`
    select c.relname as tbl, a.attname as name
    from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
    where n.nspname = 'public' and i.indisprimary
    order by c.relname, array_position(i.indkey::int2[], a.attnum)`)));
  const fks = rowsOf<{ child: string; parent: string }>(await tx.execute(sql.raw(`
    select ch.relname as child, pa.relname as parent
    from pg_constraint k join pg_class ch on ch.oid = k.conrelid join pg_class pa on pa.oid = k.confrelid
    join pg_namespace n on n.oid = ch.relnamespace
    where k.contype = 'f' and n.nspname = 'public'`)));

  const byName = new Map(tables.map((t) => [t.name, {
    name: t.name,
    columns: cols.filter((c) => c.tbl === t.name).map((c) => ({ name: c.name, type: c.type })),
    orderBy: keys.filter((k) => k.tbl === t.name).map((k) => k.name),
  }]));
  // Parents before children, so restore never meets a row whose reference is not there yet.
  const ordered: TableCatalog[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new Error(`外键成环，无法排序：${name}`);
    state.set(name, 'visiting');
    for (const fk of fks) if (fk.child === name && fk.parent !== name && byName.has(fk.parent)) visit(fk.parent);
    state.set(name, 'done');
    ordered.push(byName.get(name)!);
  };
  for (const t of tables) visit(t.name);
  return ordered;
}

async function serialSequences(tx: Tx): Promise<{ table: string; column: string; seq: string }[]> {
  // Sequences owned by a column: serial ('a') and identity ('i') columns.
  return rowsOf<{ table: string; column: string; seq: string }>(await tx.execute(sql.raw(`
    select t.relname as "table", a.attname as "column", quote_ident(n.nspname) || '.' || quote_ident(s.relname) as seq
    from pg_class s
    join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')
    join pg_class t on t.oid = d.refobjid
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    join pg_namespace n on n.oid = t.relnamespace
    where s.relkind = 'S' and n.nspname = 'public'
    order by t.relname, a.attname`)));
}

// ---------------------------------------------------------------------------------------------
// Backup

export interface BackupOptions {
  now?: Date;
  /** Called before each table is written (progress; tests use it to write mid-backup). */
  onTable?: (table: string, rows: number) => void | Promise<void>;
}

/** Write a backup of the whole database to `out` (gzipped); `out` is ended when done. */
export async function writeBackup(database: Database, out: Writable, opts: BackupOptions = {}): Promise<BackupSummary> {
  // The backup holds PGlite's only connection while it runs: speed over size.
  const gzip = createGzip({ level: zlibConstants.Z_BEST_SPEED });
  const piped = pipeline(gzip, out);
  piped.catch(() => {}); // awaited below; a failure is reported once
  const write = async (line: string) => {
    if (!gzip.write(line + '\n')) await Promise.race([once(gzip, 'drain'), piped]);
  };
  try {
    const summary = await database.db.transaction(async (tx) => {
      // Timestamps in the file read the same whichever server wrote them.
      await tx.execute(sql.raw(`set local timezone = 'UTC'`));
      const migration = await currentLevel(tx);
      if (!migration) throw new BackupError('数据库还没有初始化（没有迁移记录），没有可备份的内容。');
      const tables = await catalog(tx);
      const counted: BackupTable[] = [];
      for (const t of tables) {
        const [c] = rowsOf<{ n: number }>(await tx.execute(sql.raw(`select count(*)::int as n from ${q(t.name)}`)));
        counted.push({ name: t.name, rows: Number(c.n), columns: t.columns });
      }
      const sequences: BackupSequence[] = [];
      for (const s of await serialSequences(tx)) {
        const [v] = rowsOf<{ v: string; called: boolean }>(await tx.execute(sql.raw(`select last_value::text as v, is_called as called from ${s.seq}`)));
        sequences.push({ table: s.table, column: s.column, lastValue: v.v, isCalled: v.called });
      }
      const header: BackupHeader = {
        format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: (opts.now ?? new Date()).toISOString(),
        source: database.kind, migration, tables: counted, sequences,
      };
      await write(JSON.stringify(header));
      let total = 0;
      for (const t of tables) {
        const expected = counted.find((c) => c.name === t.name)!.rows;
        await opts.onTable?.(t.name, expected);
        await write(JSON.stringify({ '@table': t.name }));
        const exprs = t.columns.map((c) =>
          BINARY.has(c.type) ? `translate(encode(${q(c.name)}, 'base64'), E'\\n', '') as ${q(c.name)}`
            : JSONISH.has(c.type) ? `${q(c.name)}::text as ${q(c.name)}`
              : q(c.name));
        const order = t.orderBy.length ? ` order by ${t.orderBy.map(q).join(', ')}` : '';
        await tx.execute(sql.raw(`declare backup_rows no scroll cursor for select row_to_json(r)::text as j from (select ${exprs.join(', ')} from ${q(t.name)}${order}) r`));
        // Photos and exports can be megabytes each: fetch those few at a time.
        const batch = t.columns.some((c) => BINARY.has(c.type)) ? 8 : 1000;
        for (;;) {
          const rows = rowsOf<{ j: string }>(await tx.execute(sql.raw(`fetch ${batch} from backup_rows`)));
          if (!rows.length) break;
          for (const r of rows) await write(r.j);
          total += rows.length;
        }
        await tx.execute(sql.raw('close backup_rows'));
      }
      await write(JSON.stringify({ '@end': true, rows: total }));
      return { header, rows: total };
    }, { isolationLevel: 'repeatable read', accessMode: 'read only' });
    gzip.end();
    await piped;
    return summary;
  } catch (err) {
    gzip.destroy(err as Error);
    await piped.catch(() => {});
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading a backup file

type Line = { no: number; text: string };

/** The lines of a gzipped stream; a stream that is not gzip, or cut short, throws a BackupError. */
async function* gunzipLines(input: Readable): AsyncGenerator<Line> {
  const gunzip = createGunzip();
  const piped = pipeline(input, gunzip);
  piped.catch(() => {}); // the iteration below sees the same error
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let no = 0;
  try {
    for await (const chunk of gunzip) {
      pending += decoder.write(chunk as Buffer);
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        yield { no: ++no, text: pending.slice(0, nl) };
        pending = pending.slice(nl + 1);
      }
    }
    await piped;
  } catch (err) {
    if (err instanceof BackupError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new BackupError(`找不到备份文件：${e.path ?? ''}`);
    if (e.code === 'Z_DATA_ERROR') throw new BackupError('这不是本程序的备份文件，或文件已损坏（不是有效的 gzip 数据）。');
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) throw new BackupError('备份文件不完整（在中途被截断）。');
    throw new BackupError(`读取备份文件失败：${e.message}`);
  } finally {
    if (!input.destroyed) input.destroy();
  }
  pending += decoder.end();
  if (pending !== '') yield { no: ++no, text: pending };
}

function parseLine(line: Line): Record<string, unknown> {
  try {
    const v = JSON.parse(line.text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new BackupError(`备份文件第 ${line.no} 行已损坏，无法读取。`);
}

function checkHeader(v: Record<string, unknown>): BackupHeader {
  if (v.format !== BACKUP_FORMAT) throw new BackupError('这不是本程序的备份文件（文件头不对）。');
  if (typeof v.version !== 'number' || v.version > BACKUP_VERSION) {
    throw new BackupError(`备份文件格式版本 ${String(v.version)} 比本程序支持的（${BACKUP_VERSION}）新，请先升级程序。`);
  }
  const m = v.migration as MigrationLevel | undefined;
  if (!m || typeof m.when !== 'number' || !Array.isArray(v.tables) || !Array.isArray(v.sequences)) {
    throw new BackupError('备份文件头不完整，文件可能已损坏。');
  }
  return v as unknown as BackupHeader;
}

/**
 * Iterate a backup: the header first, then each table's rows (as the JSON text of the line),
 * checking counts against the header and that the trailer is there.
 */
async function* readBackup(input: Readable): AsyncGenerator<
  { kind: 'header'; header: BackupHeader } | { kind: 'table'; name: string } | { kind: 'row'; table: string; json: string; line: number } | { kind: 'tableEnd'; name: string }
> {
  let header: BackupHeader | null = null;
  let table: string | null = null;
  let count = 0;
  let total = 0;
  let ended = false;
  const seen = new Set<string>();
  const closeTable = function* () {
    if (table === null) return;
    const expected = header!.tables.find((t) => t.name === table)!.rows;
    if (count !== expected) throw new BackupError(`备份文件不完整：表 ${table} 应有 ${expected} 行，文件里只有 ${count} 行。`);
    yield { kind: 'tableEnd' as const, name: table };
    table = null;
  };
  for await (const line of gunzipLines(input)) {
    if (ended) throw new BackupError(`备份文件第 ${line.no} 行：结束标记之后还有内容，文件已损坏。`);
    const v = parseLine(line);
    if (!header) {
      header = checkHeader(v);
      yield { kind: 'header', header };
      continue;
    }
    if (typeof v['@table'] === 'string') {
      yield* closeTable();
      const name = v['@table'];
      if (!header.tables.some((t) => t.name === name) || seen.has(name)) throw new BackupError(`备份文件第 ${line.no} 行：表 ${name} 不在文件头里或重复出现，文件已损坏。`);
      seen.add(name);
      table = name;
      count = 0;
      yield { kind: 'table', name };
      continue;
    }
    if (v['@end'] === true) {
      yield* closeTable();
      if (v.rows !== total) throw new BackupError(`备份文件不完整：应有 ${String(v.rows)} 行，读到 ${total} 行。`);
      ended = true;
      continue;
    }
    if (table === null) throw new BackupError(`备份文件第 ${line.no} 行：数据行不属于任何表，文件已损坏。`);
    count++;
    total++;
    yield { kind: 'row', table, json: line.text, line: line.no };
  }
  if (!header) throw new BackupError('备份文件是空的。');
  if (!ended) throw new BackupError('备份文件不完整（缺少结束标记，可能在中途被截断）。');
  const missing = header.tables.filter((t) => !seen.has(t.name)).map((t) => t.name);
  if (missing.length) throw new BackupError(`备份文件不完整：缺少表 ${missing.join('、')}。`);
}

/** Read a whole backup file without touching any database: its header and that it is complete. */
export async function verifyBackup(input: Readable): Promise<BackupSummary> {
  let header: BackupHeader | null = null;
  let rows = 0;
  for await (const item of readBackup(input)) {
    if (item.kind === 'header') header = item.header;
    if (item.kind === 'row') rows++;
  }
  return { header: header!, rows };
}

// ---------------------------------------------------------------------------------------------
// Restore

export interface RestoreOptions {
  /** Replace a database that already has data. */
  force?: boolean;
}

/** Tables that hold rows, ignoring the secrets a service generates the first time it starts. */
async function tablesWithRows(tx: Tx): Promise<{ name: string; rows: number }[]> {
  const out: { name: string; rows: number }[] = [];
  for (const t of rowsOf<{ name: string }>(await tx.execute(sql.raw(
    PUBLIC_TABLES)))) {
    // Not anyone's data: secrets generated at start, and the cache counters (a migration's UPDATE
    // bumps them through its statement trigger even on an empty database).
    if (t.name === 'app_secrets' || t.name === 'data_versions') continue;
    const [c] = rowsOf<{ n: number }>(await tx.execute(sql.raw(`select count(*)::int as n from ${q(t.name)}`)));
    if (Number(c.n) > 0) out.push({ name: t.name, rows: Number(c.n) });
  }
  return out;
}

/** The cache counters (migration 0007) of the database about to be replaced, if it has them. */
async function versionsBefore(tx: Tx): Promise<Map<string, number>> {
  const [t] = rowsOf<{ t: string | null }>(await tx.execute(sql.raw(`select to_regclass('public.data_versions')::text as t`)));
  if (!t?.t) return new Map();
  const rows = rowsOf<{ name: string; version: number }>(await tx.execute(sql.raw('select name, version from data_versions')));
  return new Map(rows.map((r) => [r.name, Number(r.version)]));
}

/** Drop everything the migrations create in the public schema, and the migration record. */
async function wipe(tx: Tx) {
  const objs = rowsOf<{ kind: string; name: string }>(await tx.execute(sql.raw(`
    select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' else 'table' end as kind, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
    union all
    select case t.typtype when 'd' then 'domain' else 'type' end, t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = 'public' and t.typtype in ('e', 'd')`)));
  for (const kind of ['materialized view', 'view', 'table', 'sequence', 'domain', 'type']) {
    const names = objs.filter((o) => o.kind === kind).map((o) => `public.${q(o.name)}`);
    if (names.length) await tx.execute(sql.raw(`drop ${kind} if exists ${names.join(', ')} cascade`));
  }
  // Trigger functions (study_totals, data_versions): the migrations create them again.
  const fns = rowsOf<{ sig: string }>(await tx.execute(sql.raw(`
    select p.oid::regprocedure::text as sig from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prokind = 'f'`)));
  for (const f of fns) await tx.execute(sql.raw(`drop function if exists ${f.sig} cascade`));
  await tx.execute(sql.raw('drop table if exists "drizzle"."__drizzle_migrations"'));
  await tx.execute(sql.raw('drop table if exists "drizzle"."sql_functions"'));
}

/**
 * Restore a backup into `database`, in one transaction. The database must have no data (a new
 * one, or one that was only migrated) unless `force`, which replaces what is there.
 */
export async function restoreBackup(database: Database, input: Readable, opts: RestoreOptions = {}): Promise<RestoreSummary> {
  const items = readBackup(input);
  try {
    return await restoreItems(database, items, opts);
  } catch (err) {
    await items.return(undefined).catch(() => {});
    if (err instanceof BackupError) throw new BackupError(`${err.message}\n数据库没有任何改动。`);
    throw new BackupError(`恢复失败，数据库没有任何改动：${(err as Error).message}`);
  }
}

async function restoreItems(database: Database, items: ReturnType<typeof readBackup>, opts: RestoreOptions): Promise<RestoreSummary> {
  const first = await items.next();
  if (first.done || first.value.kind !== 'header') throw new BackupError('备份文件是空的。');
  const header = first.value.header;

  const journal = migrationJournal();
  const latest = journal.at(-1)!;
  if (header.migration.when > latest.when) {
    throw new BackupError(`这份备份来自更新版本的程序（数据库版本 ${levelName(header.migration)}），本程序只到 ${latest.tag}。请先升级程序再恢复。`);
  }
  const level = journal.find((e) => e.when === header.migration.when);
  if (!level) throw new BackupError(`这份备份的数据库版本（${levelName(header.migration)}）本程序不认识，无法恢复。`);

  let rows = 0;
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local timezone = 'UTC'`));
    // study_totals comes from the backup as it was; its triggers must not count the check-ins again.
    await tx.execute(sql.raw(`set local campaign_bot.restoring = 'on'`));
    const existing = await tablesWithRows(tx);
    if (existing.length && !opts.force) {
      const list = existing.slice(0, 6).map((t) => `${t.name} ${t.rows} 行`).join('、');
      throw new BackupError(`目标数据库里已经有数据（${list}${existing.length > 6 ? ' 等' : ''}）。恢复会清空这些数据；确定要覆盖请加 --force。`);
    }
    const liveVersions = await versionsBefore(tx);
    await wipe(tx);
    await migrateWithin(tx, level.when);
    const target = new Map((await catalog(tx)).map((t) => [t.name, t]));

    let batch: string[] = [];
    let batchBytes = 0;
    let insertHead = '';
    let insertTail = '';
    const flush = async () => {
      if (!batch.length) return;
      const json = `[${batch.join(',')}]`;
      batch = [];
      batchBytes = 0;
      await tx.execute(sql`${sql.raw(insertHead)}${json}${sql.raw(insertTail)}`);
    };
    for (;;) {
      const next = await items.next();
      if (next.done) break;
      const item = next.value;
      if (item.kind === 'table') {
        const declared = header.tables.find((t) => t.name === item.name)!;
        const have = target.get(item.name);
        if (!have) throw new BackupError(`备份里的表 ${item.name} 在数据库版本 ${level.tag} 中不存在，文件与版本不符。`);
        const defs: string[] = [];
        const values: string[] = [];
        for (const c of declared.columns) {
          const col = have.columns.find((x) => x.name === c.name);
          if (!col) throw new BackupError(`备份里的列 ${item.name}.${c.name} 在数据库版本 ${level.tag} 中不存在，文件与版本不符。`);
          if (BINARY.has(c.type)) { defs.push(`${q(c.name)} text`); values.push(`decode(x.${q(c.name)}, 'base64')`); }
          else if (JSONISH.has(c.type)) { defs.push(`${q(c.name)} text`); values.push(`x.${q(c.name)}::${col.type}`); }
          else { defs.push(`${q(c.name)} ${col.type}`); values.push(`x.${q(c.name)}`); }
        }
        insertHead = `insert into ${q(item.name)} (${declared.columns.map((c) => q(c.name)).join(', ')}) select ${values.join(', ')} from json_to_recordset(`;
        insertTail = `::json) as x(${defs.join(', ')})`;
      } else if (item.kind === 'row') {
        batch.push(item.json);
        batchBytes += item.json.length;
        rows++;
        if (batch.length >= 500 || batchBytes >= 8_000_000) await flush();
      } else if (item.kind === 'tableEnd') {
        await flush();
      }
    }
    // Sequences continue where they were, so no id is ever handed out twice. Rows whose id was
    // drawn at random (anonymous feedback) never came from the sequence and must not move it.
    for (const s of header.sequences) {
      if (!target.has(s.table)) continue;
      const last = BigInt(s.lastValue).toString();
      // A backup from before the random ids (migration 0010) has no such column yet, nor such rows.
      const random = RANDOM_IDS[s.table];
      const randomRows = random && rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from information_schema.columns
        where table_schema = 'public' and table_name = ${s.table} and column_name = ${random.column}`))[0].n > 0;
      const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
      await tx.execute(sql.raw(`
        select setval(pg_get_serial_sequence(${lit(`public.${q(s.table)}`)}, ${lit(s.column)}),
                      case when m > ${last} then m else ${last} end,
                      case when m > ${last} then true else ${s.isCalled ? 'true' : 'false'} end)
        from (select coalesce(max(${q(s.column)}) ${randomRows ? `filter (where ${random.sequential})` : ''}, 0) as m from ${q(s.table)}) t`));
    }
    // Then upgrade, as the service would have: a backup from an older version comes back current.
    await migrateWithin(tx, latest.when);
    // The functions were dropped with the rest; the migrations make only their first forms.
    await applySqlFunctions(tx);
    // A running process keeps the directory and campaign in memory under these counters: past
    // both the old and the restored ones, so none can take the restored data for what it holds.
    for (const name of ['directory', 'campaign']) {
      await tx.execute(sql`insert into data_versions as v (name, version) values (${name}, ${(liveVersions.get(name) ?? 0) + 1})
        on conflict (name) do update set version = greatest(v.version, ${liveVersions.get(name) ?? 0}) + 1`);
    }
  });
  return { header, rows, migratedTo: latest.tag, upgraded: level.when !== latest.when };
}

/** One line for people: what a backup holds. */
export function describeBackup(s: BackupSummary): string {
  const h = s.header;
  const nonEmpty = h.tables.filter((t) => t.rows > 0).length;
  return `${h.tables.length} 张表（${nonEmpty} 张有数据），共 ${s.rows} 行；数据库版本 ${levelName(h.migration)}；备份于 ${h.createdAt}，来自 ${h.source === 'pglite' ? '内置数据库 PGlite' : 'PostgreSQL'}`;
}

// ---------------------------------------------------------------------------------------------
// `npm run cli -- backup FILE` / `restore FILE [--force]`

export interface BackupCliConfig { dataDir: string; DATABASE_URL?: string }

/**
 * Back up to FILE: through the running service when there is one (PGlite is single-process, so
 * only the service may read it), else straight from the database. Written beside FILE first and
 * read back in full before it takes FILE's name, so FILE is always a complete backup.
 */
export async function backupToFile(config: BackupCliConfig, file: string): Promise<string> {
  const target = path.resolve(file);
  if (!fs.existsSync(path.dirname(target))) throw new BackupError(`目录 ${path.dirname(target)} 不存在。`);
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
  const live = await readLiveLock(config.dataDir);
  let via = '';
  try {
    if (live?.port) {
      const res = await fetch(`http://127.0.0.1:${live.port}/internal/cli`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cli-secret': live.token },
        body: JSON.stringify({ op: 'backup' }),
      }).catch((err: Error) => { throw new BackupError(`服务（进程 ${live.pid}）正在运行，但连接 127.0.0.1:${live.port} 失败：${err.message}`); });
      if (!res.ok || !res.body || !(res.headers.get('content-type') ?? '').includes('gzip')) {
        const body = await res.json().catch(() => null) as { message?: string } | null;
        throw new BackupError(`服务（进程 ${live.pid}）没有完成备份：${body?.message ?? `HTTP ${res.status}`}`);
      }
      await pipeline(Readable.fromWeb(res.body as never), fs.createWriteStream(partial, { flush: true, mode: 0o600 })).catch((err: Error) => {
        throw new BackupError(`服务（进程 ${live.pid}）在备份途中出错，备份没有完成（${err.message}）。请查看服务日志。`);
      });
      via = `（由正在运行的服务备份，进程 ${live.pid}）\n`;
    } else if (config.DATABASE_URL) {
      const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: false });
      try { await writeBackup(database, fs.createWriteStream(partial, { flush: true, mode: 0o600 })); } finally { await database.close(); }
    } else {
      // No service: hold the data directory so it cannot start underneath the backup.
      const lock = await acquireDataDirLock(config.dataDir, { role: 'cli' });
      try {
        const dir = path.join(config.dataDir, 'db');
        if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw new BackupError(`在 ${path.resolve(dir)} 没有找到数据库，没有可备份的内容。`);
        const database = await openDatabase({ pgliteDir: dir, migrate: false });
        try { await writeBackup(database, fs.createWriteStream(partial, { flush: true, mode: 0o600 })); } finally { await database.close(); }
      } finally {
        await lock.release();
      }
    }
    const summary = await verifyBackup(fs.createReadStream(partial));
    // Owner-only whatever the umask: a backup holds every record (names, phones, opinions).
    await fs.promises.chmod(partial, 0o600);
    await fs.promises.rename(partial, target);
    const size = (await fs.promises.stat(target)).size;
    return `${via}已备份到 ${target}（${formatSize(size)}，已读回校验）：${describeBackup(summary)}。`;
  } catch (err) {
    await fs.promises.unlink(partial).catch(() => {});
    throw err;
  }
}

/** Restore FILE into the configured database; refused while anything else is using it. */
export async function restoreFromFile(config: BackupCliConfig, file: string, opts: RestoreOptions = {}): Promise<string> {
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(`找不到备份文件 ${source}。`);
  const live = await readLiveLock(config.dataDir);
  if (live) {
    const who = ['cli', 'chat'].includes(live.role) ? `另一个命令（${live.role === 'chat' ? '聊天模拟器' : 'CLI'}，进程 ${live.pid}）正在使用数据目录` : `服务正在运行（进程 ${live.pid}${live.port ? `，端口 ${live.port}` : ''}）`;
    const stop = ['cli', 'chat'].includes(live.role) ? '请先等它结束或退出它' : '请先停止服务（在运行 npm start 的终端按 Ctrl+C，或 systemctl stop 对应的服务）';
    throw new BackupError(`${who}。恢复会替换整个数据库，${stop}，再运行恢复。数据库没有任何改动。`);
  }
  let summary: RestoreSummary;
  if (config.DATABASE_URL) {
    const others = await otherConnections(config.DATABASE_URL);
    if (others.length) {
      throw new BackupError(`还有 ${others.reduce((n, o) => n + o.n, 0)} 个连接在使用这个数据库（${others.map((o) => `${o.app}@${o.addr} ×${o.n}`).join('、')}）。` +
        '恢复会替换整个数据库，请先停止所有服务进程（web、worker）和其他连接，再运行恢复。数据库没有任何改动。');
    }
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, migrate: false });
    try { summary = await restoreBackup(database, fs.createReadStream(source), opts); } finally { await database.close(); }
  } else {
    const lock = await acquireDataDirLock(config.dataDir, { role: 'cli' });
    try {
      const database = await openDatabase({ pgliteDir: path.join(config.dataDir, 'db'), migrate: false });
      try { summary = await restoreBackup(database, fs.createReadStream(source), opts); } finally { await database.close(); }
    } finally {
      await lock.release();
    }
  }
  return [
    `已从 ${source} 恢复：${describeBackup(summary)}。`,
    summary.upgraded ? `备份来自较早的版本，已升级到数据库版本 ${summary.migratedTo}。` : '',
    '队列（Redis）不在备份里：服务启动时会把还没发出的消息重新排队。',
  ].filter(Boolean).join('\n');
}

async function otherConnections(url: string): Promise<{ app: string; addr: string; n: number }[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query<{ app: string; addr: string; n: number }>(`
      select coalesce(nullif(application_name, ''), '未命名') as app, coalesce(client_addr::text, '本机') as addr, count(*)::int as n
      from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
      group by 1, 2 order by 3 desc`);
    return res.rows;
  } finally {
    await client.end().catch(() => {});
  }
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
