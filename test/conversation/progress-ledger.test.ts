// 我的 and 本单位 show feedback and the unit's ledger; the REST API carries the 五落实 with a
// computed overdue flag and the item's history.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { createHttpApp } from '../../src/http/server.ts';

let bot: TestBot;
beforeEach(async () => { bot = await testBot({ now: '2026-11-20T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

async function confirm(who: string, text: string) {
  expect(await bot.say(who, text)).toContain('请回复「确认」');
  return bot.say(who, '确认');
}

describe('progress views with feedback and the ledger', () => {
  it('我的 lists my named feedback and its answer', async () => {
    await bot.say('张三', '意见 门诊候诊时间太长');
    await bot.say('张三', '匿名意见 这条不该出现在我的里');
    await confirm('王主任', '/意见 答复 YJ-0001 已调整排班');
    const me = await bot.say('张三', '我的');
    expect(me).toContain('我的意见建议 1 条，已答复 1 条');
    expect(me).toContain('YJ-0001【已答复】门诊候诊时间太长（答复：已调整排班）');
    expect(me).not.toContain('这条不该出现');
  });

  it('本单位 shows open, due-soon and overdue items and feedback waiting for the unit', async () => {
    await confirm('王主任', '/整改 新增 县人民医院 问题：候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2026-11-22');
    await confirm('王主任', '/整改 新增 县人民医院 问题：病历书写不规范 措施：每月抽查 分管领导：刘局长 时限：2026-11-30');
    await bot.say('李四', '建议 单位：县人民医院 公开投诉电话');
    bot.setNow('2026-11-24T09:00:00+08:00'); // ZG-0001 two days late; ZG-0002 six days away
    let report = await bot.say('赵院长', '本单位');
    expect(report).toContain('整改事项：未销号 2 项（待销号 0，即将到期 0，逾期 1）');
    expect(report).toContain('⚠️ ZG-0001 已逾期 2 天：候诊时间长');
    expect(report).toContain('转给本单位待答复的意见 1 条：YJ-0001');
    bot.setNow('2026-11-28T09:00:00+08:00');
    report = await bot.say('赵院长', '本单位');
    expect(report).toContain('⏰ ZG-0002 11月30日到期：病历书写不规范');
    await bot.say('赵院长', '整改 完成 ZG-0001 已增设两个窗口');
    report = await bot.say('赵院长', '本单位');
    expect(report).toContain('待销号 1，即将到期 1，逾期 0');
  });

  it('REST /api/v1/rectifications carries the 五落实, overdue and history', async () => {
    await confirm('王主任', '/整改 新增 县人民医院 问题：候诊时间长 措施：增设窗口 分管领导：刘局长 时限：2026-11-22 类别：立即整改 期限：近期');
    await bot.say('赵院长', '整改 进展 ZG-0001 已采购自助机');
    const web = createHttpApp(bot.app, { adminToken: 'tok', log: pino({ level: 'silent' }) });
    const server = web.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const get = async (q: string) => (await (await fetch(`http://127.0.0.1:${port}/api/v1/rectifications${q}`, { headers: { authorization: 'Bearer tok' } })).json()) as { items: Record<string, any>[] };
      const { items } = await get('');
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        code: 'ZG-0001', problem: '候诊时间长', measures: '增设窗口', leaderName: '刘局长', unitName: '县人民医院',
        deadline: '2026-11-22', category: '立即整改', term: '近期', status: 'in_progress',
      });
      expect(items[0].history.map((h: { action: string }) => h.action)).toEqual(['create', 'progress']);
      expect(items[0].history[1].note).toBe('已采购自助机');
      expect(items[0].overdue).toBe(false);
      bot.setNow('2026-11-23T00:00:30+08:00'); // the first minute of the day after the deadline, in Shanghai
      expect((await get(''))[`items`][0].overdue).toBe(true);
      expect((await get('?overdue=true')).items.map((i) => i.code)).toEqual(['ZG-0001']);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/rectifications?status=nope`, { headers: { authorization: 'Bearer tok' } })).status).toBe(400);
    } finally { server.close(); }
  });
});
