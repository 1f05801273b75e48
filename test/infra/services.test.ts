import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testPostgresUrl, testRedisUrl } from '../support/services.ts';

describe('test/support/services', () => {
  it('testRedisUrl() answers PING', async () => {
    const url = await testRedisUrl();
    expect(await testRedisUrl()).toBe(url); // cached
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await r.connect();
      expect(await r.ping()).toBe('PONG');
    } finally {
      r.disconnect();
    }
  });

  it('createTestDatabase() makes a fresh database and drop() removes it', async () => {
    const base = await testPostgresUrl();
    const db = await createTestDatabase(base, 'Services Test!');
    expect(db.name).toMatch(/^services_test_[0-9a-f]{10}$/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]!.db).toBe(db.name);
      await c.query('CREATE TABLE t (x int)'); // writable, empty database
    } finally {
      await c.end();
    }
    const holder = new pg.Client({ connectionString: db.url }); // an open connection must not block drop()
    holder.on('error', () => {});
    await holder.connect();
    await db.drop();
    await holder.end().catch(() => {});

    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
