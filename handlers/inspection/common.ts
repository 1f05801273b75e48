// What the 督查 commands and the console share: loading a round by its code in the current
// campaign, who may see or record what, and turning a finding into a ledger item (for chat's
// 督查 发现 … 转整改 and 督查 转整改 alike).
import type { Ctx } from '../../src/commands/context.ts';
import type { Tx } from '../../src/db/client.ts';
import { UserError } from '../../src/commands/errors.ts';
import type { CampaignRow } from '../../src/domain/campaigns.ts';
import { headsOf, leadersOfUnit } from '../../src/domain/directory.ts';
import { campaignCategories } from '../../src/domain/ledger-import.ts';
import { linkLeader, rectCode, rectFromFinding, validateRect, type NewRect } from '../../src/domain/rectification.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import {
  findingById, mayRecord, parseRoundCode, roundBySeq, roundScope, type FindingInfo, type RoundInfo,
} from '../../src/domain/inspections.ts';
import { inspectionReplies, type MadeRect } from '../../src/domain/messages/inspections.ts';
import type { Actor } from '../../src/domain/audit.ts';

export const SECTION = '督查';

/** The current campaign's round named by its code (DC-01). */
export async function loadRound(ctx: Ctx, code: string): Promise<RoundInfo> {
  const c = ctx.requireCampaign();
  return roundBySeq(ctx.tx, c.id, parseRoundCode(code));
}

/** The units of the round this person may see, or the refusal in their terms. */
export async function viewScope(ctx: Ctx, r: RoundInfo): Promise<'all' | number[]> {
  const me = ctx.requireMember();
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison });
  const scope = roundScope(r, { id: me.id, role: ctx.role }, visible);
  if (scope) return scope;
  if (ctx.role === 'head' || me.liaison) throw new UserError(inspectionReplies.viewHeadOtherUnit({ code: r.code, ownUnit: me.unitName }));
  if (ctx.role === 'leader') throw new UserError(inspectionReplies.viewLeaderNotInCharge({ code: r.code }));
  throw new UserError(inspectionReplies.viewStaffRefused());
}

/** Refuses anyone but the round's leaders and the office. */
export function assertRecorder(ctx: Ctx, r: RoundInfo) {
  const me = ctx.requireMember();
  if (!mayRecord(r, { id: me.id, role: ctx.role })) throw new UserError(inspectionReplies.notLeader({ code: r.code, leaders: r.leaders }));
}

/** Split 「县人民医院、县中医院」 or 「刘局长，王主任」 into names. */
export const splitNames = (text: string) => text.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean);

/** What 转整改 is told: 措施, 时限 and, optionally, the problem's wording, 分管领导, 类别, 期限. */
export interface ToRect { measures?: string; deadline?: string; leader?: string; problem?: string; category?: string; term?: string }

/** Whoever writes: chat's context or the console's actAs, as far as making an item needs. */
export interface Writer {
  tx: Tx;
  today: string;
  campaign: CampaignRow | null;
  actor: Actor;
  /** Not the person writing: they are told in the reply. */
  actorId: number;
  notify(key: string, to: { memberId: number }, text: string): Promise<unknown>;
}

/** The item (五落实) a finding becomes: its problem unless worded again, the unit's 分管领导 unless named (else the recorder). */
export async function newRectFromFinding(w: Writer, f: FindingInfo, t: ToRect): Promise<NewRect> {
  if (!t.measures?.trim() || !t.deadline) throw new UserError(inspectionReplies.toRectNeeds());
  let leaderName = t.leader?.trim();
  if (!leaderName) {
    const inCharge = await leadersOfUnit(w.tx, f.unitId);
    leaderName = inCharge.length ? inCharge.map((l) => l.name).join('、') : f.recorder;
  }
  const n: NewRect = {
    campaignId: f.campaignId, kind: 'item', unitId: f.unitId, problem: (t.problem ?? f.content).trim(), measures: t.measures.trim(),
    leaderName, leaderMemberId: await linkLeader(w.tx, leaderName), ownerMemberId: null,
    deadline: t.deadline, category: t.category?.trim() || null, term: t.term ?? null,
  };
  validateRect(n, w.today, campaignCategories(w.campaign));
  return n;
}

/** Makes the ledger item from the finding (the link both ways) and tells the unit's heads. */
export async function findingToRect(w: Writer, f: FindingInfo, t: ToRect): Promise<MadeRect> {
  const n = await newRectFromFinding(w, f, t);
  const row = await rectFromFinding(w.tx, { id: f.id, code: f.code }, n, w.actor);
  const made: MadeRect = { code: rectCode(row.id), leaderName: row.leaderName, measures: row.measures, deadline: row.deadline };
  for (const h of await headsOf(w.tx, f.unitId)) {
    if (h.id === w.actorId) continue;
    await w.notify(`rect-new:${row.id}:${h.id}`, { memberId: h.id },
      inspectionReplies.toRectNotice({ round: f.roundCode, finding: f.code, unitName: f.unitName, problem: row.problem, rect: made, today: w.today }));
  }
  return made;
}

/** Chat's context as a Writer. */
export function writerOf(ctx: Ctx): Writer {
  const me = ctx.requireMember();
  return { tx: ctx.tx, today: ctx.today, campaign: ctx.campaign, actor: { id: me.id, label: me.name }, actorId: me.id, notify: ctx.notify };
}

/** A finding of the current campaign, by its code. */
export async function loadFinding(ctx: Ctx, id: number): Promise<FindingInfo> {
  const f = await findingById(ctx.tx, id);
  const c = ctx.requireCampaign();
  if (f.campaignId !== c.id) throw new UserError(inspectionReplies.findingOtherCampaign({ code: f.code }));
  return f;
}
