// 导入工作安排 in the web console's API (/console/api/plan/import/…), admins only as in the CLI:
// the workbook uploaded, a bad row anywhere a 422 naming each by sheet and line with nothing
// written; else a token, whose preview is the CLI's, and 确认 imports it once (the announcement of
// a phase already begun goes out as 阶段 开启's); heads are refused and audited. The 文成 plan
// imported into a 2012 campaign.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, refused, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, outbox, phases, tasks } from '../../src/db/schema.ts';
import { runOperation } from '../../src/operations.ts';
import { readWorkbookData } from '../../src/directory-file/read-table.ts';
import { WENCHENG_CAMPAIGN, wenchengPlan, workbook } from '../fixtures/wencheng-plan.ts';

let bot: TestBot;
let api: ConsoleApi;
beforeAll(async () => {
  // 2012-08-09 (Thursday): 第一、第二、第三阶段 are all under way when the plan is loaded.
  bot = await testBot({ seed: 'directory', now: '2012-08-09T10:00:00+08:00' });
  api = await consoleApi(bot);
  await bot.say('王主任', `/活动 新建 ${WENCHENG_CAMPAIGN.name} ${WENCHENG_CAMPAIGN.start} ${WENCHENG_CAMPAIGN.end}`);
  await bot.say('王主任', '确认');
}, 120_000);
afterAll(async () => { await api?.close(); await bot?.close(); });

const upload = async (name: string, who: string, data: Buffer) =>
  api.http('POST', `/plan/import/upload?name=${encodeURIComponent(name)}`, { ...(await api.as(who)), raw: data });

describe('导入工作安排 through the console', () => {
  it('refuses heads, lists bad rows by sheet and line, previews as the CLI does, imports once', async () => {
    refused(await upload('plan.xlsx', '赵院长', await wenchengPlan()), 403, /仅限管理员/);
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'))).toEqual([expect.objectContaining({ actor: '赵院长', target: 'plan.import' })]);
    refused(await upload('plan.csv', '王主任', Buffer.from('阶段\n宣传发动')), 400, /只支持 \.xlsx/);

    const bad = await upload('bad.xlsx', '王主任', await workbook({ 阶段: [['阶段', '时间'], ['宣传发动', '七月底']], 任务: [['阶段', '任务', '截止日期'], ['宣传发动', '心得', '8月40日']] }));
    expect(bad.status).toBe(422);
    expect(bad.body).toEqual({
      error: 'rows_invalid', message: '工作安排有 2 行有误，未导入任何内容。请改正后重新上传。',
      rows: [
        { sheet: '阶段', line: 2, reason: '时间「七月底」看不懂（可写 2012年8月、2012年8月-12月、2012年7月25日至8月10日）' },
        { sheet: '任务', line: 2, reason: '阶段「宣传发动」所在的「阶段」表第 2 行有误，请先改正那一行；截止日期「8月40日」看不懂（可写 2012-08-01、2012年8月1日、8月1日，或整月 2012年8月）' },
      ],
    });

    const up = await upload('文成-工作安排.xlsx', '王主任', await wenchengPlan());
    expect(up.status, up.text).toBe(200);
    const token = up.body.token as string;
    const pv = await api.post('王主任', '/plan/import/preview', { token });
    expect(pv.status, pv.text).toBe(200);
    const cli = await runOperation(bot.app.database, {
      op: 'plan.import', file: 'x.xlsx', sheets: await readWorkbookData(await wenchengPlan(), 'x.xlsx'), yes: false,
    }, { now: bot.now() });
    expect(cli.message.startsWith(pv.body.preview)).toBe(true);
    expect(pv.body.preview).toContain('  ＋ 第2阶段「广泛讨论」8月1日 至 8月31日（进行中）');
    expect(pv.body.preview).toContain('  ＋ 第1阶段「宣传发动」7月25日 至 8月10日，每人目标 3小时（进行中）'); // 4学时, in the campaign's unit (hours)
    expect(await bot.db.select().from(phases)).toEqual([]);
    refused(await api.post('赵院长', '/plan/import', { token }), 403);

    const done = await api.post('王主任', '/plan/import', { token });
    expect(done.status, done.text).toBe(200);
    expect(done.body.message).toContain('阶段新增 4 个');
    expect(done.body.message).toContain('已开始的阶段「宣传发动」「广泛讨论」「改进提高」已通知活动群和各单位负责人。');
    expect((await bot.db.select().from(phases).orderBy(asc(phases.seq))).map((p) => [p.name, p.announcedOn])).toEqual([
      ['宣传发动', '2012-08-09'], ['广泛讨论', '2012-08-09'], ['改进提高', '2012-08-09'], ['健全机制', null],
    ]);
    expect(await bot.db.select().from(tasks)).toHaveLength(5);
    const told = await bot.db.select().from(outbox).where(like(outbox.idempotencyKey, 'phase-open:%'));
    expect(told.filter((o) => o.targetKind === 'member')).toHaveLength(3 * 3); // three heads, three phases
    expect(await bot.db.select().from(auditLog).where(eq(auditLog.action, 'plan.import'))).toEqual([expect.objectContaining({ actor: '王主任', target: '文成-工作安排.xlsx' })]);
    refused(await api.post('王主任', '/plan/import', { token }), 409, '这份预览已经导入过了。');

    // The page lists both phases in progress, with their 工作内容 and 工作标准.
    const { body } = await api.get('王主任', '/campaigns');
    expect(body.phases.map((p: any) => [p.name, p.stateCn, p.open])).toEqual([
      ['宣传发动', '进行中', true], ['广泛讨论', '进行中', true], ['改进提高', '进行中', true], ['健全机制', '未开始', true],
    ]);
    expect(body.phases[1].workContent).toBe('1、学比标杆；2、互评互议；3、自我剖析');
  });
});
