// /群 绑定webhook 群名 企业微信 KEY | /群 绑定webhook 群名 钉钉 WEBHOOK地址 [加签密钥]
// /群 解绑webhook 群名
// A webhook key or secret lets anyone post into the group, so: admins only, only in a private
// chat, and the key is never echoed (previews, replies, audit entries show ****abcd only).
//
// The command is marked sensitive, so a refusal is audited without the message text.
import { defineCommand } from '../../src/commands/registry.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { UserError } from '../../src/commands/errors.ts';
import { allGroups, groupByChat, groupById, setGroupWebhook, type GroupRow } from '../../src/domain/groups.ts';
import { normalizeText, tokenize } from '../../src/parse/normalize.ts';
import { maskSecret } from '../../src/infra/mask-secret.ts';
import type { PlatformCatalog } from '../../src/platform-catalog.ts';
import { rowId, z } from '../../src/commands/payload.ts';

const usageOf = (platforms: PlatformCatalog) => [
  '用法（请私聊我发送）：',
  ...platforms.webhookKinds.map((k) => `  ${k.usage}`),
  '群名以「/群 列表」为准；KEY 是群机器人 webhook 地址里 key= 后面的部分（也可以整段粘贴地址）。',
].join('\n');

/** How a bound webhook is shown (never the whole key); an unknown kind only masked. */
function describeWebhook(platforms: PlatformCatalog, kind: string, url: string, secret?: string | null): string {
  return platforms.webhookKind(kind)?.describe(url, secret) ?? `webhook（${maskSecret(url)}）`;
}

/** Something that looks like a key, token, URL or secret is never echoed back, even by mistake. */
function safeEcho(s: string): string {
  if (/^https?:\/\//i.test(s) || /^SEC[0-9a-z]{8,}/i.test(s) || /^[A-Za-z0-9_=+/-]{20,}$/.test(s)) return maskSecret(s) || '****';
  return s;
}

function groupLabel(ctx: Ctx, g: GroupRow): string {
  return `「${g.name ?? g.chatId}」（${ctx.platforms.label(g.platform)}）`;
}

/** A group by its remembered name (as /群 列表 shows it), or by its chat id. */
export async function findGroupByName(ctx: Ctx, name: string): Promise<GroupRow> {
  const all = await allGroups(ctx.tx);
  const wanted = normalizeText(name);
  let found = all.filter((g) => g.name !== null && normalizeText(g.name) === wanted);
  if (!found.length) found = all.filter((g) => g.chatId === name);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new UserError([`有 ${found.length} 个群都叫「${wanted}」：`,
      ...found.map((g) => `· ${ctx.platforms.label(g.platform)}，群 ID：${g.chatId}`),
      '请把群名换成上面的群 ID 再发一次；或先在群里把群名改得不同，再 @我 说一句话让我记住新名字。'].join('\n'));
  }
  if (!all.length) throw new UserError('我还不知道任何群：先把机器人拉进群，并在群里 @我 说一句话，群就会被记住。');
  const similar = all.filter((g) => g.name && (normalizeText(g.name).includes(wanted) || wanted.includes(normalizeText(g.name))));
  throw new UserError([
    `没有叫「${safeEcho(wanted)}」的群。`,
    similar.length ? `你是不是指：${similar.slice(0, 5).map((g) => `「${g.name}」`).join('、')}？` : '',
    '发「/群 列表」查看我所在的群（群名以列表为准；没有群名的群用列表里的群 ID）。',
  ].filter(Boolean).join('\n'));
}

const bindSchema = z.object({ groupId: rowId, kind: z.string(), url: z.string(), secret: z.string().nullable(), shown: z.string() });
type BindPayload = z.infer<typeof bindSchema>;

