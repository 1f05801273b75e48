// The circular (通报): computeCircular over the generated bureau, as the half-monthly job runs it,
// for the last complete period and for the whole campaign so far (every check-in in range).
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client.ts';
import { activeCampaign } from '../src/domain/campaigns.ts';
import { cadenceOf, computeCircular, periodFor, sendCircular, type Period } from '../src/domain/circular.ts';
import { enqueueOutbox } from '../src/delivery/outbox-store.ts';
import { TransactionRollbackError } from 'drizzle-orm';
import { addDays, dayOf } from '../src/time.ts';

export interface CircularTiming {
  period: Period;
  /** Check-ins the period's query reads (valid, in the campaign, in range). */
  checkinsInPeriod: number;
  units: number;
  firstMs: number;
  medianMs: number;
  minMs: number;
  runs: number;
}

export interface CircularResult {
  lastPeriod: CircularTiming;
  wholeCampaign: CircularTiming;
  /** The whole job for the last period, as the schedule runs it: compute, store, a detail for every unit head, outbox rows — rolled back. */
  send: { ms: number; messages: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runCircular(o: { databaseUrl?: string; pgliteDir?: string; runs: number }): Promise<CircularResult> {
  const database = await openDatabase({ databaseUrl: o.databaseUrl, pgliteDir: o.pgliteDir, migrate: false });
  try {
    const c = await activeCampaign(database.db);
    if (!c) throw new Error('no active campaign: run the generator first');
    const today = dayOf(new Date());
    const time = async (p: Period): Promise<CircularTiming> => {
      const ms: number[] = [];
      let units = 0;
      for (let i = 0; i < o.runs + 1; i++) {
        const t0 = performance.now();
        const d = await computeCircular(database.db, c, p);
        ms.push(performance.now() - t0);
        units = d.units.length;
      }
      const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from checkins
        where campaign_id = ${c.id} and status = 'valid' and study_date between ${p.start}::date and ${p.end}::date`));
      return { period: p, checkinsInPeriod: n, units, firstMs: ms[0], medianMs: median(ms.slice(1)), minMs: Math.min(...ms.slice(1)), runs: o.runs };
    };
    const lastPeriod = await time(periodFor(today, cadenceOf(c)));
    const wholeCampaign = await time({ key: 'whole', start: c.startDate, end: addDays(today, -1) });
    const send = { ms: 0, messages: 0 };
    await database.db.transaction(async (tx) => {
      const t0 = performance.now();
      await sendCircular(tx, c, lastPeriod.period, async (key, to, text) => {
        if (await enqueueOutbox(tx, key, to, text)) send.messages++;
      }, new Date());
      send.ms = performance.now() - t0;
      tx.rollback();
    }).catch((err) => { if (!(err instanceof TransactionRollbackError)) throw err; });
    return { lastPeriod, wholeCampaign, send };
  } finally {
    await database.close();
  }
}
