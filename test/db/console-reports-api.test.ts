// The console's 报送 API over plain HTTP, as a signed-in person: the documents /报送 drafts, with its
// choices and scope (admins all units, leaders theirs, heads their own unit's, staff none), kept and
// downloaded as exports are (only by whoever made it), audited as report.create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, type ConsoleApi } from '../support/console-api.ts';
import { auditLog, units } from '../../src/db/schema.ts';

let bot: TestBot;
let api: ConsoleApi;
const unitId: Record<string, number> = {};

beforeAll(async () => {
  bot = await testBot({ now: '2026-12-10T10:00:00+08:00' });
  api = await consoleApi(bot);
  for (const u of await bot.db.select().from(units)) unitId[u.name] = u.id;
  expect(await bot.say('张三', '打卡 学习《党章》 1小时')).toContain('已记录');
  expect(await bot.say('钱院长', '打卡 观看警示教育片 2小时')).toContain('已记录');
  expect(await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性。')).toContain('已收到');
}, 120_000);
afterAll(async () => {
  await api?.close();
  await bot?.close();
});

const textOf = async (data: Buffer) => {
  const xml = await (await JSZip.loadAsync(data)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
};

describe('/console/api/reports', { timeout: 60_000 }, () => {
  it('offers the kinds, phases and tasks; builds a 总结 an admin downloads; nobody else downloads it', async () => {
    const opts = await api.get('王主任', '/reports');
    expect(opts.status).toBe(200);
    expect(opts.body.kinds.map((k: { kindCn: string }) => k.kindCn)).toEqual(['通报', '总结', '台账', '汇编', '统计表']);
    expect(opts.body.phases).toEqual([expect.objectContaining({ seq: 1, name: '学习动员' })]);
    expect(opts.body.tasks).toEqual(['心得体会', '剖析材料']);
    const made = await api.post('王主任', '/reports', { kind: 'summary', phaseSeq: 1 });
    expect(made.status, made.text).toBe(200);
    expect(made.body.message).toBe('已生成总结「医德医风大讨论第一阶段工作总结.docx」（第一阶段（学习动员））。');
    const file = await api.get('王主任', made.body.url.replace('/console/api', ''), { accept: 'text/html' });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('wordprocessingml');
    expect(await textOf(file.bytes)).toContain('全系统3个单位共有干部职工10人参加学习，参学2人');
    expect((await api.get('赵院长', made.body.url.replace('/console/api', ''), { accept: 'text/html' })).status).toBe(404);
    const audit = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'report.create'));
    expect(audit.at(-1)).toMatchObject({ target: `export#${made.body.id}` });
  });

  it('a head gets their own unit\'s 统计表 and 汇编, not another unit\'s or the 通报; staff nothing; bad input a 400', async () => {
    const own = await api.post('赵院长', '/reports', { kind: 'compilation', task: '心得体会' });
    expect(own.status, own.text).toBe(200);
    expect(own.body.fileName).toBe('县人民医院医德医风大讨论「心得体会」汇编.docx');
    const other = await api.post('赵院长', '/reports', { kind: 'stats', unitId: unitId['县中医院'] });
    expect(other.status).toBe(403);
    expect(other.body.message).toBe('负责人只能生成本单位（县人民医院）的材料，不能生成「县中医院」的。');
    expect((await api.post('赵院长', '/reports', { kind: 'circular' })).body.message).toContain('通报文件由活动办公室生成');
    expect((await api.post('张三', '/reports', { kind: 'stats' })).status).toBe(403);
    const bad = await api.post('王主任', '/reports', { kind: 'brief' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('类型只能是');
    const noTask = await api.post('王主任', '/reports', { kind: 'compilation', task: '学习计划' });
    expect(noTask.status).toBe(409);
    expect(noTask.body.message).toContain('没有找到任务「学习计划」');
  });
});
