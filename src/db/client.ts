// Opens the database: PGlite under DATA_DIR by default, PostgreSQL when DATABASE_URL is set.
// Both speak the same drizzle schema and migrations.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import v8 from 'node:v8';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { makePrivate } from '../infra/private-files.ts';
import { applySqlFunctions, functionsFolder as defaultFunctionsFolder } from './sql-functions.ts';
// No schema is given to drizzle: the relational query API (db.query.*) is not used, and with a
// schema every transaction builds a query builder per table (a fifth of the CPU of a check-in).
export type Db = PgDatabase<PgQueryResultHKT>;
/** A transaction or the database itself: domain functions accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Raw rows for ad-hoc SQL (statistics). */
  close(): Promise<void>;
  ping(): Promise<boolean>;
}

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Whether an error means the database could not be reached (restart, failover, network), as
 * opposed to a query that is wrong. drizzle wraps the driver's error, so look through causes.
 */
export function isConnectionError(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string' && /^(57P0[123]|08\d{3}|53300|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT)$/.test(e.code)) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|connection error|Client has encountered a connection error/i.test(e.message)) return true;
  }
  return false;
}

/** Any fixed 64-bit number; only our migrations take it. */
const MIGRATION_LOCK = 7_284_519_003;

// PGlite's shared memory is allocated and zeroed inside the WASM heap at start, so all of it is
// resident from the first second: PostgreSQL's default 128 MB of shared_buffers alone was a quarter
// of the service's idle memory. 32 MB holds the check-in indexes ingest touches; big scans use a
// small ring either way, and pages not cached come from the OS page cache.
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data directory; omit for an in-memory database. */
  pgliteDir?: string;
  /** A PGlite dump (dumpDataDir) to start from: makes test databases cheap. */
  pgliteLoad?: Blob | File;
  migrate?: boolean;
  /** Where the SQL function files are (tests use a copy); default src/db/functions. */
  functionsFolder?: string;
  /** Told, in one line, which SQL functions start-up (re)applied; nothing when none. */
  log?: { info(obj: object, msg: string): void };
  /**
   * A long-running service: open some connections now and keep every one opened (up to the pool's
   * size). Opening one costs a PostgreSQL backend start (~10 ms); a burst of messages after a quiet
   * spell would otherwise pay it in turn, one connection after another.
   */
  keepConnections?: boolean;
  /** Connections to PostgreSQL at most (DATABASE_POOL_SIZE; 10). */
  poolSize?: number;
}

const POOL_SIZE = 10;

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const { default: pg } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    // JIT off for our sessions: it compiles the circular's aggregation for longer than the query
    // runs (whole-campaign circular at a million check-ins: 1.8 s with JIT, 0.8 s without).
    const size = opts.poolSize ?? POOL_SIZE;
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: size, min: opts.keepConnections ? size : 0, options: '-c jit=off' });
    // A dropped connection must not crash the service; the next query reconnects.
    pool.on('error', () => {});
    // A connection in use (inside a transaction) that the server cuts — a restart, a failover —
    // emits 'error' on its client; unhandled, that would kill the process. The query in flight
    // still rejects and the pool discards the client.
    pool.on('connect', (client) => { client.on('error', () => {}); });
    const db = drizzle(pool) as unknown as Db;
    if (opts.migrate !== false) {
      // Several processes start at once in production (N web + M workers, or an upgrade): one
      // migrates while the others wait on a session-level advisory lock, then find nothing to do.
      const migrated = (async () => {
        const client = await pool.connect();
        try {
          await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
          await migrate(drizzle(client) as never, { migrationsFolder });
          await applyFunctions(drizzle(client) as unknown as Db, opts);
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
          client.release();
        }
      })();
      // A start that fails here leaves no pool open behind it.
      await migrated.catch(async (err) => { await pool.end().catch(() => {}); throw err; });
    }
    if (opts.keepConnections) {
      // As many as the check-in writer keeps busy (src/domain/checkin-writer.ts); more open on demand.
      const clients = await Promise.all(Array.from({ length: 4 }, () => pool.connect()));
      for (const c of clients) c.release();
    }
    return {
      db, kind: 'postgres',
      close: () => pool.end(),
      ping: async () => { try { await pool.query('select 1'); return true; } catch { return false; } },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (opts.pgliteDir) fs.mkdirSync(opts.pgliteDir, { recursive: true });
  // V8 recompiles PGlite's hot WASM functions with TurboFan on background threads, and glibc keeps
  // the compilers' freed memory in one malloc arena per thread: 40–70 MB of idle RSS that is never
  // used again. One compile thread keeps one arena; the code it produces is the same.
  v8.setFlagsFromString('--wasm-num-compilation-tasks=1');
  const client = new PGlite({
    dataDir: opts.pgliteDir, loadDataDir: opts.pgliteLoad,
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
  });
  await client.waitReady;
  // A new database is unpacked from PGlite's bundled files with their recorded mode (0666),
  // past the umask: make them the owner's alone. Files PostgreSQL creates later are 0600.
  if (opts.pgliteDir) await makePrivate(opts.pgliteDir);
  const db = drizzle(client) as unknown as Db;
  if (opts.migrate !== false) {
    try {
      await migrate(db as never, { migrationsFolder });
      await applyFunctions(db, opts);
    } catch (err) {
      // Closed, so that the data directory can be opened again in this process.
      await client.close().catch(() => {});
      throw err;
    }
  }
  return {
    db, kind: 'pglite',
    close: () => client.close(),
    ping: async () => { try { await client.query('select 1'); return true; } catch { return false; } },
    // exposed for test snapshots
    ...({ pglite: client } as object),
  };
}

/** After the migrations (and under their lock): the SQL functions whose files changed, in one transaction. */
async function applyFunctions(db: Db, opts: OpenOptions) {
  const applied = await db.transaction((tx) => applySqlFunctions(tx, opts.functionsFolder ?? defaultFunctionsFolder));
  if (applied.length) opts.log?.info({ sqlFunctions: applied }, `数据库函数已更新：${applied.join('、')}`);
}

/** Rows of tx.execute() — node-postgres and PGlite both return { rows }. */
export function rowsOf<T>(res: unknown): T[] {
  return (res as { rows: T[] }).rows;
}
