// The chat layer's own wording: what the bot says about a message as such (too long, too many,
// not understood, not allowed, 确认/取消) and about a command's arguments. Each feature's replies
// live in its catalogue under src/domain/messages/; these are the ones every feature shares.

/** How a command is named in a reply: its first keyword path. */
type Named = { keyword: string };

export const chatMessages = {
  tooLong: (p: { max: number }) =>
    `消息太长（超过 ${p.max.toLocaleString('en-US')} 字），没有处理。长篇材料请分几次「提交」，或作为文件（Word、PDF）发给我。`,
  tooMany: (p: { perMinute: number }) =>
    `你一分钟内发了超过 ${p.perMinute} 条消息，请稍等一分钟再发。这条和之后一分钟内的消息都没有处理。`,
  mediaNotKept: '照片/文件没有保存。',
  failed: '抱歉，处理这条消息时出错了，没有记录任何内容。请稍后再发一次。',
  anonymousInGroup: '匿名意见不能在群里发：群里的人都看得到是谁发的。这条没有记录。请私聊我，发送「匿名意见 内容」。',
  anonymousQueryInGroup: '请私聊我查询：在群里查询，大家会看到是谁提的这条意见。',
  anonymousDayLimit: (p: { perDay: number }) =>
    `今天已经收到你 ${p.perDay} 条匿名意见，达到每天的上限。这条没有记录，请明天再发；也可以署名发「意见 内容」。`,
  anonymousMediaNotKept: '照片和文件没有保存：匿名意见只收文字。',
  pushLimit: (p: { perHour: number }) =>
    `（这一小时里由你触发、发给同一人或同一群的提醒已达 ${p.perHour} 条，这次不再单独推送，对方在列表里能看到。）`,
  bindFirst: '请先绑定身份：发送「绑定 姓名 手机号后四位」。',
  noCampaign: '当前没有进行中的活动。请管理员先用「/活动 新建」创建活动。',
  here: '在的。发送「帮助」看看我能做什么。',
  greetUnbound: '你好！我是学习整改助手。请先绑定身份：发送「绑定 姓名 手机号后四位」，例如：绑定 张三 1234。',
  notUnderstood: (p: { text: string; guess: string | null }) => {
    const said = `没看懂「${p.text.length > 20 ? p.text.slice(0, 20) + '…' : p.text}」。`;
    return p.guess
      ? `${said}你是不是想发「${p.guess}」？发送「帮助」查看可用的命令。`
      : `${said}发送「帮助」查看可用的命令，例如：打卡 学习《党章》 1小时。`;
  },
  bindBeforeCommand: (p: Named) => `请先绑定身份再使用「${p.keyword}」：发送「绑定 姓名 手机号后四位」。`,
  notAllowed: (p: Named & { roles: string; role?: string }) =>
    `「${p.keyword}」仅限${p.roles}使用${p.role ? `，你的角色是${p.role}` : ''}。`,
  // 确认 / 取消
  replacedPending: (p: { name: string }) => `（你上一个等待确认的操作「${p.name}」已取消，没有执行；要做的话，处理完这一个后重新发送。）\n\n`,
  askConfirm: (p: { preview: string }) => `${p.preview}\n\n请回复「确认」执行，或「取消」放弃（5 分钟内有效）。`,
  nothingPending: '没有等待确认的操作。',
  pendingExpired: (p: { name: string }) => `上一个操作「${p.name}」已超过 5 分钟没有确认，已作废，没有执行。请重新发送命令。`,
  pendingStale: (p: { name: string }) => `上一个操作「${p.name}」的内容已失效（可能是程序升级了），没有执行。请重新发送命令。`,
  confirmed: (p: { name: string; result: string }) => `已确认「${p.name}」。\n${p.result}`,
  cancelledExpired: (p: { name: string }) => `没有等待确认的操作：上一个「${p.name}」已超过 5 分钟没有确认，早已作废。`,
  cancelled: (p: { name: string }) => `已取消「${p.name}」，未做任何更改。`,
  // A command's arguments
  argMissing: (p: Named & { label: string; usage: string }) => `缺少「${p.label}」。\n用法：${p.usage}\n发送「帮助 ${p.keyword}」查看示例。`,
  argExtra: (p: { extra: string; usage: string }) => `多出了「${p.extra}」，没看懂。\n用法：${p.usage}`,
  labelMissing: (p: { label: string; usage: string }) => `缺少「${p.label}：…」。\n用法：${p.usage}`,
  notAnInteger: (p: { label: string; raw: string }) => `「${p.label}」应是一个整数，收到的是「${p.raw}」。`,
  notAChoice: (p: { label: string; raw: string; choices: readonly string[] }) => `「${p.label}」只能是 ${p.choices.join('、')} 之一，收到的是「${p.raw}」。`,
  badDate: (p: { label: string; raw: string }) => `「${p.label}」的日期「${p.raw}」看不懂。可以写成 2026-12-01、12月1日、12.1、明天、下周一 等。`,
  badDuration: (p: { label: string; raw: string }) => `「${p.label}」的时长「${p.raw}」看不懂。可以写成 1.5小时、90分钟、1小时20分钟 等。`,
};

export const ROLE_CN = { unbound: '未绑定', staff: '职工', head: '负责人', leader: '分管领导', admin: '管理员' } as const;
