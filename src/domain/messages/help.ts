// 帮助's wording: the menu of commands a person may use, and a topic that is no command. The
// commands' own words (usage, summary, examples) come from their declarations.

/** One command in the menu: its usage line and summary. */
export interface HelpEntry { usage: string; summary: string }

export const helpReplies = {
  unknownTopic: (p: { topic: string }) => `没有「${p.topic}」这个命令。发送「帮助」查看全部命令。`,
  /** `memberName`: null for someone not yet bound; `sections` in the order shown. */
  menu: (p: { memberName: string | null; sections: { name: string; entries: HelpEntry[] }[] }) => [
    p.memberName ? `${p.memberName}，你可以使用这些命令：` : '你还没有绑定身份，目前可以使用：',
    ...p.sections.flatMap((s) => [`\n【${s.name}】`, ...s.entries.map((e) => `· ${e.usage} — ${e.summary}`)]),
    '\n发送「帮助 命令名」查看示例，例如「帮助 打卡」。命令前的 / 可省略。',
  ].join('\n'),
};
