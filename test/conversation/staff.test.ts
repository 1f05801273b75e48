// What staff do every day, talking to the bot as people do: help, the forms a message may
// take (slash, full-width, @mention), 提交, 我的, small talk, and every check-in line of the
// shared sample file. Each test checks the reply AND what was stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { checkins, members, readings, readingsDone, submissions, tasks } from '../../src/db/schema.ts';

import { samplesPath } from '../support/samples.ts';

/** Check-ins of a person named uniquely (not 张伟) in the demo directory, oldest first. */
async function checkinsOf(bot: TestBot, name: string) {
  return bot.db.select({
    id: checkins.id, minutes: checkins.minutes, material: checkins.material, reflection: checkins.reflection,
    rawText: checkins.rawText, status: checkins.status, studyDate: checkins.studyDate, kind: checkins.kind,
  }).from(checkins).innerJoin(members, eq(members.id, checkins.memberId)).where(eq(members.name, name)).orderBy(checkins.id);
}

async function submissionsOf(bot: TestBot, name: string) {
  return bot.db.select({ task: tasks.name, content: submissions.content, chars: submissions.chars })
    .from(submissions).innerJoin(members, eq(members.id, submissions.memberId)).innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(eq(members.name, name)).orderBy(submissions.id);
}

describe('帮助', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  it('lists only what that person may run', async () => {
    const staff = await bot.say('张三', '帮助');
    expect(staff).toContain('张三，你可以使用这些命令：');
    for (const cmd of ['打卡 [学习内容', '补卡 <日期>', '撤销', '提交 <任务名>', '我的', '阶段 列表']) expect(staff).toContain(cmd);
    for (const cmd of ['活动 新建', '阶段 开启', '打卡 作废', '成员 调动', '名单 未绑定', '集中学习', '本单位']) expect(staff).not.toContain(cmd);
    expect(staff).toContain('发送「帮助 命令名」查看示例');

    const head = await bot.say('赵院长', '帮助');
    expect(head).toContain('集中学习');
    expect(head).toContain('本单位');
    expect(head).not.toContain('活动 新建');

    const leader = await bot.say('刘局长', '帮助');
    expect(leader).toContain('本单位');
    expect(leader).not.toContain('集中学习');
    expect(leader).not.toContain('活动 新建');

    const admin = await bot.say('王主任', '帮助');
    for (const cmd of ['/活动 新建 <名称> <开始> <结束> [目标]', '/阶段 开启', '/打卡 作废', '/成员 调动', '/名单 未绑定', '集中学习', '本单位']) {
      expect(admin).toContain(cmd);
    }

    const stranger = await bot.sayAs('wx-stranger', '帮助');
    expect(stranger).toContain('你还没有绑定身份');
    expect(stranger).toContain('绑定 <姓名> <手机号后四位>');
    expect(stranger).not.toContain('打卡 [学习内容');
  });

  it('帮助 打卡 shows the usage, the other names and examples', async () => {
    const r = await bot.say('张三', '帮助 打卡');
    expect(r).toContain('【打卡】记录今天的学习');
    expect(r).toContain('用法：打卡 [学习内容 时长 心得：…]');
    expect(r).toContain('也可以说：签到、学习打卡、checkin');
    expect(r).toContain('例如：\n  打卡 学习《党章》 1.5小时 心得：要把群众放在心上');
    expect(r).not.toContain('权限：');
    // The same help whichever name is asked for, with or without the slash.
    expect(await bot.say('张三', '/帮助 签到')).toBe(r);
    expect(await bot.say('张三', 'help checkin')).toBe(r);

    const admin = await bot.say('张三', '帮助 活动 新建');
    expect(admin).toContain('用法：/活动 新建 <名称> <开始> <结束> [目标]');
    expect(admin).toContain('权限：管理员');
  });

  it('帮助 for something that is not a command says so', async () => {
    expect(await bot.say('张三', '帮助 不存在')).toBe('没有「不存在」这个命令。发送「帮助」查看全部命令。');
  });
});

