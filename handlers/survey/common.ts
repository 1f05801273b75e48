// What the 测评 commands share: a survey by its code in the current campaign, the units of it a
// person may see, a unit and group named in a survey, and the public page's links.
import type { Ctx } from '../../src/commands/context.ts';
import { UserError } from '../../src/commands/errors.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { parseSurveyCode, surveyBySeq, surveyScope, type SurveyInfo } from '../../src/domain/surveys.ts';
import { surveyReplies } from '../../src/domain/messages/surveys.ts';
import { surveyMessages } from '../../src/domain/messages/surveys.ts';

export const SECTION = '测评';

export async function loadSurvey(ctx: Ctx, code: string): Promise<SurveyInfo> {
  const c = ctx.requireCampaign();
  return surveyBySeq(ctx.tx, c.id, parseSurveyCode(code));
}

/** The units of a survey this person may see (the office all; 分管领导 theirs; a head or 联络员 their own), or the refusal. */
export async function viewScope(ctx: Ctx, s: SurveyInfo): Promise<'all' | number[]> {
  const me = ctx.requireMember();
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison });
  const scope = surveyScope(s, ctx.role, visible);
  if (!scope) throw new UserError(surveyReplies.noneVisible());
  return scope;
}

/** A unit of the survey by name (the directory's, then checked against the survey). */
export async function surveyUnit(ctx: Ctx, s: SurveyInfo, name: string): Promise<{ id: number; name: string }> {
  const u = await ctx.resolveUnit(name);
  const inIt = s.units.find((x) => x.id === u.id);
  if (!inIt) throw new UserError(surveyMessages['survey.unit_not_in']({ ref: s.code, units: s.units.map((x) => x.name) }));
  return { id: inIt.id, name: inIt.name };
}

export function surveyGroup(s: SurveyInfo, name: string): string {
  const g = s.groups.find((x) => x.name === name.trim());
  if (!g) throw new UserError(surveyMessages['survey.group_unknown']({ group: name.trim(), groups: s.groups.map((x) => x.name) }));
  return g.name;
}

/** Split 「县人民医院、县中医院」 into names. */
export const splitNames = (text: string) => text.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean);

/** The public page of a unit and group: /s/<survey>-<unit>-<group index>. */
export function publicPath(s: Pick<SurveyInfo, 'id' | 'groups'>, unitId: number, group: string): string {
  return `/s/${s.id}-${unitId}-${Math.max(0, s.groups.findIndex((g) => g.name === group))}`;
}
export function publicLink(base: string | null, s: Pick<SurveyInfo, 'id' | 'groups'>, unitId: number, group: string): string | null {
  return base ? `${base}${publicPath(s, unitId, group)}` : null;
}
