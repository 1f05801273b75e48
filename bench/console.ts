// The web console's 总览 (GET /console/api/overview) and 单位 (GET /console/api/units) over the
// generated bureau: the route's own work — handlers/console/views.ts, every domain read it makes,
// and the JSON it sends — timed in-process for the office (every unit), a 分管领导 (their units) and a
// unit head (one unit). HTTP and the session lookup add about a millisecond on top.
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../src/db/client.ts';
import { memberById } from '../src/domain/directory.ts';
import { visibleUnits } from '../src/domain/visibility.ts';
import type { Role } from '../src/domain/roles.ts';
import { current, overview, unitsTable } from '../handlers/console/views.ts';
import { dayOf } from '../src/time.ts';

export interface ConsoleTiming { viewer: string; units: number; firstMs: number; medianMs: number; maxMs: number; runs: number; bytes: number }
export interface ConsoleResult { overview: ConsoleTiming[]; units: ConsoleTiming[] }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runConsole(o: { databaseUrl: string; runs: number }): Promise<ConsoleResult> {
  const database = await openDatabase({ databaseUrl: o.databaseUrl, migrate: false });
  try {
    const db = database.db;
    const today = dayOf(new Date());
    const { campaign, phase } = await current(db, today);
    if (!campaign) throw new Error('no campaign in progress: run the generator first');
    const pick = async (role: string) => rowsOf<{ id: number }>(await db.execute(sql`select id from members where role = ${role} and active order by id limit 1`))[0].id;
    const viewers = [['管理员', await pick('admin')], ['分管领导', await pick('leader')], ['负责人', await pick('head')]] as const;
    const result: ConsoleResult = { overview: [], units: [] };
    for (const [label, id] of viewers) {
      const member = (await memberById(db, id))!;
      const v = { member, role: member.role as Role, visible: await visibleUnits(db, { role: member.role, id: member.id, unitId: member.unitId }) };
      const time = async (what: () => Promise<unknown>): Promise<ConsoleTiming> => {
        const ms: number[] = [];
        let bytes = 0;
        for (let i = 0; i < o.runs + 1; i++) {
          const t0 = performance.now();
          bytes = JSON.stringify(await what()).length;
          ms.push(performance.now() - t0);
        }
        const rest = ms.slice(1);
        return { viewer: label, units: v.visible === 'all' ? -1 : v.visible.length, firstMs: ms[0], medianMs: median(rest), maxMs: Math.max(...rest), runs: o.runs, bytes };
      };
      result.overview.push(await time(() => overview(db, v, campaign, phase, today)));
      result.units.push(await time(() => unitsTable(db, v, campaign, phase, today)));
    }
    return result;
  } finally {
    await database.close();
  }
}