describe('message forms', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  it('the leading / is optional', async () => {
    expect(await bot.say('李四', '/打卡 学习 30分钟')).toContain('已记录');
    expect(await bot.say('王五', '打卡 学习 30分钟')).toContain('已记录');
    expect(await checkinsOf(bot, '李四')).toMatchObject([{ minutes: 30, status: 'valid' }]);
    expect(await checkinsOf(bot, '王五')).toMatchObject([{ minutes: 30, status: 'valid' }]);
  });

  it('full-width slash, spaces, digits, letters and colons are accepted', async () => {
    expect(await bot.say('周敏', '／打卡　学习１．５小时')).toContain('1小时30分钟');
    expect(await bot.say('周敏', '／ｃｈｅｃｋｉｎ　４５ｍｉｎ')).toContain('45分钟');
    expect(await bot.say('周敏', '打卡 学习《党章》 1小时 心得：要把群众放在心上')).toContain('心得已保存（8字）');
    expect(await bot.say('周敏', '打卡 20分钟 体会:要学以致用')).toContain('心得已保存（5字）');
    expect(await checkinsOf(bot, '周敏')).toMatchObject([
      { minutes: 90, material: null, reflection: null },
      { minutes: 45 },
      { minutes: 60, material: '学习《党章》', reflection: '要把群众放在心上' },
      { minutes: 20, reflection: '要学以致用' },
    ]);
  });

  it('strips the leading @mention of the bot, and only that', async () => {
    expect(await bot.say('张三', '@学习助手 打卡 学习 1小时', { group: '全院群' })).toContain('已记录');
    // WeCom puts a U+2005 space after a mention; full-width ＠ and ideographic spaces occur too.
    expect(await bot.say('张三', '＠学习助手\u2005打卡 学习 20分钟', { group: '全院群' })).toContain('已记录');
    expect(await bot.say('张三', '打卡 学习《@某某讲话精神》 1小时')).toContain('学习《@某某讲话精神》');
    expect(await bot.say('张三', '@学习助手 打卡 和 @李四 一起学习 15分钟', { group: '全院群' })).toContain('已记录');
    const rows = await checkinsOf(bot, '张三');
    expect(rows).toMatchObject([
      { minutes: 60, material: null },
      { minutes: 20 },
      { minutes: 60, material: '学习《@某某讲话精神》' },
      { minutes: 15, rawText: '和 @李四 一起学习 15分钟' },
    ]);
    // A leading mention of someone else is not the bot's: nothing is taken as a command.
    const other = await bot.say('张三', '@李四 打卡 1小时', { group: '全院群' });
    expect(other).toContain('没看懂');
    expect(await checkinsOf(bot, '张三')).toHaveLength(4);
  });

  it('keeps quotation marks inside the text of a check-in', async () => {
    const reply = await bot.say('吴刚', '打卡 学习“两学一做”文件 1小时 心得：要做“四讲四有”党员');
    expect(reply).toContain('已记录');
    expect(await checkinsOf(bot, '吴刚')).toMatchObject([
      { minutes: 60, reflection: '要做“四讲四有”党员', rawText: '学习“两学一做”文件 1小时 心得：要做“四讲四有”党员' },
    ]);
  });

  it('an empty message after the mention: a greeting in a group, silence in private', async () => {
    expect(await bot.say('李四', '@学习助手', { group: '全院群' })).toBe('在的。发送「帮助」看看我能做什么。');
    expect(await bot.say('李四', '@学习助手　 ', { group: '全院群' })).toBe('在的。发送「帮助」看看我能做什么。');
    expect(await bot.say('李四', '@学习助手')).toBe('');
  });

  it('small talk gets no reply; an unknown sentence gets a hint in Chinese', async () => {
    for (const t of ['好的', '收到', '好的！', '谢谢', '明白', '嗯嗯']) expect(await bot.say('李四', t), t).toBe('');
    expect(await bot.say('李四', '@学习助手 收到', { group: '全院群' })).toBe('');
    const hint = await bot.say('李四', '今天天气不错');
    expect(hint).toBe('没看懂「今天天气不错」。发送「帮助」查看可用的命令，例如：打卡 学习《党章》 1小时。');
    expect(await bot.say('李四', '这是一句很长很长的话，机器人应该只引用它的开头部分而不是全部')).toContain('…」');
    // Someone not in the directory is told how to bind instead.
    expect(await bot.sayAs('wx-guest', '今天天气不错')).toContain('请先绑定身份');
    expect(await checkinsOf(bot, '李四')).toHaveLength(1);
  });

  it('refuses an over-long check-in and stores nothing', async () => {
    const long = `打卡 学习 1小时 心得：${'要'.repeat(2001)}`;
    const reply = await bot.say('王五', long);
    expect(reply).toContain('内容太长（超过 2000 字），没有记录');
    expect(await checkinsOf(bot, '王五')).toHaveLength(1); // only the one from the first test
    // 2000 characters after the keyword are still fine.
    const exact = `学习 1小时 心得：${'要'.repeat(1990)}`;
    expect([...exact].length).toBe(2000);
    expect(await bot.say('王五', `打卡 ${exact}`)).toContain('心得已保存（1990字）');
    expect(await checkinsOf(bot, '王五')).toHaveLength(2);
  });
});

