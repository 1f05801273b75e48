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
import { groupReplies, type GroupNamed } from '../../src/domain/messages/groups.ts';
import { normalizeText, tokenize } from '../../src/parse/normalize.ts';
import { maskSecret } from '../../src/infra/mask-secret.ts';
import type { PlatformCatalog } from '../../src/platform-catalog.ts';
import { rowId, z } from '../../src/commands/payload.ts';

/** How a bound webhook is shown (never the whole key); an unknown kind only masked. */
function describeWebhook(platforms: PlatformCatalog, kind: string, url: string, secret?: string | null): string {
  return platforms.webhookKind(kind)?.describe(url, secret) ?? groupReplies.unknownWebhook({ url });
}

/** Something that looks like a key, token, URL or secret is never echoed back, even by mistake. */
function safeEcho(s: string): string {
  if (/^https?:\/\//i.test(s) || /^SEC[0-9a-z]{8,}/i.test(s) || /^[A-Za-z0-9_=+/-]{20,}$/.test(s)) return maskSecret(s) || '****';
  return s;
}

/** A group as replies name it. */
function named(ctx: Ctx, g: GroupRow): GroupNamed {
  return { group: g.name ?? g.chatId, platform: ctx.platforms.label(g.platform) };
}

/** A group by its remembered name (as /群 列表 shows it), or by its chat id. */
export async function findGroupByName(ctx: Ctx, name: string): Promise<GroupRow> {
  const all = await allGroups(ctx.tx);
  const wanted = normalizeText(name);
  let found = all.filter((g) => g.name !== null && normalizeText(g.name) === wanted);
  if (!found.length) found = all.filter((g) => g.chatId === name);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    throw new UserError(groupReplies.nameAmbiguous({ name: wanted, groups: found.map((g) => ({ platform: ctx.platforms.label(g.platform), chatId: g.chatId })) }));
  }
  if (!all.length) throw new UserError(groupReplies.noGroupsKnown());
  const similar = all.filter((g) => g.name && (normalizeText(g.name).includes(wanted) || wanted.includes(normalizeText(g.name))));
  throw new UserError(groupReplies.nameNotFound({ name: safeEcho(wanted), similar: similar.slice(0, 5).map((g) => g.name!) }));
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
      return groupReplies.bindOutsideDirect();
    }
    const usages = ctx.platforms.webhookKinds.map((k) => k.usage);
    const tokens = tokenize(rest ?? '');
    if (tokens.length < 3) return groupReplies.bindArgsMissing({ usages });
    if (tokens.length > 4) return groupReplies.bindArgsTooMany({ usages });
    const [name, kindWord, value, secret] = tokens;
    const kind = ctx.platforms.webhookKind(kindWord);
    if (!kind) return groupReplies.bindPlatformUnknown({ platforms: ctx.platforms.webhookKinds.map((k) => ctx.platforms.label(k.kind)), usages });
    const g = await findGroupByName(ctx, name);
    if (g.platform !== 'console' && g.platform !== kind.kind) {
      return groupReplies.bindWrongPlatform({ ...named(ctx, g), robotPlatform: ctx.platforms.label(kind.kind) });
    }
    const parsed = kind.parse(value, secret);
    if ('error' in parsed) throw new UserError(groupReplies.bindKeyRefused({ error: parsed.error, usages: parsed.withUsage ? usages : undefined }));
    const payload: BindPayload = { groupId: g.id, kind: kind.kind, url: parsed.url, secret: parsed.secret, shown: kind.describe(parsed.url, parsed.secret) };
    const preview = groupReplies.bindPreview({
      ...named(ctx, g), shown: payload.shown, note: kind.previewNote?.(payload.secret),
      replaced: g.webhookKind && g.webhookUrl ? describeWebhook(ctx.platforms, g.webhookKind, g.webhookUrl, g.webhookSecret) : null,
    });
    return { preview, payload };
  },
  payload: bindSchema,
  async commit(ctx, p) {
    // The role is checked again: the dispatcher's own check admits everyone for this command.
    if (ctx.role !== 'admin') return groupReplies.bindAdminOnly();
    const before = await groupById(ctx.tx, p.groupId);
    if (!before) throw new UserError(groupReplies.bindGroupGone());
    await setGroupWebhook(ctx.tx, p.groupId, { kind: p.kind, url: p.url, secret: p.secret });
    // Only the kind and the masked form: the audit trail is readable by more people than the key should be.
    await ctx.audit('group.webhook.bind', before.name ?? before.chatId,
      before.webhookKind && before.webhookUrl ? { kind: before.webhookKind, webhook: describeWebhook(ctx.platforms, before.webhookKind, before.webhookUrl, before.webhookSecret) } : null,
      { kind: p.kind, webhook: p.shown });
    await ctx.notify(`webhook-bound:${p.groupId}:${ctx.now.getTime()}`, { groupId: p.groupId }, groupReplies.boundNotice());
    return groupReplies.bound({ ...named(ctx, before), shown: p.shown });
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
      if (!here) throw new UserError(groupReplies.unbindGroupUnknown());
      g = here;
    } else {
      throw new UserError(groupReplies.unbindNameMissing());
    }
    if (!g.webhookKind || !g.webhookUrl) return groupReplies.notBound(named(ctx, g));
    return {
      preview: groupReplies.unbindPreview({ ...named(ctx, g), webhook: describeWebhook(ctx.platforms, g.webhookKind, g.webhookUrl, g.webhookSecret) }),
      payload: { groupId: g.id } satisfies UnbindPayload,
    };
  },
  payload: z.object({ groupId: rowId }),
  async commit(ctx, p) {
    const before = await groupById(ctx.tx, p.groupId);
    if (!before) throw new UserError(groupReplies.unbindGroupGone());
    if (!before.webhookKind || !before.webhookUrl) return groupReplies.notBound(named(ctx, before));
    await setGroupWebhook(ctx.tx, p.groupId, null);
    await ctx.audit('group.webhook.unbind', before.name ?? before.chatId,
      { kind: before.webhookKind, webhook: describeWebhook(ctx.platforms, before.webhookKind, before.webhookUrl, before.webhookSecret) }, null);
    return groupReplies.unbound(named(ctx, before));
  },
});
