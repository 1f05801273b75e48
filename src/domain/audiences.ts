// Who a task is due from (its 对象), decided here once. 我的, 本单位, 提交, the reminders, the
// circular, the exports and the console ask dueFrom; the circular's SQL asks dueSql, the same
// rules written as SQL next to them so the two cannot drift apart.
//
// A task is due from each person it names — everyone (all), heads, 班子成员 (leadership), 党员
// (party) — or from each unit (units): one submission per unit, by its head or 联络员, and the
// unit counts as done when one is in. unitKind narrows 'units' to the units of one 单位类型.
import { sql, type SQL } from 'drizzle-orm';

export type Audience = 'all' | 'heads' | 'leadership' | 'party' | 'units';
export const AUDIENCES: readonly Audience[] = ['all', 'heads', 'leadership', 'party', 'units'];

/** 单位类型, as stored in units.kind and tasks.unit_kind. */
export type UnitKind = 'hospital' | 'health_center' | 'community' | 'public_health' | 'office' | 'other';
export const UNIT_KINDS: readonly UnitKind[] = ['hospital', 'health_center', 'community', 'public_health', 'office', 'other'];

/** A task's 对象 as stored (tasks.audience, tasks.unit_kind). */
export interface TaskAudience { audience: string; unitKind: string | null }

/** What the rule needs of a counted person: their role, flags and their unit's 单位类型. */
export interface AudiencePerson { role: string; partyMember: boolean; leadership: boolean; unitKind: string | null }

/** The per-person rules: in TypeScript, and in SQL over a person row (role, party_member, leadership). */
const PERSON_RULES: Record<Exclude<Audience, 'units'>, { is(p: AudiencePerson): boolean; sql(m: SQL): SQL }> = {
  all: { is: () => true, sql: () => sql`true` },
  heads: { is: (p) => p.role === 'head', sql: (m) => sql`${m}.role = 'head'` },
  leadership: { is: (p) => p.leadership, sql: (m) => sql`${m}.leadership` },
  party: { is: (p) => p.partyMember, sql: (m) => sql`${m}.party_member` },
};

/**
 * Who a task is due from, for one counted person: 'person' when they owe it themselves, 'unit'
 * when their unit owes it (one submission by its head or 联络员), null when neither. An audience
 * this version does not know is due from nobody.
 */
export function dueFrom(t: TaskAudience, p: AudiencePerson): 'person' | 'unit' | null {
  if (t.audience === 'units') return !t.unitKind || p.unitKind === t.unitKind ? 'unit' : null;
  const rule = PERSON_RULES[t.audience as keyof typeof PERSON_RULES];
  return rule?.is(p) ? 'person' : null;
}

/** Whether a task is handed in once per unit rather than by each person. */
export function perUnit(t: Pick<TaskAudience, 'audience'>): boolean {
  return t.audience === 'units';
}

/** perUnit as SQL, over the task row `t`. */
export function perUnitSql(t: string): SQL {
  return sql`${sql.raw(t)}.audience = 'units'`;
}

/**
 * dueFrom as SQL: whether the task row `t` (audience, unit_kind) is due from the person row `m`
 * (role, party_member, leadership, unit_kind) — for a per-unit task, from their unit (true for
 * each of its people; group by unit to count the unit once).
 */
export function dueSql(t: string, m: string): SQL {
  const T = sql.raw(t);
  const M = sql.raw(m);
  const whens = Object.entries(PERSON_RULES).map(([k, r]) => sql`when ${sql.raw(`'${k}'`)} then ${r.sql(M)}`);
  return sql`(case ${T}.audience ${sql.join(whens, sql` `)}
    when 'units' then (${T}.unit_kind is null or ${T}.unit_kind = ${M}.unit_kind) else false end)`;
}

// ---------------------------------------------------------------- as people write them

/** 单位类型 as the 名单's column and 对象： are written (input). */
const UNIT_KIND_WORDS: Record<string, UnitKind> = {
  医院: 'hospital', 县级医院: 'hospital', 公立医院: 'hospital',
  卫生院: 'health_center', 乡镇卫生院: 'health_center', 中心卫生院: 'health_center',
  社区卫生服务中心: 'community', 社区卫生服务站: 'community', 社区: 'community',
  公共卫生机构: 'public_health', 专业公共卫生机构: 'public_health',
  机关: 'office', 局机关: 'office', 机关科室: 'office',
  其他: 'other', 其它: 'other',
};

export function unitKindFromCn(s: string): UnitKind | null {
  const t = s.trim();
  if (Object.hasOwn(UNIT_KIND_WORDS, t)) return UNIT_KIND_WORDS[t];
  return (UNIT_KINDS as readonly string[]).includes(t) ? t as UnitKind : null;
}

/** 对象： as people write it (input); a 单位类型 (卫生院, 各卫生院) means each unit of that type. */
const AUDIENCE_WORDS: Record<string, Audience> = {
  全体: 'all', 全员: 'all', 所有人: 'all', 全体人员: 'all', 全体职工: 'all',
  负责人: 'heads', 单位负责人: 'heads', 一把手: 'heads', 主要负责人: 'heads',
  班子成员: 'leadership', 领导班子成员: 'leadership', 班子: 'leadership', 领导班子: 'leadership',
  党员: 'party', 全体党员: 'party',
  单位: 'units', 各单位: 'units', 每个单位: 'units', 每单位: 'units',
};

export function audienceFromCn(s: string): TaskAudience | null {
  const t = s.trim();
  if (Object.hasOwn(AUDIENCE_WORDS, t)) return { audience: AUDIENCE_WORDS[t], unitKind: null };
  if ((AUDIENCES as readonly string[]).includes(t)) return { audience: t as Audience, unitKind: null };
  const kind = unitKindFromCn(t.replace(/^(?:各|每个?|所有)/, ''));
  return kind ? { audience: 'units', unitKind: kind } : null;
}
