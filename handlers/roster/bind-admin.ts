// Admin side of 绑定: requests for 负责人/分管领导/管理员 wait here, and people locked after too
// many failed attempts are unlocked here.
import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import { memberById, type MemberRow } from '../../src/domain/directory.ts';
import {
  approvalBlocker, approveRequest, bindRequestById, isLocked, pendingRequests, platformCn, rejectRequest, STATUS_CN, unlockMember,
  type RequestRow,
} from '../../src/domain/binding.ts';
import { ROLE_CN, type Role } from '../../src/domain/roles.ts';
import { cn } from '../../src/time.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { rowId, z } from '../../src/commands/payload.ts';

const requestLine = (r: RequestRow, m: MemberRow | null) =>
  `${platformCn(r.platform)}账号「${r.platformUserId}」→ ${m ? `${m.unitName} ${m.name}（${ROLE_CN[m.role as Role]}）` : '（已不在名单中）'}，申请于 ${cn(r.createdAt).format('M月D日 HH:mm')}`;

/** A request named by its number (3 or #3), still pending. */
async function pendingRequest(ctx: Ctx, text: string): Promise<{ r: RequestRow; m: MemberRow | null }> {
  const n = /^[#＃]?(\d{1,10})$/.exec(text.trim());
  const r = n ? await bindRequestById(ctx.tx, Number(n[1])) : null;
  if (!r) throw new UserError(`没有编号为「${text}」的绑定申请。发送「/绑定 待审」查看待审核的申请。`);
  if (r.status !== 'pending') throw new UserError(`绑定申请 #${r.id} ${STATUS_CN[r.status] ?? r.status}，无需再处理。`);
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
    if (!list.length) return '没有待审核的绑定申请。';
    const lines = [`待审核的绑定申请 ${list.length} 条：`];
    for (const r of list) {
      const locked = await isLocked(ctx.tx, r.member.id) ? '（此人因多次绑定失败已锁定）' : '';
      lines.push(`#${r.id} ${requestLine(r, r.member)}${locked}`);
    }
    lines.push('请先与本人核实（电话或当面），再回复「/绑定 通过 编号」或「/绑定 拒绝 编号 原因」。');
    return lines.join('\n');
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
    if (blocker) throw new UserError(`绑定申请 #${r.id} 不能通过：${blocker}可用「/绑定 拒绝 ${r.id}」关闭它。`);
    const locked = await isLocked(ctx.tx, m!.id) ? `\n注意：${m!.name} 因多次绑定失败已被锁定，请确认申请人确是本人。` : '';
    return {
      preview: `将通过绑定申请 #${r.id}：${requestLine(r, m)}。\n通过后，该账号即以${m!.name}的身份和${ROLE_CN[m!.role as Role]}权限使用。${locked}`,
      payload: { id: r.id },
    };
  },
  payload: z.object({ id: rowId }),
  async commit(ctx, p) {
    const { r, m } = await pendingRequest(ctx, String(p.id));
    const blocker = await approvalBlocker(ctx.tx, r, m);
    if (blocker) throw new UserError(`绑定申请 #${r.id} 不能通过：${blocker}`);
    await approveRequest(ctx.tx, r, m!, ctx.requireMember(), ctx.now, ctx.notify);
    return `已通过绑定申请 #${r.id}：${platformCn(r.platform)}账号「${r.platformUserId}」已绑定为 ${m!.unitName} ${m!.name}。已通知本人。`;
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
    return { preview: `将拒绝绑定申请 #${r.id}：${requestLine(r, m)}${why ? `。原因：${why}` : ''}。`, payload: { id: r.id, reason: why } };
  },
  payload: z.object({ id: rowId, reason: z.string().nullable() }),
  async commit(ctx, p) {
    const { r, m } = await pendingRequest(ctx, String(p.id));
    await rejectRequest(ctx.tx, r, m, ctx.requireMember(), p.reason, ctx.now, ctx.notify);
    return `已拒绝绑定申请 #${r.id}。申请人再发「绑定」时会看到结果${p.reason ? '和原因' : ''}。`;
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
    if (!await isLocked(ctx.tx, member.id)) throw new UserError(`${member.unitName} ${member.name} 没有被锁定。`);
    return {
      preview: `将解除对 ${member.unitName} ${member.name} 的绑定锁定，此前以其名义的失败次数清零。\n请先确认是本人需要绑定；如是有人冒用，建议保持锁定，由管理员直接在名单中登记其账号。`,
      payload: { memberId: member.id },
    };
  },
  payload: z.object({ memberId: rowId }),
  async commit(ctx, p) {
    const m = await memberById(ctx.tx, p.memberId);
    if (!m) throw new UserError('此人已不在名单中。');
    if (!await unlockMember(ctx.tx, m, ctx.requireMember())) return `${m.unitName} ${m.name} 已不在锁定状态，无需解锁。`;
    return `已解除对 ${m.unitName} ${m.name} 的绑定锁定。`;
  },
});

export const bindAdminCommands = [bindPending, bindApprove, bindReject, bindUnlock];
