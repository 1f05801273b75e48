// Phase reminders and check-in nudges as scheduled jobs, with a controllable clock under TZ=UTC:
// the countdown is in working days (National Day 2026 is off 10-01…10-07, Saturday 10-10 is a
// 调休 working day), each unit head sees exactly who is behind, the summary goes out the first
// working day after a phase ends, nudges name only people idle for 3 working days who are not on
// leave, and nothing is sent twice for the same day.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { Scheduler } from '../../src/scheduling/scheduler.ts';
import { outbox } from '../../src/db/schema.ts';

let bot: TestBot;
let scheduler: Scheduler;
/** Each describe starts the demo at its own date (in a hook: setting up is slow on a busy machine). */
function startAt(now: string) {
  beforeEach(async () => {
    bot = await testBot({ now });
    scheduler = new Scheduler(bot.app);
  });
}
afterEach(async () => { await scheduler?.close(); await bot?.close(); });
/** The long conversations below make many round trips. */
const LONG = 120_000;

async function confirm(who: string, text: string) {
  expect(await bot.say(who, text)).toContain('请回复「确认」');
  return bot.say(who, '确认');
}
/** Run a job at an Asia/Shanghai wall-clock time; return what it pushed. */
async function runAt(job: string, iso: string) {
  await bot.drain();
  const seen = bot.pushes().length;
  const result = await scheduler.run(job, new Date(iso));
  await bot.drain();
  const pushes = bot.pushes().slice(seen);
  return { result, pushes, to: (name: string) => pushes.filter((p) => p.to === name).map((p) => p.text) };
}
async function say(who: string, text: string, at?: string) {
  if (at) bot.setNow(at);
  const reply = await bot.say(who, text);
  expect(reply).not.toMatch(/看不懂|失败|没有|不能/);
  return reply;
}
const outboxCount = async () => (await bot.db.select({ id: outbox.id }).from(outbox)).length;

