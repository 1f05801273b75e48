// 提醒's replies: the scheduled reminders and changing them. Each job words its own settings (its
// label, describe, examples, switches); these are the sentences around them. No error codes here,
// so not in ./index.ts.

export const reminderReplies = {
  /**
   * /提醒 列表: each job with its settings described (`description` null when it is off), the quiet
   * hours, and how to change them: the jobs' examples, the first job's alias and the switches' aliases.
   */
  list: (p: {
    campaign: string; jobs: { label: string; description: string | null }[]; quietHours: { start: string; end: string };
    examples: string[]; firstAlias: string | undefined; switchAliases: string[];
  }) => {
    const lines = [`「${p.campaign}」的定时提醒（节假日和周末不发，调休上班日照常）：`];
    for (const job of p.jobs) lines.push(`· ${job.label}：${job.description ?? '已关闭'}`);
    lines.push(`· 免打扰：${p.quietHours.start}–${p.quietHours.end}（期间的定时推送顺延到早上）`);
    if (p.firstAlias) {
      const switches = p.switchAliases.map((a) => `/提醒 开启 ${a}`);
      lines.push(`修改：${p.examples.join(' · ')}；关闭：/提醒 关闭 ${p.firstAlias}；开启：${[`/提醒 开启 ${p.firstAlias}`, ...switches].join(' · ')}`);
    }
    return lines.join('\n');
  },

  quietHoursUsage: () => '请写成：/提醒 设置 免打扰 20:00-08:00',
  jobUnknown: (p: { word: string; aliases: string[] }) => `没有「${p.word}」这个提醒。可以设置：${p.aliases.join('、')}。`,
  switchUsage: (p: { alias: string }) => `请写成：/提醒 开启 ${p.alias} 或 /提醒 关闭 ${p.alias}`,
  /** A time that does not read; `hint` is the job's own (valueHint), e.g. what else it takes. */
  timeUnreadable: (p: { value: string; hint?: string }) => `「${p.value}」看不懂，请写成 08:30 这样的 24 小时制时间${p.hint ?? ''}。`,

  // What changes, as the preview, the reply and the audit trail name it.
  quietHoursChanged: (p: { start: string; end: string }) => `免打扰改为 ${p.start}–${p.end}`,
  /** `timeWord` is the job's own (每个工作日 when it has none). */
  timeChanged: (p: { label: string; timeWord?: string; time: string }) => `${p.label}改为${p.timeWord ?? '每个工作日'} ${p.time}`,
  switched: (p: { label: string; on: boolean }) => `${p.label}已${p.on ? '开启' : '关闭'}`,

  /** The 确认 preview of /提醒 设置|开启|关闭; `change` is one of the changes above (or a job's own). */
  preview: (p: { change: string }) => `将修改定时提醒：${p.change}。`,
  changed: (p: { change: string }) => `已修改：${p.change}。发「/提醒 列表」查看下次运行时间。`,
};
