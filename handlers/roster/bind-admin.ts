// Admin side of 绑定: requests for 负责人/分管领导/管理员 wait here, and people locked after too
// many failed attempts are unlocked here.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { memberById, type MemberRow } from '../../src/domain/directory.ts';
import {
  approvalBlocker, approveRequest, bindRequestById, isLocked, pendingRequests, rejectRequest, unlockMember, type RequestRow,
} from '../../src/domain/binding.ts';
import { rosterReplies } from '../../src/domain/messages/directory.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { rowId, z } from '../../src/commands/payload.ts';

/** A request named by its number (3 or #3), still pending. */
async function pendingRequest(ctx: Ctx, text: string): Promise<{ r: RequestRow; m: MemberRow | null }> {
  const n = /^[#＃]?(\d{1,10})$/.exec(text.trim());
  const r = n ? await bindRequestById(ctx.tx, Number(n[1])) : null;
  if (!r) throw new UserError(rosterReplies.requestUnknown({ text }));
  if (r.status !== 'pending') throw new UserError(rosterReplies.requestSettled({ id: r.id, status: r.status }));
  return { r, m: await memberById(ctx.tx, r.memberId) };
}

export const bindPending = defineCommand({
  name: 'bind.pending',
  keywords: [['绑定', '待审'], ['绑定', '申请']],
  english: [['bind', 'pending']],
  summary: '列出等待审核的绑定申请（绑定为负责人、分管领导、管理员需审核）',
  section: '管理',
  slash: true,
  roles: [],
  args: [],
  examples: ['/绑定 待审'],
  async run(ctx) {
    const list = await pendingRequests(ctx.tx);
    if (!list.length) return rosterReplies.noPendingRequests();
    const requests = [];
    for (const r of list) requests.push({ ...r, locked: await isLocked(ctx.tx, r.member.id) });
    return rosterReplies.pendingRequests({ requests });
  },
});

export const bindApprove = defineCommand({
  name: 'bind.approve',
  keywords: [['绑定', '通过']],
  english: [['bind', 'approve']],
  summary: '通过一条绑定申请：该账号即以此人的身份和角色使用',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'id', label: '编号', type: 'word' }],
  examples: ['/绑定 通过 1'],
  async run(ctx, { id }) {
    const { r, m } = await pendingRequest(ctx, id);
    const blocker = await approvalBlocker(ctx.tx, r, m);
    if (blocker) throw new UserError(rosterReplies.approveBlocked({ id: r.id, blocker, offerReject: true }));
    // No blocker: the person is on the 名单.
    const preview = rosterReplies.approvePreview({ request: r, member: m!, locked: await isLocked(ctx.tx, m!.id) });
    return { preview, payload: { id: r.id } };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, p) {
    const { r, m } = await pendingRequest(ctx, String(p.id));
    const blocker = await approvalBlocker(ctx.tx, r, m);
    if (blocker) throw new UserError(rosterReplies.approveBlocked({ id: r.id, blocker, offerReject: false }));
    await approveRequest(ctx.tx, r, m!, ctx.requireMember(), ctx.now, ctx.notify);
    return rosterReplies.approved({ request: r, member: m! });
  },
});

export const bindReject = defineCommand({
  name: 'bind.reject',
  keywords: [['绑定', '拒绝']],
  english: [['bind', 'reject']],
  summary: '拒绝一条绑定申请（可写原因，申请人再发「绑定」时会看到）',
  section: '管理',
  slash: true,
  roles: [],
  args: [
    { name: 'id', label: '编号', type: 'word' },
    { name: 'reason', label: '原因', type: 'rest', optional: true },
  ],
  examples: ['/绑定 拒绝 1 未能与本人核实'],
  async run(ctx, { id, reason }) {
    const { r, m } = await pendingRequest(ctx, id);
    const why = reason?.trim().slice(0, 200) || null;
    return { preview: rosterReplies.rejectPreview({ request: r, member: m, reason: why }), payload: { id: r.id, reason: why } };
  },
  payload: z.object({ id: rowId, reason: z.string().nullable() }),
  async commit(ctx, p) {
    const { r, m } = await pendingRequest(ctx, String(p.id));
    await rejectRequest(ctx.tx, r, m, ctx.requireMember(), p.reason, ctx.now, ctx.notify);
    return rosterReplies.rejected({ id: r.id, withReason: !!p.reason });
  },
});

export const bindUnlock = defineCommand({
  name: 'bind.unlock',
  keywords: [['绑定', '解锁']],
  english: [['bind', 'unlock']],
  summary: '解除因多次绑定失败而对某人的锁定',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'member', label: '姓名', type: 'member' }],
  examples: ['/绑定 解锁 县人民医院/张三'],
  async run(ctx, { member }) {
    if (!await isLocked(ctx.tx, member.id)) throw new UserError(rosterReplies.notLocked(member));
    return { preview: rosterReplies.unlockPreview(member), payload: { memberId: member.id } };
  },
  payload: z.object({ memberId: rowId }),
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m) throw new UserError(rosterReplies.memberGone());
    if (!await unlockMember(ctx.tx, m, ctx.requireMember())) return rosterReplies.noLongerLocked(m);
    return rosterReplies.unlocked(m);
  },
});

export const bindAdminCommands = [bindPending, bindApprove, bindReject, bindUnlock];