describe('提交', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  const essay = '通过这次学习，我深刻认识到医德医风建设的重要性，要把群众放在心上。'; // 33 characters

  it('refuses a text shorter than the task asks, with the counts, and stores nothing', async () => {
    const reply = await bot.say('张三', '提交 心得体会 学习很有收获');
    expect(reply).toBe('「心得体会」要求不少于 20 字，这次是 6 字，没有记录。请补充后再提交。');
    expect(await submissionsOf(bot, '张三')).toEqual([]);
  });

  it('stores a text of the right length, and says 已更新 on resubmission', async () => {
    const first = await bot.say('张三', `提交 心得体会 ${essay}`);
    expect(first).toMatch(/^✅ 已收到「心得体会」（#\d+，33 字）。$/);
    expect(await submissionsOf(bot, '张三')).toEqual([{ task: '心得体会', content: essay, chars: 33 }]);
    const again = await bot.say('张三', `提交 心得体会 ${essay}今后要继续努力。`);
    expect(again).toMatch(/^✅ 已更新「心得体会」（#\d+，41 字）。$/);
    expect((await submissionsOf(bot, '张三')).map((s) => s.chars)).toEqual([33, 41]);
  });

  it('refuses a heads-only task to staff, and accepts it from a head', async () => {
    const long = '剖析材料：'.padEnd(60, '查');
    expect(await bot.say('李四', `提交 剖析材料 ${long}`)).toBe('任务「剖析材料」只需负责人提交。');
    expect(await submissionsOf(bot, '李四')).toEqual([]);
    expect(await bot.say('赵院长', `提交 剖析材料 ${long}`)).toContain('已收到「剖析材料」');
    expect(await submissionsOf(bot, '赵院长')).toMatchObject([{ task: '剖析材料', chars: 60 }]);
  });

  it('an unknown task lists the tasks this person has; missing parts are explained', async () => {
    expect(await bot.say('李四', `提交 读书笔记 ${essay}`)).toMatch(/^没有「读书笔记」这个任务。你需要提交的任务：心得体会（(2026年)?12月30日前）。$/);
    // Only what is still to do: 赵院长 handed in 剖析材料 above.
    expect(await bot.say('赵院长', `提交 读书笔记 ${essay}`)).toMatch(/你需要提交的任务：心得体会（(2026年)?12月30日前）。$/);
    expect(await bot.say('李四', '提交 心得体会')).toContain('请把正文写在任务名后面，例如：提交 心得体会 通过这次学习……');
    expect(await bot.say('李四', '提交')).toContain('缺少「任务名」');
    expect(await submissionsOf(bot, '李四')).toEqual([]);
  });
});

describe('我的', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  it('before anything: nothing done, every task and reading still to do', async () => {
    const r = await bot.say('李四', '我的');
    expect(r).toContain('李四（县人民医院）在「医德医风大讨论」的学习情况：');
    expect(r).toContain('累计 0分钟（0学时），目标 40学时，完成 0%');
    expect(r).toContain('打卡 0 天；今天 0分钟');
    expect(r).toContain('本阶段「学习动员」0分钟 / 目标 10学时');
    expect(r).toMatch(/○ 任务「心得体会」未提交，(2026年)?12月30日前完成（发送：提交 心得体会 正文…）/);
    expect(r).not.toContain('剖析材料'); // heads only
    expect(r).toContain('必读还差 2 篇：《中国共产党章程》、《医疗机构工作人员廉洁从业九项准则》');
    // A head sees the heads' task too.
    expect(await bot.say('赵院长', '我的')).toContain('○ 任务「剖析材料」未提交');
  });

  it('shows hours and 学时 against the target, days, rank, tasks and readings left', async () => {
    await bot.say('张三', '补卡 昨天 学习 45分钟');
    expect(await bot.say('张三', '打卡 学习《中国共产党章程》 1.5小时')).toContain('必读《中国共产党章程》已标记为学完');
    await bot.say('李四', '打卡 学习 3小时');
    await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。');

    const [zs] = await bot.db.select().from(members).where(eq(members.name, '张三'));
    const read = await bot.db.select({ title: readings.title }).from(readingsDone)
      .innerJoin(readings, eq(readings.id, readingsDone.readingId)).where(eq(readingsDone.memberId, zs.id));
    expect(read).toEqual([{ title: '中国共产党章程' }]);

    const r = await bot.say('张三', '我的');
    expect(r).toContain('累计 2小时15分钟（3学时），目标 40学时，完成 8%'); // 135 min = 3 学时; never "2.3小时"
    expect(r).toContain('打卡 2 天；今天 1小时30分钟');
    expect(r).toContain('本阶段「学习动员」2小时15分钟 / 目标 10学时');
    expect(r).toContain('本单位排名：第 2 / 5 名');
    expect(r).toContain('✓ 任务「心得体会」已提交');
    expect(r).toContain('必读还差 1 篇：《医疗机构工作人员廉洁从业九项准则》');
    expect(await bot.say('李四', '进度')).toContain('本单位排名：第 1 / 5 名');

    await bot.say('张三', '打卡 学习《医疗机构工作人员廉洁从业九项准则》 30分钟');
    expect(await bot.say('张三', '我的')).toContain('必读篇目已全部学完 ✓');
  });

  it('a revoked check-in no longer counts, and its reading is unmarked', async () => {
    await bot.say('王五', '打卡 学习《中国共产党章程》 1小时');
    expect(await bot.say('王五', '我的')).toContain('必读还差 1 篇');
    await bot.say('王五', '撤销');
    const r = await bot.say('王五', '我的');
    expect(r).toContain('累计 0分钟（0学时）');
    expect(r).toContain('必读还差 2 篇');
  });
});

