// What the 案例 and 制度 commands share: the section, who is looking, an item as the replies name
// it, and one submit/list/show/decide per kind (案例 and 制度 differ only in their words and roles).
import type { Ctx } from '../../src/commands/context.ts';
import { UserError } from '../../src/commands/errors.ts';
import { keepAttachments } from '../../src/commands/attachment-replies.ts';
import { ATTACH_WINDOW_MS } from '../../src/domain/attachments.ts';
import {
  caseBySeq, caseFiles, checkDecision, decideCase, listCases, MAX_CASE_TEXT, MAX_CASE_TITLE, parseCaseRef, seesCase, submitCase,
  type CaseDecision, type CaseKind, type CaseStatus, type CaseView, type CaseViewer,
} from '../../src/domain/cases.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { notifyAdmins } from '../../src/domain/notify-admins.ts';
import { caseDecisionWords, caseReplies, CASE_STATUS_CN, type CaseItem } from '../../src/domain/messages/cases.ts';
import { dayOf } from '../../src/time.ts';

export const SECTION = '典型案例与制度';

/** The person asking, as the cases' visibility sees them. */
export async function viewerOf(ctx: Ctx): Promise<CaseViewer> {
  const me = ctx.requireMember();
  const role = ctx.role as string;
  return { role, id: me.id, unitId: me.unitId, liaison: me.liaison, visible: await visibleUnits(ctx.tx, { role, id: me.id, unitId: me.unitId, liaison: me.liaison }) };
}

export const itemOf = (x: CaseView): CaseItem => ({
  code: x.code, kind: x.kind as CaseKind, status: x.status as CaseStatus, title: x.title, content: x.content, unitName: x.unitName, memberName: x.memberName,
  createdOn: dayOf(x.createdAt), files: x.files, comment: x.comment, deciderName: x.deciderName, decidedOn: x.decidedAt ? dayOf(x.decidedAt) : null,
  circularPeriod: x.circularPeriod,
});

/** 案例 提交 / 制度 提交: the title is the first word, the rest the content; photos and files sent with it are kept with it. */
export async function submit(ctx: Ctx, kind: CaseKind, title: string | undefined, content: string | undefined): Promise<string> {
  const me = ctx.requireMember();
  const withFiles = ctx.attachments.length > 0;
  if (!title) throw new UserError(caseReplies.submitEmpty({ kind }));
  if ([...title].length > MAX_CASE_TITLE) throw new UserError(caseReplies.titleTooLong({ kind, max: MAX_CASE_TITLE }));
  const text = (content ?? '').trim();
  if (!text && !withFiles) throw new UserError(caseReplies.contentMissing({ kind, title }));
  if ([...text].length > MAX_CASE_TEXT) throw new UserError(caseReplies.contentTooLong({ max: MAX_CASE_TEXT }));
  const row = await submitCase(ctx.tx, {
    kind, campaignId: ctx.campaign?.id ?? null, unitId: me.unitId, member: { id: me.id, name: me.name }, title, content: text,
    platform: ctx.session.platform, now: ctx.now,
  });
  const attached = await keepAttachments(ctx, { caseId: row.id });
  await notifyAdmins(ctx.tx, `${kind}-new:${row.id}`, caseReplies.submittedNotice({ ...itemOf(row), kind }),
    { except: me.id, enqueue: ctx.notify });
  return caseReplies.submitted({ kind, code: row.code, title, unitName: row.unitName, attached, windowMinutes: ATTACH_WINDOW_MS / 60_000 });
}

/** 列表 [状态|单位]: the newest 20 this person sees. */
export async function list(ctx: Ctx, kind: CaseKind, filter: string | undefined, statusWords: Record<string, CaseStatus[]>): Promise<string> {
  const me = ctx.requireMember();
  const v = await viewerOf(ctx);
  let statuses: CaseStatus[] | undefined;
  let unitId: number | undefined;
  if (filter) {
    if (statusWords[filter]) statuses = statusWords[filter];
    else {
      let unit;
      try { unit = await ctx.resolveUnit(filter); } catch { throw new UserError(caseReplies.listFilterUnknown({ kind, text: filter })); }
      if (v.role !== 'admin' && !seesCase(v, { unitId: unit.id, memberId: -1 })) {
        throw new UserError(caseReplies.listOtherUnit({ role: v.role, ownUnit: me.unitName, unit: unit.name }));
      }
      unitId = unit.id;
    }
  }
  const rows = await listCases(ctx.tx, v, { kind, statuses, unitId });
  const own = v.role === 'staff' && !v.liaison;
  if (!rows.length) return caseReplies.listEmpty({ kind, filter: filter ?? null, own });
  return caseReplies.list({ kind, total: rows.length, items: rows.slice(0, 20).map(itemOf), filter: filter ?? null, today: ctx.today });
}

/** A case or rule this person may see, by its number. */
export async function visibleCase(ctx: Ctx, kind: CaseKind, code: string): Promise<CaseView> {
  const x = await caseBySeq(ctx.tx, kind, parseCaseRef(kind, code));
  const v = await viewerOf(ctx);
  if (!seesCase(v, x)) throw new UserError(caseReplies.showOtherUnit({ code: x.code, role: v.role, ownUnit: ctx.requireMember().unitName }));
  return x;
}

export async function show(ctx: Ctx, kind: CaseKind, code: string): Promise<string> {
  const x = await visibleCase(ctx, kind, code);
  const files = await caseFiles(ctx.tx, [x.id]);
  return caseReplies.show({ item: itemOf(x), fileKinds: files, today: ctx.today });
}

/** The office's decision, before 确认: checked, previewed in the words the sender will get. */
export async function propose(ctx: Ctx, kind: CaseKind, code: string, d: CaseDecision, comment: string | null) {
  const x = await caseBySeq(ctx.tx, kind, parseCaseRef(kind, code));
  checkDecision(x, d, comment);
  const preview = caseDecisionWords.preview({ d, code: x.code, title: x.title, unitName: x.unitName, memberName: x.memberName, comment });
  return { preview, payload: { seq: x.seq, comment } };
}

/** After 确认: decided (checked again), the sender told. */
export async function decide(ctx: Ctx, kind: CaseKind, seq: number, d: CaseDecision, comment: string | null): Promise<string> {
  const me = ctx.requireMember();
  const x = await decideCase(ctx.tx, await caseBySeq(ctx.tx, kind, seq), d, comment, { id: me.id, label: me.name }, ctx.now);
  const notice = caseDecisionWords.notice({ d, code: x.code, title: x.title, comment });
  if (x.memberId !== me.id) await ctx.notify(`${kind}-${d}:${x.id}`, { memberId: x.memberId }, notice);
  return caseDecisionWords.done({ d, code: x.code });
}

/** The office's 点评 / 意见 / 原因 as typed, with or without its label (点评：…); null when empty. */
export const commentOf = (raw: string, label: RegExp): string | null => raw.trim().replace(label, '').trim() || null;

/** The list filters as people write them. */
export const CASE_FILTERS: Record<string, CaseStatus[]> = {
  待选: ['submitted'], 待选用: ['submitted'], 未处理: ['submitted'], 待处理: ['submitted'],
  已选用: ['selected'], 选用: ['selected'], 已选: ['selected'],
  不选用: ['declined'], 未选用: ['declined'],
};
export const RULE_FILTERS: Record<string, CaseStatus[]> = {
  已记录: ['recorded'], 有效: ['recorded'], 已退回: ['returned'], 退回: ['returned'],
};
export { CASE_STATUS_CN };