export const groupWebhookBind = defineCommand({
  name: 'group.webhook.bind',
  keywords: [['群', '绑定webhook'], ['群', '绑定', 'webhook']],
  english: [['group', 'webhook', 'bind']],
  summary: '（管理员，私聊）给群绑定企业微信群机器人或钉钉自定义机器人，推送经它发到群里',
  section: '管理',
  slash: true,
  sensitive: true,
  roles: [],
  args: [{ name: 'rest', label: '群名 平台 KEY或地址 [密钥]', type: 'rest', optional: true }],
  examples: ['/群 绑定webhook 全院群 企业微信 693a91f6-xxxx-xxxx-xxxx-0ec2xxxxxxxx', '/群 绑定webhook 全院群 钉钉 https://oapi.dingtalk.com/robot/send?access_token=… SEC…'],
  async run(ctx, { rest }) {
    if (ctx.session.chatType !== 'direct') {
      return '为了安全，webhook 的 key 和密钥不能发在群里（群里的人都能看到，拿到就能往群里发消息）。请私聊我发送这条命令。\n'
        + '如果刚才的消息里已经带了 key 或密钥，建议先到群机器人的设置里重置 webhook 地址/密钥，再私聊绑定新的。';
    }
    const usage = usageOf(ctx.platforms);
    const tokens = tokenize(rest ?? '');
    if (tokens.length < 3) return `缺少参数。\n${usage}`;
    if (tokens.length > 4) return `参数太多了。\n${usage}`;
    const [name, kindWord, value, secret] = tokens;
    const kind = ctx.platforms.webhookKind(kindWord);
    if (!kind) return `平台只能是${ctx.platforms.webhookKinds.map((k) => `「${ctx.platforms.label(k.kind)}」`).join('或')}，请按顺序写：群名 平台 KEY。\n${usage}`;
    const g = await findGroupByName(ctx, name);
    if (g.platform !== 'console' && g.platform !== kind.kind) {
      return `群${groupLabel(ctx, g)}是${ctx.platforms.label(g.platform)}的群，不能绑定${ctx.platforms.label(kind.kind)}的机器人。`;
    }
    const parsed = kind.parse(value, secret);
    if ('error' in parsed) throw new UserError(parsed.withUsage ? `${parsed.error}\n${usage}` : parsed.error);
    const payload: BindPayload = { groupId: g.id, kind: kind.kind, url: parsed.url, secret: parsed.secret, shown: kind.describe(parsed.url, parsed.secret) };
    const lines = [`将为群${groupLabel(ctx, g)}绑定${payload.shown}。`,
      '绑定后，发到这个群的推送（公告、通报、提醒）都经这个机器人发出（每分钟最多 20 条），并立即发一条测试消息到群里。'];
    if (g.webhookKind && g.webhookUrl) lines.push(`将替换原来的${describeWebhook(ctx.platforms, g.webhookKind, g.webhookUrl, g.webhookSecret)}。`);
    const note = kind.previewNote?.(payload.secret);
    if (note) lines.push(note);
    return { preview: lines.join('\n'), payload };
  },
  payload: bindSchema,
  async commit(ctx, p) {
    // The role is checked again: the dispatcher's own check admits everyone for this command.
    if (ctx.role !== 'admin') return '「群 绑定webhook」仅限管理员使用。';
    const before = await groupById(ctx.tx, p.groupId);
    if (!before) throw new UserError('这个群已不在记录中，请发「/群 列表」查看后重新绑定。');
    await setGroupWebhook(ctx.tx, p.groupId, { kind: p.kind, url: p.url, secret: p.secret });
    // Only the kind and the masked form: the audit trail is readable by more people than the key should be.
    await ctx.audit('group.webhook.bind', before.name ?? before.chatId,
      before.webhookKind && before.webhookUrl ? { kind: before.webhookKind, webhook: describeWebhook(ctx.platforms, before.webhookKind, before.webhookUrl, before.webhookSecret) } : null,
      { kind: p.kind, webhook: p.shown });
    await ctx.notify(`webhook-bound:${p.groupId}:${ctx.now.getTime()}`, { groupId: p.groupId },
      '✅ 本群已接入学习助手的推送，今后的公告、通报和提醒会发到这里。');
    return `已绑定：群${groupLabel(ctx, before)}今后通过${p.shown}推送。\n已向群里发了一条测试消息；如果群里没收到，发「/推送 状态」查看原因。`;
  },
});

interface UnbindPayload { groupId: number }

export const groupWebhookUnbind = defineCommand({
  name: 'group.webhook.unbind',
  keywords: [['群', '解绑webhook'], ['群', '解绑', 'webhook']],
  english: [['group', 'webhook', 'unbind']],
  summary: '解除群绑定的 webhook 机器人（绑定：私聊发「/群 绑定webhook 群名 企业微信 KEY」或「/群 绑定webhook 群名 钉钉 地址 [密钥]」）',
  section: '管理',
  slash: true,
  roles: [],
  args: [{ name: 'group', label: '群名', type: 'rest', optional: true }],
  examples: ['/群 解绑webhook 全院群', '/群 绑定webhook 全院群 企业微信 KEY（私聊发送）'],
  async run(ctx, { group }) {
    let g: GroupRow;
    if (group) g = await findGroupByName(ctx, group);
    else if (ctx.session.chatType === 'group') {
      const here = await groupByChat(ctx.tx, ctx.session.platform, ctx.session.chatId);
      if (!here) throw new UserError('没有找到这个群，请写上群名：/群 解绑webhook 群名');
      g = here;
    } else {
      throw new UserError('请写上群名：/群 解绑webhook 群名（群名以「/群 列表」为准）。');
    }
    if (!g.webhookKind || !g.webhookUrl) return `群${groupLabel(ctx, g)}没有绑定 webhook 机器人。`;
    return {
      preview: `将解除群${groupLabel(ctx, g)}的${describeWebhook(ctx.platforms, g.webhookKind, g.webhookUrl, g.webhookSecret)}，之后发到该群的推送改由${ctx.platforms.label(g.platform)}机器人自己发送（需已配置该平台）。`,
      payload: { groupId: g.id } satisfies UnbindPayload,
    };
  },
  payload: z.object({ groupId: rowId }),
  async commit(ctx, p) {
    const before = await groupById(ctx.tx, p.groupId);
    if (!before) throw new UserError('这个群已不在记录中。');
    if (!before.webhookKind || !before.webhookUrl) return `群${groupLabel(ctx, before)}没有绑定 webhook 机器人。`;
    await setGroupWebhook(ctx.tx, p.groupId, null);
    await ctx.audit('group.webhook.unbind', before.name ?? before.chatId,
      { kind: before.webhookKind, webhook: describeWebhook(ctx.platforms, before.webhookKind, before.webhookUrl, before.webhookSecret) }, null);
    return `已解除群${groupLabel(ctx, before)}的 webhook 机器人。也请到群设置里移除该机器人（或重置它的地址），旧地址才彻底失效。`;
  },
});
