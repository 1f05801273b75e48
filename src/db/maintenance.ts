// PGlite runs PostgreSQL as one process with no background workers, so nothing vacuums or analyzes
// its tables the way PostgreSQL's autovacuum does. A working day leaves dead rows in the tables it
// updates — study_totals and study_periods on every check-in (ranks and the trend read them), the
// outbox on every push — and the planner's statistics go stale as check-ins pile up. The service does it instead: the busy
// tables every ten minutes (tens of milliseconds), every table once a night.
import { sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from './client.ts';
import { cn, dayOf, type Clock } from '../time.ts';

/** Small tables rewritten all day. */
export const BUSY_TABLES = ['study_totals', 'study_periods', 'data_versions', 'inbound_messages', 'outbox', 'pending_confirmations'];
const EVERY_MS = 10 * 60_000;
/** The nightly pass runs in the first ten-minute tick from 02:00 China time. */
const NIGHT_HOURS = [2, 3, 4];

export async function vacuumBusyTables(database: Database) {
  await database.db.execute(sql.raw(`vacuum (analyze) ${BUSY_TABLES.join(', ')}`));
}

export async function vacuumEverything(database: Database) {
  await database.db.execute(sql.raw('vacuum (analyze)'));
}

/** One round at `now`: every table the first time in a night, else the busy ones. */
export async function maintenanceRound(database: Database, now: Date, state: { lastNight: string | null }): Promise<'all' | 'busy'> {
  if (NIGHT_HOURS.includes(cn(now).hour()) && state.lastNight !== dayOf(now)) {
    await vacuumEverything(database);
    state.lastNight = dayOf(now);
    return 'all';
  }
  await vacuumBusyTables(database);
  return 'busy';
}

/** Start the rounds for an embedded database; returns the stop. PostgreSQL vacuums itself. */
export function startPgliteMaintenance(database: Database, log: Logger, clock: Clock): () => void {
  if (database.kind !== 'pglite') return () => {};
  const state = { lastNight: null as string | null };
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    const t0 = performance.now();
    try {
      const tables = await maintenanceRound(database, clock(), state);
      log.debug({ tables, ms: Math.round(performance.now() - t0) }, 'pglite vacuum');
    } catch (err) {
      log.warn({ err }, 'pglite vacuum failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => { void tick(); }, EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
