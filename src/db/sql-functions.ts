// The database functions, each kept once as a source file (functions/NN_name.sql, its current
// `CREATE OR REPLACE FUNCTION`), applied after the migrations whenever a file's content changes.
// Migrations create tables and triggers; a function's body changes here, never in a migration.
// What a migration still must do: change a function's arguments or result type (drop the old one
// first: CREATE OR REPLACE cannot), or drop a function whose file is removed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';

/** A transaction or database (client.ts's Tx), without importing client.ts, which imports this. */
interface Executor { execute(query: SQL): PromiseLike<unknown> }
const rowsOf = <T>(res: unknown) => (res as { rows: T[] }).rows;

/** Found beside this module, as the migrations are, so a build must copy src/db/functions too. */
export const functionsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'functions');

export interface SqlFunctionFile {
  /** The file name without its NN_ order prefix and .sql: the function's name. */
  name: string;
  file: string;
  sql: string;
  sha256: string;
}

/** The folder's NN_name.sql files, in NN order (dependencies first). */
export function readSqlFunctions(folder = functionsFolder): SqlFunctionFile[] {
  return fs.readdirSync(folder)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((file) => {
      const text = fs.readFileSync(path.join(folder, file), 'utf8');
      return {
        name: file.replace(/^\d+_/, '').replace(/\.sql$/, ''),
        file, sql: text,
        sha256: crypto.createHash('sha256').update(text).digest('hex'),
      };
    });
}

/**
 * Apply every function file whose content differs from the one last applied (all of them on a
 * new database), in order, inside the caller's transaction; returns the names applied. Needs
 * migration 0013 (drizzle.sql_functions).
 */
export async function applySqlFunctions(tx: Executor, folder = functionsFolder): Promise<string[]> {
  const files = readSqlFunctions(folder);
  const applied = new Map(rowsOf<{ name: string; sha256: string }>(
    await tx.execute(sql.raw('select name, sha256 from "drizzle"."sql_functions"'))).map((r) => [r.name, r.sha256]));
  const names: string[] = [];
  for (const f of files) {
    if (applied.get(f.name) === f.sha256) continue;
    // One statement per chunk, as in migrations (PGlite's extended protocol takes one at a time).
    for (const stmt of f.sql.split('--> statement-breakpoint')) if (stmt.trim()) await tx.execute(sql.raw(stmt));
    await tx.execute(sql`insert into "drizzle"."sql_functions" (name, sha256, applied_at) values (${f.name}, ${f.sha256}, now())
      on conflict (name) do update set sha256 = excluded.sha256, applied_at = excluded.applied_at`);
    names.push(f.name);
  }
  return names;
}
