// Indexes the bench can add by hand (`--proposed-indexes`) to show their effect. Not a
// migration: if the figures justify them, the lead adds them to src/db/schema.ts.
import { sql } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';

export const PROPOSED_INDEXES = [
  // A check-in's reply ranks the sender in the unit (standingOf → unitTotals): every member of the
  // unit joined to their valid check-ins of the campaign/phase. Without it PostgreSQL scans the
  // whole checkins table for a large unit (0.6 s at a million rows); with it, an index-only scan.
  `create index if not exists checkins_member_campaign_valid_idx on checkins (member_id, campaign_id) include (phase_id, minutes) where status = 'valid'`,
  // The circular's period scan: valid check-ins of the campaign by date, without the heap.
  `create index if not exists checkins_campaign_date_valid_idx on checkins (campaign_id, study_date) include (member_id, minutes) where status = 'valid'`,
];

export async function applyProposedIndexes(database: Database): Promise<number> {
  const t0 = performance.now();
  for (const stmt of PROPOSED_INDEXES) await database.db.execute(sql.raw(stmt));
  // Index-only scans need the visibility map: as autovacuum would leave it after the load.
  await database.db.execute(sql`vacuum analyze checkins`);
  return performance.now() - t0;
}
