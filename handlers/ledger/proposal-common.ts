// What the 问题清单 commands share (整改 上报, 待审核 / 上报 列表, 通过, 退回 SB-…, 重报, 查看 SB-…):
// loading a proposal by its code, who may see it, reading a 问题清单 file sent to the bot, and
// sending what was checked.
import type { Ctx, Proposal as Proposed } from '../../src/commands/types.ts';
import { UserError } from '../../src/commands/errors.ts';
import { readTableData } from '../../src/directory-file/read-table.ts';
import type { AcceptedAttachment } from '../../src/domain/attachments.ts';
import { seesUnit, visibleUnits } from '../../src/domain/visibility.ts';
import {
  looksLikeProblemList, missingProblemListHeaders, parseProposalCode, problemListHeaders, proposalById, proposalCode, sendProblems,
  validateProblemRows, type Proposal, type ProblemDraft,
} from '../../src/domain/problem-lists.ts';
import { problemListReplies } from '../../src/domain/messages/problem-lists.ts';
import { rowId, z } from '../../src/commands/payload.ts';
import { headsOf } from '../../src/domain/directory.ts';
import { actorOf, categoriesOf, notifyAdmins } from './rect-common.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const isSpreadsheet = (a: AcceptedAttachment) => a.mime === XLSX;

export async function loadProposal(ctx: Ctx, code: string | number): Promise<Proposal> {
  return proposalById(ctx.tx, typeof code === 'number' ? code : parseProposalCode(code));
}

/** Who may read a proposal: admins, its unit's head and 联络员, leaders in charge of its unit. */
export async function assertCanViewProposal(ctx: Ctx, p: Proposal) {
  if (ctx.role === 'admin') return;
  const me = ctx.requireMember();
  if (seesUnit(await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId, liaison: me.liaison }), p.unitId)) return;
  const item = { code: proposalCode(p.id), unitName: p.unitName };
  if (ctx.role === 'leader') throw new UserError(problemListReplies.viewLeaderNotInCharge(item));
  throw new UserError(problemListReplies.viewHeadOtherUnit({ ...item, ownUnit: me.unitName }));
}

// ---------------------------------------------------------------- a 问题清单 file

const draftSchema = z.object({
  line: z.number().int().nullable(), problem: z.string(), measures: z.string(), deadline: z.string(),
  ownerName: z.string().nullable(), ownerMemberId: rowId.nullable(), category: z.string().nullable(),
}) satisfies z.ZodType<ProblemDraft>;
export const sendPayload = z.object({ unitId: rowId, unitName: z.string(), fileName: z.string().nullable(), items: z.array(draftSchema).min(1) });
export type SendPayload = z.infer<typeof sendPayload>;

/** A file's name as the replies show it (platforms may not carry one). */
const fileNameOf = (a: AcceptedAttachment) => a.name?.trim() || null;

/**
 * A 问题清单 file: every row checked for the sender's unit (a bad row refuses the whole file, by
 * line), then the preview 确认 sends. `strict`: the person said 整改 上报, so a file that cannot be
 * read or lacks headers is refused in words; otherwise (a file sent alone) such a file is not ours (null).
 */
export async function fileProposal(ctx: Ctx, file: AcceptedAttachment, strict: boolean): Promise<Proposed<SendPayload> | null> {
  let table;
  try {
    // The bytes are an xlsx (by their first bytes); a platform's name may lack the extension.
    table = await readTableData(file.data, /\.xlsx$/i.test(file.name ?? '') ? file.name! : 'file.xlsx');
  } catch (err) {
    if (!strict) return null;
    throw new UserError(problemListReplies.fileUnreadable({ why: (err as Error).message }));
  }
  if (!strict && !looksLikeProblemList(table.headers)) return null;
  const missing = missingProblemListHeaders(table.headers);
  if (missing.length) throw new UserError(problemListReplies.fileMissingHeaders({ missing, headers: problemListHeaders() }));
  const me = ctx.requireMember();
  const unit = { id: me.unitId, name: me.unitName };
  const items = await validateProblemRows(ctx.tx, table.rows, { now: ctx.now, today: ctx.today, unit, categories: categoriesOf(ctx) });
  const fileName = fileNameOf(file);
  return {
    preview: problemListReplies.filePreview({ unitName: unit.name, fileName, items, today: ctx.today }),
    payload: { unitId: unit.id, unitName: unit.name, fileName, items },
  };
}

/** Send checked problems as the sender's unit's proposals; the admins told once. The reply. */
export async function sendAndTell(ctx: Ctx, p: SendPayload): Promise<string> {
  const me = ctx.requireMember();
  const rows = await sendProblems(ctx.tx, p.items, { memberId: me.id, unitId: p.unitId, campaignId: ctx.campaign?.id ?? null, fileName: p.fileName }, actorOf(ctx), ctx.now);
  const codes = rows.map((r) => proposalCode(r.id));
  await notifyAdmins(ctx, `proposal-new:${rows[0].id}`, problemListReplies.sentNotice({ unitName: p.unitName, sender: me.name, codes, fileName: p.fileName }));
  return problemListReplies.sent({ codes, unitName: p.unitName });
}

/** Who hears that a proposal was approved: its sender and the unit's heads (not whoever approved it). */
export async function approvalAudience(tx: Parameters<typeof headsOf>[0], unitId: number, senderId: number, except: number | undefined): Promise<number[]> {
  const to = new Set([senderId, ...(await headsOf(tx, unitId)).map((h) => h.id)]);
  return [...to].filter((id) => id !== except);
}
