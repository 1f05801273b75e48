// The office's 总览 and 单位 table: every counted person's minutes in the scope and the campaign,
// this week and today — for thousands of people at once. peopleFigures (progress.ts) reads every
// check-in of the campaign (a million rows at full size) because it also gives each person's
// count and last day; these figures need neither, so they come from study_totals (kept by the
// check-in triggers: one row per person per phase and one for the whole campaign) and from this
// week's check-ins only (an index range). Participation also counts a check-in with no minutes,
// which study_totals does not see: those few are read through their own partial index.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { rowsOf } from '../db/client.ts';
import { checkins, members, studyTotals } from '../db/schema.ts';
import type { CampaignRow, PhaseRow } from './campaigns.ts';
import { countedPeople, progressScope, type PersonFigures, type ProgressScope } from './progress.ts';
import { everyoneOnLeave } from './leaves.ts';
import { mondayOf } from '../time.ts';

/** A person's figures without their check-in count, last day and idle days (what a list of one unit shows). */
export type PersonTotals = Omit<PersonFigures, 'scopeCheckins' | 'lastCheckin' | 'idleWorkdays'>;

/** study_totals' phase for the whole campaign (as checkins.ts). */
const WHOLE_CAMPAIGN = -1;

/** Every counted person of these units (null: all) with their totals as of today, by unit name then id. */
export async function peopleTotals(tx: Tx, c: CampaignRow, phase: PhaseRow | null, unitIds: number[] | null, today: string): Promise<{ scope: ProgressScope; people: PersonTotals[] }> {
  const scope = progressScope(c, phase);
  const people = await countedPeople(tx, unitIds ?? undefined);
  if (!people.length) return { scope, people: [] };
  const scopePhase = phase?.id ?? WHOLE_CAMPAIGN;
  // Their people's figures wherever recorded (someone moved into the unit brings theirs).
  const mine = unitIds ? sql`and member_id in (select id from ${members} where unit_id in (${sql.join(unitIds.map((id) => sql`${id}`), sql`, `)}))` : sql``;
  const monday = mondayOf(today);
  const [away, totals, week, noMinutes] = await Promise.all([
    everyoneOnLeave(tx, today),
    tx.execute(sql`
      select member_id, coalesce(sum(minutes) filter (where phase_id = ${scopePhase}), 0)::int as sm,
        coalesce(sum(minutes) filter (where phase_id = ${WHOLE_CAMPAIGN}), 0)::int as cm
      from ${studyTotals}
      where campaign_id = ${c.id} and phase_id in (${WHOLE_CAMPAIGN}, ${scopePhase}) ${mine}
      group by member_id`),
    tx.execute(sql`
      select member_id, coalesce(sum(minutes), 0)::int as wm, count(*)::int as wn,
        coalesce(sum(minutes) filter (where study_date = ${today}::date), 0)::int as tm, (count(*) filter (where study_date = ${today}::date))::int as tn
      from ${checkins}
      where campaign_id = ${c.id} and status = 'valid' and study_date between ${monday}::date and ${today}::date ${mine}
      group by member_id`),
    // Check-ins in the scope without minutes (checkins_no_minutes_idx): participation all the same.
    tx.execute(sql`
      select distinct member_id from ${checkins}
      where campaign_id = ${c.id} and status = 'valid' and coalesce(minutes, 0) = 0 and study_date <= ${today}::date
        ${phase ? sql`and phase_id = ${phase.id}` : sql``} ${mine}`),
  ]);
  const sums = new Map(rowsOf<{ member_id: number; sm: number; cm: number }>(totals).map((r) => [Number(r.member_id), r]));
  const thisWeek = new Map(rowsOf<{ member_id: number; wm: number; wn: number; tm: number; tn: number }>(week).map((r) => [Number(r.member_id), r]));
  const joinedWithout = new Set(rowsOf<{ member_id: number }>(noMinutes).map((r) => Number(r.member_id)));
  return {
    scope,
    people: people.map((p) => {
      const s = sums.get(p.id);
      const w = thisWeek.get(p.id);
      const scopeMinutes = Number(s?.sm ?? 0);
      // Fields named one by one, not `...p`: spreading 20,000 rows and adding nine fields took V8
      // 0.3–1 s (objects fall out of their fast shape), naming them a few milliseconds.
      return {
        id: p.id, name: p.name, role: p.role, unitId: p.unitId, unitName: p.unitName,
        scopeMinutes, joined: scopeMinutes > 0 || joinedWithout.has(p.id),
        campaignMinutes: Number(s?.cm ?? 0),
        todayMinutes: Number(w?.tm ?? 0), checkedInToday: Number(w?.tn ?? 0) > 0,
        weekMinutes: Number(w?.wm ?? 0), checkedInThisWeek: Number(w?.wn ?? 0) > 0,
        onLeave: away.has(p.id),
      };
    }),
  };
}