interface Sample { line: number; text: string; minutes: number | null; material: string | null }

function loadSampleCheckins(): Sample[] {
  const out: Sample[] = [];
  readFileSync(samplesPath, 'utf8').split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.startsWith('#')) return;
    const [text, kind, minutes = '', material = ''] = raw.split('\t');
    if (kind !== 'checkin') return;
    out.push({ line: i + 1, text, minutes: minutes.trim() === '' ? null : Number(minutes), material: material.trim() || null });
  });
  return out;
}

describe('shared/samples/messages.tsv through the bot', () => {
  let bot: TestBot;
  beforeAll(async () => { bot = await testBot(); });
  afterAll(async () => { await bot.close(); });

  it('records exactly the minutes and material of every check-in line', async () => {
    expect(existsSync(samplesPath), `samples file missing: ${samplesPath} (expected ../shared beside the repo)`).toBe(true);
    const samples = loadSampleCheckins();
    expect(samples.length, `no checkin lines in ${samplesPath}`).toBeGreaterThan(0);
    const start = bot.now().getTime();
    for (const [i, s] of samples.entries()) {
      // One line a day, so the 12-hour daily limit never interferes.
      bot.setNow(new Date(start + i * 86_400_000).toISOString());
      const reply = await bot.say('张三', s.text);
      expect(reply, `line ${s.line}: ${s.text}`).toContain('已记录');
      const rows = await checkinsOf(bot, '张三');
      expect(rows, `line ${s.line}: ${s.text}`).toHaveLength(i + 1);
      // The file's material is the 《》 title; the record keeps what was studied as written, title included.
      expect(rows[i].minutes, `line ${s.line}: ${s.text}`).toBe(s.minutes);
      if (s.material) expect(rows[i].material, `line ${s.line}: ${s.text}`).toContain(`《${s.material}》`);
    }
  });

  it('lines of kind none get no reply and record nothing', async () => {
    const before = (await bot.db.select().from(checkins)).length;
    const none = readFileSync(samplesPath, 'utf8').split(/\r?\n/)
      .filter((l) => !l.startsWith('#') && l.split('\t')[1] === 'none').map((l) => l.split('\t')[0]);
    expect(none.length).toBeGreaterThan(0);
    for (const t of none) expect(await bot.say('李四', t), t).toBe('');
    expect(await bot.db.select().from(checkins)).toHaveLength(before);
  });
});

describe('long submissions keep their paragraphs', () => {
  it('提交 stores line breaks as typed', async () => {
    const b = await testBot();
    try {
      const text = '通过这次学习，我深刻认识到医德医风建设的重要性。\n\n第二，要把群众满意作为工作标准，持续改进服务。';
      expect(await b.say('张三', `提交 心得体会\n${text}`)).toContain('已收到');
      const [row] = await b.db.select().from(submissions);
      expect(row.content).toBe(text);
    } finally { await b.close(); }
  });
});
