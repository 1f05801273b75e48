// Database errors as the service logs them (src/log.ts): drizzle puts a failed statement's
// parameters in its message and on the error, PostgreSQL quotes refused values and the failing
// row. Real failures on PGlite and PostgreSQL, logged every way the code logs errors, at every
// level: the values never reach a log line, and the line still says what failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createLogger } from '../../src/log.ts';
import { units } from '../../src/db/schema.ts';
import { testDatabase, TEST_DB } from '../support/test-bot.ts';
import type { Database } from '../../src/db/client.ts';

let database: Database;
beforeAll(async () => { database = await testDatabase('error_log'); });
afterAll(async () => { await database?.close(); });

/** The error a statement fails with. */
async function failure(run: () => Promise<unknown>): Promise<Error> {
  try { await run(); } catch (err) { return err as Error; }
  throw new Error('the statement did not fail');
}

/** Log `err` every way src/ does, at every level, through a child logger too. */
function logEveryWay(err: Error): string[] {
  const lines: string[] = [];
  const root = createLogger('trace', { write: (l: string) => { lines.push(l); } });
  const child = root.child({ platform: 'test' });
  for (const log of [root, child]) {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      log[level]({ err }, 'failed');
      log[level]({ err });
      log[level](err);
      log[level]({ err: err.message }, `failed: ${err.message}`);
      log[level]({ error: err.message, reason: String(err) });
      log[level]({ err: err.cause });
      log[level]({ cause: err.cause, nested: { why: 'x' } }, 'nested');
    }
  }
  return lines;
}

describe(`error logs carry no statement values (${TEST_DB})`, () => {
  it('an insert refused for a NUL byte', async () => {
    const secret = `张三的意见-${Date.now()}`;
    const err = await failure(() => database.db.insert(units).values({ name: `${secret}\u0000` }));
    // Unscrubbed, drizzle's message and fields carry the value: the test is not vacuous.
    expect(err.message).toContain(secret);
    const lines = logEveryWay(err);
    expect(lines).toHaveLength(2 * 6 * 7);
    for (const l of lines) {
      expect(l).not.toContain(secret);
      expect(l).not.toContain('\\u0000');
    }
    const first = JSON.parse(lines[0]);
    expect(first.err).toMatchObject({ type: 'DrizzleQueryError', code: '22021', query: expect.stringContaining('insert into "units"') });
    expect(first.err.message).toContain('params: [已隐藏]');
    expect(first.err.message).toContain('invalid byte sequence');
    expect(first.err.stack).toContain('caused by:');
  });

  it('a duplicate key (the value is in the error\'s detail) and values PostgreSQL quotes', async () => {
    const secret = `县人民医院-${Date.now()}`;
    await database.db.insert(units).values({ name: secret });
    const dup = await failure(() => database.db.insert(units).values({ name: secret }));
    expect(JSON.stringify(dup.cause, Object.getOwnPropertyNames(dup.cause))).toContain(secret); // in detail
    const cast = await failure(() => database.db.execute(sql`select ${`x${secret}`}::int`));
    const range = await failure(() => database.db.execute(sql`select ${'98765432109'}::int`));
    const date = await failure(() => database.db.execute(sql`select ${'2026-13-45'}::date`));
    for (const [err, value] of [[dup, secret], [cast, secret], [range, '98765432109'], [date, '2026-13-45']] as const) {
      const lines = logEveryWay(err);
      for (const l of lines) expect(l, l).not.toContain(value);
      expect(JSON.parse(lines[0]).err.code).toMatch(/^2[23]/);
    }
    expect(JSON.parse(logEveryWay(dup)[0]).err.message).toContain('units_name_unique'); // still says which constraint
  });
});