describe('phase reminders', () => {
  startAt('2026-09-28T10:00:00+08:00'); // Monday; the demo's first phase began 09-21
  it('counts down in working days, tells each head exactly who is behind, and sums the phase up once', async () => {
    await confirm('王主任', '/阶段 开启 对照检查 9月28日 10月12日 4学时');
    await confirm('王主任', '/阶段 任务 新增 心得体会 对象：全体 时限：10月9日 字数：20');
    await confirm('王主任', '/阶段 任务 新增 剖析材料 对象：负责人 时限：10月9日 字数：20');
    await say('张三', '打卡 学习《党章》 4小时');
    await say('李四', '打卡 学习《党章》 1小时');
    await say('赵院长', '打卡 学习《党章》 3小时');
    await say('周敏', '打卡 观看警示教育片 2小时');
    await say('张三', '提交 心得体会 通过这次对照检查，我认识到自己在服务群众方面还有不少差距，今后要改进。');

    // 09-29: the first phase, closed early when 对照检查 opened on 09-28, is summed up with what comes next.
    let run = await runAt('phase', '2026-09-29T09:00:00+08:00');
    const firstSummary = run.to('全院群');
    expect(firstSummary).toHaveLength(1);
    expect(firstSummary[0]).toContain('第1阶段「学习动员」（9月21日 至 9月28日）已结束');
    expect(firstSummary[0]).toContain('下一阶段安排：\n第2阶段「对照检查」：9月28日 至 10月12日\n本阶段目标：每人 4学时\n任务：\n  · 心得体会（全体，10月9日前，不少于20字）');
    expect(run.to('刘局长')[0]).toContain('刘局长您好：【医德医风大讨论】第1阶段「学习动员」');

    // National Day (a holiday) runs do nothing; Thursday 10-08 is 3 working days before Monday 10-12
    // (10-09, the 调休 Saturday 10-10, 10-12) — counting weekdays would have said Wednesday 10-07.
    expect((await runAt('phase', '2026-10-07T09:00:00+08:00')).result).toMatchObject({ skipped: expect.stringContaining('非工作日') });
    run = await runAt('phase', '2026-10-08T09:00:00+08:00');
    const countdown = run.to('全院群');
    expect(countdown).toHaveLength(1);
    expect(countdown[0]).toContain('【医德医风大讨论】第2阶段「对照检查」还有 3 个工作日结束（10月12日）。');
    expect(countdown[0]).toContain('目前已打卡 4/10 人，达到本阶段目标（每人 4学时，合 3小时）2 人。');
    expect(countdown[0]).not.toMatch(/张三|李四|王五/); // the group countdown names nobody
    expect(countdown[0]).toContain('本阶段任务：心得体会（全体，10月9日前）、剖析材料（负责人，10月9日前）。');

    const zhao = run.to('赵院长');
    expect(zhao).toHaveLength(1);
    expect(zhao[0]).toContain('赵院长您好：第2阶段「对照检查」还有 3 个工作日结束（10月12日），县人民医院（5 人）目前情况：');
    expect(zhao[0]).toContain('未达到本阶段目标（每人 4学时，合 3小时）3 人：王五 未打卡、张伟 未打卡、李四 1小时\n');
    expect(zhao[0]).toContain('任务未提交（4 人）：\n  · 赵院长：心得体会、剖析材料\n  · 李四：心得体会\n  · 王五：心得体会\n  · 张伟：心得体会\n');
    expect(zhao[0]).not.toContain('张三'); // above target and submitted
    expect(run.to('钱院长')[0]).toContain('未达到本阶段目标（每人 4学时，合 3小时）3 人：钱院长 未打卡、张伟 未打卡、周敏 2小时');
    expect(run.to('刘局长')).toEqual([]); // leaders get the summary, not the countdown

    // The same day again (a retry, a second worker): nothing more.
    const rows = await outboxCount();
    expect((await runAt('phase', '2026-10-08T09:05:00+08:00')).result).toMatchObject({ skipped: expect.stringContaining('已运行过') });
    expect(await outboxCount()).toBe(rows);

    // 10-09: 2 working days left — not a reminder day. 李四 catches up, 王五 hands in.
    expect((await runAt('phase', '2026-10-09T09:00:00+08:00')).result).toMatchObject({ skipped: expect.any(String) });
    await say('李四', '打卡 学习《党章》 3小时', '2026-10-09T12:00:00+08:00');
    await say('王五', '提交 心得体会 这次对照检查让我看到了自己工作作风上的问题，一定认真整改落实到位。');

    // The 调休 Saturday 10-10 is a working day, 1 working day before the end.
    run = await runAt('phase', '2026-10-10T09:00:00+08:00');
    expect(run.to('全院群')[0]).toContain('第2阶段「对照检查」还有 1 个工作日结束（10月12日）');
    expect(run.to('全院群')[0]).not.toContain('本阶段任务'); // both were due 10-09
    const zhao1 = run.to('赵院长')[0];
    expect(zhao1).toContain('未达到本阶段目标（每人 4学时，合 3小时）2 人：王五 未打卡、张伟 未打卡\n');
    expect(zhao1).toContain('任务未提交（3 人）：\n  · 赵院长：心得体会、剖析材料\n  · 李四：心得体会\n  · 张伟：心得体会\n');
    expect(zhao1).not.toMatch(/张三|王五：/);

    // Sunday, and the phase's last day: nothing.
    expect((await runAt('phase', '2026-10-11T09:00:00+08:00')).result).toMatchObject({ skipped: expect.stringContaining('非工作日') });
    expect((await runAt('phase', '2026-10-12T09:00:00+08:00')).pushes).toEqual([]);

    // The first working day after the end: the summary, with no next phase defined yet.
    run = await runAt('phase', '2026-10-13T09:00:00+08:00');
    const group = run.to('全院群');
    expect(group).toHaveLength(2);
    const summary = group.filter((t) => t.includes('已结束'));
    expect(summary).toHaveLength(1);
    // 学习动员's tasks (due 10-18) outlive their phase: 3 working days before, they are chased too.
    const chase = group.find((t) => t.includes('仍在收取'))!;
    expect(chase).toContain('· 第1阶段「学习动员」的任务「心得体会」（10月18日截止，还有 3 个工作日），已交 0/10 份\n');
    expect(chase).toContain('· 第1阶段「学习动员」的任务「剖析材料」（10月18日截止，还有 3 个工作日），已交 0/3 份\n');
    expect(run.to('赵院长')).toEqual(['赵院长您好：县人民医院还有人没交以下任务：\n'
      + '· 第1阶段「学习动员」的任务「心得体会」（10月18日截止，还有 3 个工作日）：赵院长、张三、李四、王五、张伟\n'
      + '· 第1阶段「学习动员」的任务「剖析材料」（10月18日截止，还有 3 个工作日）：赵院长\n'
      + '请督促按时提交；过了时限仍可提交，但记为逾期提交。']);
    expect(summary[0]).toContain('【医德医风大讨论】第2阶段「对照检查」（9月28日 至 10月12日）已结束。');
    expect(summary[0]).toContain('全活动（本阶段目标每人 4学时）：参与 4/10 人（40%），累计学习 13小时，人均 1小时18分钟，达到目标 3 人，任务提交 2/13 份。');
    expect(summary[0]).toContain('· 县人民医院：参与 3/5 人（60%），累计学习 11小时，人均 2小时12分钟，达到目标 3 人，任务提交 2/6 份');
    expect(summary[0]).toContain('· 城关镇卫生院：参与 0/2 人（0%）');
    expect(summary[0]).toContain('下一阶段的安排请留意领导小组办公室通知');
    expect(run.to('刘局长')[0]).toContain('刘局长您好：【医德医风大讨论】第2阶段「对照检查」（9月28日 至 10月12日）已结束。');
    expect((await runAt('phase', '2026-10-14T09:00:00+08:00')).result).toMatchObject({ skipped: expect.any(String) });
  }, LONG);

  it('follows the admin\'s settings: other reminder days, shown in /提醒 列表', async () => {
    await confirm('王主任', '/阶段 开启 对照检查 9月28日 10月12日 4学时');
    expect(await bot.say('王主任', '/提醒 列表')).toContain('阶段提醒：阶段结束前 3、1 个工作日的 09:00');
    expect(await confirm('王主任', '/提醒 设置 阶段 提前 2 个工作日')).toContain('阶段提醒改为阶段结束前 2 个工作日各提醒一次');
    // (10-08 is the first phase's summary catch-up day; no countdown, though.)
    expect((await runAt('phase', '2026-10-08T09:00:00+08:00')).pushes.filter((p) => p.text.includes('还有'))).toEqual([]);
    expect((await runAt('phase', '2026-10-09T09:00:00+08:00')).to('全院群')[0]).toContain('还有 2 个工作日结束（10月12日）');
    expect(await bot.say('王主任', '/提醒 设置 阶段 明天')).toContain('看不懂');
  }, LONG);
});

