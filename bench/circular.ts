// The circular (通报): computeCircular over the generated bureau, as the half-monthly job runs it,
// for the last complete period and for the whole campaign so far (every check-in in range).
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client.ts';
import { activeCampaign } from '../src/domain/campaigns.ts';
import { cadenceOf, computeCircular, periodFor, previousCircularData, sendCircular, type Period } from '../src/domain/circular.ts';
import { circularChartPng } from '../src/documents/chart.ts';
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
  /** The whole job for the last period, as the schedule runs it: compute, store, the chart, a detail for every unit head, outbox rows — rolled back. */
  send: { ms: number; messages: number };
  /** The last period's circular computed and its chart drawn (issue #22: under 2 s): median of `runs` after a first. */
  withChart?: { firstMs: number; medianMs: number; computeMs: number; renderMs: number };
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
    // Compute + chart, as /通报 预览 does (the first render also starts resvg and reads the font).
    const both: { total: number; compute: number; render: number }[] = [];
    for (let i = 0; i < o.runs + 1; i++) {
      const t0 = performance.now();
      const d = await computeCircular(database.db, c, lastPeriod.period);
      const t1 = performance.now();
      await circularChartPng(d, await previousCircularData(database.db, c.id, lastPeriod.period.start));
      const t2 = performance.now();
      both.push({ total: t2 - t0, compute: t1 - t0, render: t2 - t1 });
    }
    const later = both.slice(1).sort((a, b) => a.total - b.total)[Math.floor(o.runs / 2)];
    const withChart = { firstMs: both[0].total, medianMs: later.total, computeMs: later.compute, renderMs: later.render };
    const send = { ms: 0, messages: 0 };
    await database.db.transaction(async (tx) => {
      const t0 = performance.now();
      await sendCircular(tx, c, lastPeriod.period, async (key, to, text) => {
        if (await enqueueOutbox(tx, key, to, text)) send.messages++;
      }, new Date());
      send.ms = performance.now() - t0;
      tx.rollback();
    }).catch((err) => { if (!(err instanceof TransactionRollbackError)) throw err; });
    return { lastPeriod, wholeCampaign, send, withChart };
  } finally {
    await database.close();
  }
}
