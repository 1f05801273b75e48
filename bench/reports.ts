// 报送 (issue #22): the documents over the generated bureau (200 units / 20,000 people / 1,000,000
// check-ins): the 总结 for the whole campaign and for the phase running, the 统计表 for the whole
// campaign, and the 通报 document with its chart where a chart renderer is installed — each built
// in-process as /报送 builds it (figures, wording, the .docx/.xlsx bytes), timed first and median.
import { openDatabase } from '../src/db/client.ts';
import { activeCampaign } from '../src/domain/campaigns.ts';
import { buildReport, type ReportRequest } from '../src/domain/reports.ts';
import { dayOf } from '../src/time.ts';

export interface ReportTiming { what: string; firstMs: number; medianMs: number; maxMs: number; runs: number; bytes: number; rows: number }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runReports(o: { databaseUrl: string; runs: number }): Promise<ReportTiming[]> {
  const database = await openDatabase({ databaseUrl: o.databaseUrl, migrate: false });
  try {
    const c = await activeCampaign(database.db);
    if (!c) throw new Error('no active campaign: run the generator first');
    const today = dayOf(new Date());
    const base = { today, sender: '领导小组办公室' };
    const cases: [string, Omit<ReportRequest, 'today' | 'sender'>][] = [
      ['总结（全程）', { kind: 'summary', span: 'whole' }],
      ['总结（本阶段）', { kind: 'summary', span: 'phase' }],
      ['统计表（全程）', { kind: 'stats', span: 'whole' }],
      ['通报（本期）', { kind: 'circular' }],
    ];
    const out: ReportTiming[] = [];
    for (const [what, r] of cases) {
      const ms: number[] = [];
      let bytes = 0;
      let rows = 0;
      for (let i = 0; i < o.runs + 1; i++) {
        const t0 = performance.now();
        const built = await buildReport(database.db, c, { ...base, ...r });
        ms.push(performance.now() - t0);
        bytes = built.data.length;
        rows = built.rows;
      }
      out.push({ what, firstMs: ms[0], medianMs: median(ms.slice(1)), maxMs: Math.max(...ms.slice(1)), runs: o.runs, bytes, rows });
    }
    return out;
  } finally {
    await database.close();
  }
}