describe('check-in nudges', () => {
  startAt('2026-12-07T10:00:00+08:00'); // Monday; the demo's phase 学习动员 began 11-30
  it('names people idle 3 working days to their head, never anyone on leave or who checked in since', async () => {
    await say('张三', '打卡 学习《党章》 1小时');
    await say('王五', '打卡 学习《党章》 1小时');
    await say('赵院长', '打卡 学习《党章》 1小时');
    expect(await confirm('赵院长', '请假 王五 至 12月10日 外出培训')).toContain('王五');
    bot.setNow('2026-12-09T10:00:00+08:00');
    for (const who of ['周敏', '孙院长', '吴刚']) await say(who, '打卡 学习《党章》 1小时');
    await say('李四', '打卡 学习《党章》 1小时', '2026-12-10T10:00:00+08:00');

    // Thursday 12-10 16:30: 张三 last checked in Monday (3 working days: 12-08, 12-09, 12-10).
    let run = await runAt('nudge', '2026-12-10T16:30:00+08:00');
    const zhao = run.to('赵院长');
    expect(zhao).toHaveLength(1); // ONE digest per head
    expect(zhao[0]).toContain('赵院长您好，县人民医院以下 2 人已 3 个工作日以上没有学习打卡（截至12月10日 16:30）：');
    expect(zhao[0]).toContain('· 张三：上次打卡 12月7日，已 3 个工作日\n· 张伟：本阶段未打卡\n');
    expect(zhao[0]).not.toMatch(/李四|王五|· 赵院长/); // checked in today / on leave / the head himself
    expect(run.to('钱院长')).toEqual([expect.stringContaining('· 张伟：本阶段未打卡')]);
    expect(run.to('钱院长')[0]).not.toContain('周敏');
    expect(run.to('孙院长')).toEqual([]); // nobody idle: nothing
    // Personal reminders are off by default.
    expect(run.pushes.filter((p) => !p.to.endsWith('院长'))).toEqual([]);

    // The same day again: nothing.
    const rows = await outboxCount();
    expect((await runAt('nudge', '2026-12-10T16:35:00+08:00')).result).toMatchObject({ skipped: expect.stringContaining('已运行过') });
    expect(await outboxCount()).toBe(rows);

    // 张三 checks in late that evening: not in Friday's nudge. 王五 is back from leave: his leave days are not idle days.
    await say('张三', '打卡 学习《党章》 1小时', '2026-12-10T18:00:00+08:00');
    run = await runAt('nudge', '2026-12-11T16:30:00+08:00');
    expect(run.to('赵院长')).toHaveLength(1);
    expect(run.to('赵院长')[0]).toContain('县人民医院以下 1 人');
    expect(run.to('赵院长')[0]).not.toMatch(/张三|王五|李四/);

    // Saturday: no nudges.
    expect((await runAt('nudge', '2026-12-12T16:30:00+08:00')).result).toMatchObject({ skipped: expect.stringContaining('非工作日') });
  }, LONG);

  it('never names someone on leave, and sends personal reminders only once an admin turns them on', async () => {
    await say('张三', '打卡 学习《党章》 1小时');
    await say('周敏', '打卡 学习《党章》 1小时', '2026-12-09T10:00:00+08:00');
    // 李四 never checked in, but is on leave the whole week.
    expect(await confirm('赵院长', '请假 李四 12月7日至12月14日 病假')).toContain('李四');

    let run = await runAt('nudge', '2026-12-10T16:30:00+08:00');
    expect(run.to('赵院长')[0]).not.toContain('李四');
    expect(run.to('张三')).toEqual([]);

    expect(await bot.say('王主任', '/提醒 列表')).toContain('催办：每个工作日 16:30，连续 3 个工作日未打卡的人（请假的除外）汇总发给本单位负责人和联络员；个人提醒未开启');
    expect(await confirm('王主任', '/提醒 开启 个人提醒')).toContain('个人提醒已开启');
    expect(await bot.say('王主任', '/提醒 列表')).toContain('个人提醒已开启');

    // Monday 12-14: 周敏 is now 3 working days idle (12-10, 12-11, 12-14); 李四 is still on leave.
    run = await runAt('nudge', '2026-12-14T16:30:00+08:00');
    expect(run.to('周敏')).toEqual(['周敏您好，您已经 3 个工作日没有学习打卡了（上次是 12月9日）。本阶段「学习动员」您已学习 1小时，目标每人 10学时。'
      + '今天抽空学一会儿吧，学完发「打卡 学习《…》 1小时 心得：…」即可。']);
    expect(run.to('王五')[0]).toContain('王五您好，本阶段「学习动员」您还没有学习打卡（目标每人 10学时）。');
    expect(run.to('李四')).toEqual([]);
    expect(run.to('赵院长')[0]).not.toContain('李四');
    expect(run.to('钱院长')[0]).toContain('· 周敏：上次打卡 12月9日，已 3 个工作日');

    // Turned off again: heads still get their digest, people nothing.
    await confirm('王主任', '/提醒 关闭 个人提醒');
    run = await runAt('nudge', '2026-12-15T16:30:00+08:00');
    expect(run.to('周敏')).toEqual([]);
    expect(run.to('钱院长')).toHaveLength(1);
  }, LONG);

  it('is registered with the other schedules and follows /提醒 设置 催办', async () => {
    await scheduler.register();
    const byName = async () => Object.fromEntries((await scheduler.list()).map((x) => [x.name, x.pattern]));
    expect(await byName()).toMatchObject({ phase: '0 0 9 * * *', nudge: '0 30 16 * * *' });
    // The bot calls this before it replies; the test waits for the registration it starts.
    let registered: Promise<unknown> = Promise.resolve();
    bot.app.onScheduleChanged = () => { registered = scheduler.register(); };
    expect(await confirm('王主任', '/提醒 设置 催办 17:05')).toContain('催办改为每个工作日 17:05');
    await registered;
    expect((await byName()).nudge).toBe('0 5 17 * * *');
    expect(await confirm('王主任', '/提醒 设置 催办 5个工作日')).toContain('连续 5 个工作日未打卡即提醒负责人');
    await registered;
    await confirm('王主任', '/提醒 关闭 催办');
    await registered;
    expect(await byName()).not.toHaveProperty('nudge');
    expect(await bot.say('王主任', '/提醒 列表')).toContain('催办：已关闭');
    expect(await bot.say('赵院长', '/提醒 开启 个人提醒')).toContain('仅限管理员使用');
  }, LONG);
});
