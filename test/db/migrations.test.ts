// Production starts N web and M worker processes at once, and an upgrade restarts them all with
// new migrations: they must not race each other applying them (PostgreSQL only; PGlite is
// single-process).
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../../src/db/client.ts';
import { createTestDatabase, testPostgresUrl } from '../support/services.ts';
import { TEST_DB } from '../support/test-bot.ts';

describe.skipIf(TEST_DB !== 'postgres')('migrations on PostgreSQL', () => {
  it('four processes opening a new database at once migrate it once, and all work', async () => {
    const created = await createTestDatabase(await testPostgresUrl(), 'migrate_race');
    try {
      const opened = await Promise.allSettled([1, 2, 3, 4].map(() => openDatabase({ databaseUrl: created.url })));
      expect(opened.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const dbs = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openDatabase>>>).value);
      const applied = rowsOf<{ n: number }>(await dbs[0].db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
      const journal = (await import('../../src/db/migrations/meta/_journal.json', { with: { type: 'json' } })).default;
      expect(applied[0].n).toBe(journal.entries.length);
      for (const d of dbs) expect(await d.ping()).toBe(true);
      for (const d of dbs) await d.close();
    } finally {
      await created.drop();
    }
  });
});
