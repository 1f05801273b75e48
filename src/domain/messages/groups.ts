// 群's replies: the groups the bot is in, what each is for, and binding a group robot's webhook.
// Platforms are named by their labels (企业微信, 钉钉, 模拟器) and a webhook as its kind describes it
// (never the whole key). No error codes here, so not in ./index.ts.
import { maskSecret } from '../../infra/mask-secret.ts';

/** A group as replies name it: its remembered name (or chat id) and its platform's label. */
export interface GroupNamed { group: string; platform: string }
const named = (p: GroupNamed) => `「${p.group}」（${p.platform}）`;

/** What a group is for, from /群 设为's scope. */
type GroupScope = { scope: 'campaign' | null } | { scope: 'unit'; unit: string };

/** How to bind (the installed webhook kinds' usage lines), after a refusal that needs it. */
const usage = (usages: string[]) => [
  '用法（请私聊我发送）：',
  ...usages.map((u) => `  ${u}`),
  '群名以「/群 列表」为准；KEY 是群机器人 webhook 地址里 key= 后面的部分（也可以整段粘贴地址）。',
].join('\n');

export const groupReplies = {
  /** /群 列表; `webhook` is the bound robot's kind label, or null when the kind is not installed. */
  list: (p: { groups: { name: string; platform: string; scope: string | null; unit: string | null; webhook?: { label: string | null } }[] }) => {
    if (!p.groups.length) return '还没有群。把机器人拉进群并 @它 说一句话，群就会出现在这里。';
    return ['机器人所在的群：', ...p.groups.map((g) =>
      `· ${g.name}（${g.platform}）— ${g.scope === 'campaign' ? '活动群' : g.scope === 'unit' ? `${g.unit}的单位群` : '普通群'}${g.webhook ? `，推送经${g.webhook.label ?? 'webhook 机器人'}` : ''}`),
    '在群里发「/群 设为 全局」可让该群接收阶段公告。'].join('\n');
  },

  setOutsideGroup: () => '请在要设置的群里 @我 发送这条命令。',
  setUnitMissing: () => '请写上单位名称，例如：/群 设为 单位 县人民医院',
  /** What /群 设为 makes a group, as its preview and reply say it. */
  scopeLabel: (p: GroupScope) => (p.scope === 'campaign' ? '活动群：接收阶段公告和通报' : p.scope === 'unit' ? `${p.unit}的单位群` : '普通群（不接收推送）'),
  /** The 确认 preview of /群 设为; `label` is scopeLabel's. */
  setPreview: (p: { chatName: string | null; label: string }) => `将把本群${p.chatName ? `「${p.chatName}」` : ''}设为：${p.label}。`,
  setGroupGone: () => '没有找到这个群，请在群里重新发送命令。',
  set: (p: { label: string }) => `已设置：本群是${p.label}。`,

  /** Several groups answer to a name: their chat ids tell them apart. */
  nameAmbiguous: (p: { name: string; groups: { platform: string; chatId: string }[] }) => [`有 ${p.groups.length} 个群都叫「${p.name}」：`,
    ...p.groups.map((g) => `· ${g.platform}，群 ID：${g.chatId}`),
    '请把群名换成上面的群 ID 再发一次；或先在群里把群名改得不同，再 @我 说一句话让我记住新名字。'].join('\n'),
  noGroupsKnown: () => '我还不知道任何群：先把机器人拉进群，并在群里 @我 说一句话，群就会被记住。',
  /** No group by that name (`name` already made safe to echo); `similar` are names it might mean. */
  nameNotFound: (p: { name: string; similar: string[] }) => [
    `没有叫「${p.name}」的群。`,
    p.similar.length ? `你是不是指：${p.similar.map((n) => `「${n}」`).join('、')}？` : '',
    '发「/群 列表」查看我所在的群（群名以列表为准；没有群名的群用列表里的群 ID）。',
  ].filter(Boolean).join('\n'),

  /** A bound webhook of a kind no installed platform offers: only masked. */
  unknownWebhook: (p: { url: string }) => `webhook（${maskSecret(p.url)}）`,
  bindOutsideDirect: () => '为了安全，webhook 的 key 和密钥不能发在群里（群里的人都能看到，拿到就能往群里发消息）。请私聊我发送这条命令。\n'
    + '如果刚才的消息里已经带了 key 或密钥，建议先到群机器人的设置里重置 webhook 地址/密钥，再私聊绑定新的。',
  bindArgsMissing: (p: { usages: string[] }) => `缺少参数。\n${usage(p.usages)}`,
  bindArgsTooMany: (p: { usages: string[] }) => `参数太多了。\n${usage(p.usages)}`,
  /** The platform word named no webhook kind: `platforms` are those that have one. */
  bindPlatformUnknown: (p: { platforms: string[]; usages: string[] }) =>
    `平台只能是${p.platforms.map((l) => `「${l}」`).join('或')}，请按顺序写：群名 平台 KEY。\n${usage(p.usages)}`,
  bindWrongPlatform: (p: GroupNamed & { robotPlatform: string }) => `群${named(p)}是${p.platform}的群，不能绑定${p.robotPlatform}的机器人。`,
  /** A webhook kind's own refusal of the key or address, with the usage when it asks for it. */
  bindKeyRefused: (p: { error: string; usages?: string[] }) => (p.usages ? `${p.error}\n${usage(p.usages)}` : p.error),
  /** The 确认 preview of /群 绑定webhook: `shown` is the new robot, `replaced` the one bound now, `note` the kind's own line. */
  bindPreview: (p: GroupNamed & { shown: string; replaced: string | null; note: string | null | undefined }) => [
    `将为群${named(p)}绑定${p.shown}。`,
    '绑定后，发到这个群的推送（公告、通报、提醒）都经这个机器人发出（每分钟最多 20 条），并立即发一条测试消息到群里。',
    ...(p.replaced ? [`将替换原来的${p.replaced}。`] : []),
    ...(p.note ? [p.note] : []),
  ].join('\n'),
  bindAdminOnly: () => '「群 绑定webhook」仅限管理员使用。',
  bindGroupGone: () => '这个群已不在记录中，请发「/群 列表」查看后重新绑定。',
  /** The test message the group gets through its new robot. */
  boundNotice: () => '✅ 本群已接入学习助手的推送，今后的公告、通报和提醒会发到这里。',
  bound: (p: GroupNamed & { shown: string }) =>
    `已绑定：群${named(p)}今后通过${p.shown}推送。\n已向群里发了一条测试消息；如果群里没收到，发「/推送 状态」查看原因。`,

  unbindGroupUnknown: () => '没有找到这个群，请写上群名：/群 解绑webhook 群名',
  unbindNameMissing: () => '请写上群名：/群 解绑webhook 群名（群名以「/群 列表」为准）。',
  notBound: (p: GroupNamed) => `群${named(p)}没有绑定 webhook 机器人。`,
  /** The 确认 preview of /群 解绑webhook; `webhook` is the bound robot as shown. */
  unbindPreview: (p: GroupNamed & { webhook: string }) =>
    `将解除群${named(p)}的${p.webhook}，之后发到该群的推送改由${p.platform}机器人自己发送（需已配置该平台）。`,
  unbindGroupGone: () => '这个群已不在记录中。',
  unbound: (p: GroupNamed) => `已解除群${named(p)}的 webhook 机器人。也请到群设置里移除该机器人（或重置它的地址），旧地址才彻底失效。`,
};
