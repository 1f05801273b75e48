// A synthetic circular (CircularData) of n units, deterministic: the chart's tests and its bench.
import type { CircularData, CircularUnit } from '../../src/domain/messages/circular.ts';
import { rankScores } from '../../src/domain/circular.ts';
import { seededRandom } from '../../src/demo-generate.ts';

const PLACES = ['县人民医院', '县中医院', '县妇幼保健院', '县疾控中心', '城关镇卫生院', '东关社区卫生服务中心', '河口镇中心卫生院', '县卫生健康综合监督执法大队',
  '西城社区卫生服务中心', '马庄乡卫生院', '县精神病防治院', '县急救中心', '南山镇卫生院', '北坡乡卫生院', '局机关办公室'];

/** The generator's own seeded sequence (mulberry32), so the data is the same every run. */
const rng = seededRandom;

export function syntheticCircular(n: number, o: { seed?: number; periodKey?: string; previousKey?: string | null; target?: number | null } = {}): CircularData {
  const r = rng(o.seed ?? 7);
  const target = o.target === undefined ? 600 : o.target;
  const raw = Array.from({ length: n }, (_, i) => {
    const members = 20 + Math.floor(r() * 180);
    const participants = Math.round(members * (0.35 + r() * 0.65));
    const avgMinutes = Math.round(120 + r() * 700);
    const tasksRequired = members * 2;
    const tasksDone = Math.round(tasksRequired * (0.3 + r() * 0.7));
    const rectTotal = Math.floor(r() * 8);
    const rectClosed = Math.floor(rectTotal * r());
    const p = participants / members;
    const h = Math.min(1, avgMinutes / (target ?? 820));
    const k = tasksDone / tasksRequired;
    const rr = rectTotal ? rectClosed / rectTotal : null;
    const score = Math.round((100 * (40 * p + 30 * h + 15 * k + (rr === null ? 0 : 15 * rr))) / (rr === null ? 85 : 100) * 10) / 10;
    const name = i < PLACES.length ? PLACES[i] : `${['东', '西', '南', '北', '中'][i % 5]}${['山', '河', '坪', '湾', '岭', '桥'][i % 6]}${['镇', '乡'][i % 2]}第${Math.floor(i / 2) + 1}卫生院`;
    return {
      unitId: i + 1, unitName: name, members, participants, participationRate: p, totalMinutes: avgMinutes * members, avgMinutes,
      checkins: participants * 6, submissions: tasksDone, tasksRequired, tasksDone, feedbackReceived: Math.floor(r() * 5), feedbackAnswered: 0,
      rectTotal, rectClosed, rectOverdue: Math.floor((rectTotal - rectClosed) * r()),
      components: { participation: p, hours: h, tasks: k, rectification: rr }, score,
    };
  });
  const ranks = rankScores(raw.map((u) => u.score));
  const worst = Math.max(...ranks);
  const units: CircularUnit[] = raw.map((u, i) => {
    const m = Math.floor(r() * 7) - 3;
    const movement = o.previousKey === null ? null : m > 0 ? `↑${m}` as const : m < 0 ? `↓${-m}` as const : '—' as const;
    return { ...u, rank: ranks[i], movement, last: worst > 1 && ranks[i] === worst };
  }).sort((a, b) => a.rank - b.rank || a.unitId - b.unitId);
  const sum = (k: keyof CircularUnit) => units.reduce((s, u) => s + (u[k] as number), 0);
  const members = sum('members');
  return {
    campaignId: 1, campaignName: '医德医风大讨论',
    period: { key: o.periodKey ?? '2026-12-H1', start: '2026-12-01', end: '2026-12-15' },
    periodTargetMinutes: target, weights: { participation: 40, hours: 30, tasks: 15, rectification: 15, inspection: 0 },
    previousPeriodKey: o.previousKey === undefined ? '2026-11-H2' : o.previousKey,
    totals: {
      members, participants: sum('participants'), participationRate: sum('participants') / members, totalMinutes: sum('totalMinutes'),
      avgMinutes: Math.round(sum('totalMinutes') / members), checkins: sum('checkins'), submissions: sum('submissions'),
      feedbackReceived: sum('feedbackReceived'), feedbackAnswered: 0, rectTotal: sum('rectTotal'), rectClosed: sum('rectClosed'), rectOverdue: sum('rectOverdue'),
    },
    units, leaders: [],
  };
}
