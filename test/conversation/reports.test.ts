// 报送: the documents the office sends upward, asked for in chat (/报送) and read back as the
// upper level would open them — the .docx is a zip of XML (page setup, fonts, headings, the
// figures in the text), the 统计表 an .xlsx whose total row is the sum of its rows, and both
// agree with the records the bot took. The demo: 医德医风大讨论 began 12-03, phase 1 学习动员
// (target 10 学时), tasks 心得体会 (everyone) and 剖析材料 (heads), two required readings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir, copyFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { runOperation } from '../../src/operations.ts';
import type { Push } from '../../src/platforms/console/console-adapter.ts';

const LONG = 120_000;
const run = promisify(execFile);
const has = async (cmd: string) => run('sh', ['-c', `command -v ${cmd}`]).then(() => true, () => false);
const CAN_RENDER = (await has('soffice')) && (await has('pdftoppm'));
const SHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots', 'reports');
let bot: TestBot;
beforeEach(async () => { bot = await testBot({ now: '2026-12-10T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

async function confirm(who: string, text: string) {
  const preview = await bot.say(who, text);
  expect(preview).toContain('请回复「确认」');
  return bot.say(who, '确认');
}

/** The last file pushed to `name`. */
async function pushedFile(name: string): Promise<{ name: string; data: Buffer }> {
  await bot.drain();
  const push = (bot.pushes() as Push[]).filter((p) => p.to === name && p.file).at(-1);
  expect(push, `no file pushed to ${name}`).toBeTruthy();
  return { name: push!.file!.name, data: Buffer.from(push!.file!.data) };
}

/** A .docx's parts as XML text. */
async function docxParts(data: Buffer) {
  const zip = await JSZip.loadAsync(data);
  const part = async (p: string) => (await zip.file(p)?.async('string')) ?? '';
  const footers = await Promise.all(Object.keys(zip.files).filter((f) => /^word\/footer\d+\.xml$/.test(f)).map(part));
  return { document: await part('word/document.xml'), styles: await part('word/styles.xml'), settings: await part('word/settings.xml'), footers };
}
/** The document's text, paragraph by paragraph. */
const paragraphs = (xml: string) => [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)]
  .map((m) => [...m[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''));
/** The runs (font, size) of the last paragraph whose text is `text` (a table of contents repeats a heading before it). */
function runsOf(xml: string, text: string) {
  const p = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => m[0]).filter((x) => paragraphs(x)[0] === text).at(-1);
  expect(p, `no paragraph 「${text}」`).toBeTruthy();
  return [...p!.matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)].map((r) => ({
    font: /w:eastAsia="([^"]+)"/.exec(r[1])?.[1], size: Number(/<w:sz w:val="(\d+)"/.exec(r[1])?.[1]),
  }));
}

/** What the bot records before the reports: the same for every test. */
async function seed() {
  expect(await bot.say('张三', '打卡 学习《党章》 1小时 心得：很有收获')).toContain('已记录');
  expect(await bot.say('李四', '打卡 学习 30分钟')).toContain('已记录');
  expect(await bot.say('钱院长', '打卡 观看警示教育片 2小时')).toContain('已记录');
  expect(await bot.say('张三', '提交 心得体会 通过这次学习，我深刻认识到医德医风建设的重要性，要从自身做起。\n今后要把学习成果转化为服务患者的实际行动。')).toContain('已收到');
  expect(await bot.say('周敏', '提交 心得体会 学习警示教育案例后，我更加明白廉洁行医是每名医务人员的底线。')).toContain('已收到');
  expect(await bot.say('张三', '意见 门诊候诊时间太长')).toContain('YJ-0001');
  expect(await confirm('王主任', '/整改 新增 县人民医院 问题：门诊高峰期排队时间长 措施：增设自助机 4 台 分管领导：刘局长 时限：2026-12-11')).toContain('ZG-0001');
  expect(await confirm('王主任', '/整改 新增 县中医院 问题：院感培训不足 措施：每季度全员培训 分管领导：刘局长 时限：2027-06-30')).toContain('ZG-0002');
  // Sunday 12-13: ZG-0001 is two days late.
  bot.setNow('2026-12-13T10:00:00+08:00');
}

describe('/报送', { timeout: LONG }, () => {
  it('统计: one row per unit and a total that is the sum of its rows, with the records\' figures', async () => {
    await seed();
    const reply = await bot.say('王主任', '/报送 统计 全程');
    expect(reply).toContain('已生成统计表「医德医风大讨论统计表（活动开展以来）.xlsx」');
    const file = await pushedFile('王主任');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(String(ws.getCell('A1').value)).toBe('医德医风大讨论统计表');
    const header = (ws.getRow(3).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 5)).toEqual(['序号', '单位', '人数', '参学人数', '参学率']);
    expect(header).toContain('提交「心得体会」（份）');
    const col = (h: string) => header.indexOf(h) + 1;
    const rows: Record<string, unknown>[] = [];
    for (let r = 4; r <= ws.rowCount; r++) {
      const name = ws.getRow(r).getCell(2).value;
      if (!name) break;
      rows.push(Object.fromEntries(header.map((h, i) => {
        const v = ws.getRow(r).getCell(i + 1).value as unknown;
        // A total is a SUM formula; exceljs leaves out a cached result of 0.
        return [h, v && typeof v === 'object' && 'formula' in (v as object) ? (v as { result?: unknown }).result ?? 0 : v];
      })));
    }
    const units = rows.filter((r) => r['单位'] !== '合计');
    const total = rows.find((r) => r['单位'] === '合计')!;
    expect(units.map((u) => u['单位']).sort()).toEqual(['县中医院', '县人民医院', '城关镇卫生院']);
    // The records: 张三 1 h, 李四 0.5 h (县人民医院, 5 people), 钱院长 2 h (县中医院, 3 people).
    const rmyy = units.find((u) => u['单位'] === '县人民医院')!;
    expect([rmyy['人数'], rmyy['参学人数'], rmyy['参学率'], rmyy['学习时长（小时）']]).toEqual([5, 2, '40%', 1.5]);
    expect([rmyy['提交「心得体会」（份）'], rmyy['查摆问题（个）'], rmyy['逾期（个）']]).toEqual([1, 1, 1]);
    // Every counted column's total is the sum of the rows (and a SUM formula over them).
    for (const h of ['人数', '参学人数', '学习时长（小时）', '集中学习（次）', '必读应学（人次）', '提交「心得体会」（份）', '意见建议（条）', '查摆问题（个）', '逾期（个）', '督查发现（个）', '典型案例（篇）', '制度成果（项）']) {
      expect(total[h], h).toBeCloseTo(units.reduce((t, u) => t + Number(u[h]), 0), 5);
    }
    expect(total['学习时长（小时）']).toBe(3.5);
    expect(total['参学率']).toBe(`${Math.round((3 / 10) * 1000) / 10}%`);
    const formula = ws.getRow(4 + units.length).getCell(col('人数')).value as { formula: string };
    expect(formula.formula).toBe(`SUM(C4:C${3 + units.length})`);
  });

  it('总结: GB/T 9704 page and fonts, every figure filled in from the records, 下步打算 left for the office', async () => {
    await seed();
    // A 督查 at 县人民医院 with one finding turned into the ledger; a 典型案例 selected; a 制度 recorded.
    expect(await confirm('王主任', '/督查 新建 12月督查 单位：县人民医院 带队：刘局长 日期：12月12日')).toContain('DC-01');
    expect(await bot.say('刘局长', '督查 发现 DC-01 县人民医院 部分职工学习笔记不全 转整改 措施：每周检查笔记 时限：2027-01-31')).toContain('ZG-0003');
    expect(await bot.say('张三', '案例 提交 预约挂号缩短候诊 推行分时段预约，门诊候诊时间由40分钟降到15分钟。')).toContain('AL-001');
    expect(await confirm('王主任', '/案例 选用 AL-001')).toContain('AL-001');
    expect(await bot.say('赵院长', '制度 提交 门诊排队管理办法 高峰期增开窗口，弹性排班。')).toContain('ZD-001');
    const reply = await bot.say('王主任', '/报送 总结 第一阶段');
    expect(reply).toContain('医德医风大讨论第一阶段工作总结.docx');
    expect(reply).toContain('标黄处');
    const { document, styles, footers } = await docxParts((await pushedFile('王主任')).data);
    // A4, top 37 mm, left 28 mm, right 26 mm, bottom 35 mm (in twips); 22 lines to the page.
    expect(document).toMatch(/<w:pgSz w:w="11906" w:h="16838" w:orient="portrait"/);
    expect(document).toMatch(/<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587"/);
    expect(document).toMatch(/<w:docGrid w:type="lines" w:linePitch="579"/);
    const text = paragraphs(document);
    expect(text[0]).toBe('医德医风大讨论第一阶段工作总结');
    expect(runsOf(document, text[0])).toEqual([{ font: '方正小标宋简体', size: 44 }]);
    expect(text).toEqual(expect.arrayContaining(['一、总体情况', '二、主要做法', '三、存在问题', '四、下步打算']));
    expect(runsOf(document, '一、总体情况')[0]).toEqual({ font: '黑体', size: 32 });
    expect(document).toContain('<w:pStyle w:val="Heading1"/>');
    // Word's built-in 标题 1 is blue and bold: the document's own is black 3号 黑体.
    const heading1 = /<w:style [^>]*w:styleId="Heading1"[\s\S]*?<\/w:style>/.exec(styles)![0];
    expect(heading1).toContain('<w:color w:val="000000"/>');
    expect(heading1).toContain('w:eastAsia="黑体"');
    expect(heading1).toContain('<w:b w:val="false"/>');
    const overall = text[text.indexOf('一、总体情况') + 1];
    expect(runsOf(document, overall)[0]).toEqual({ font: '仿宋_GB2312', size: 32 });
    expect(overall).toContain('2026年12月3日至2026年12月13日，全系统3个单位共有干部职工10人参加学习，参学3人，参学率30%；累计学习3.5小时（折合');
    expect(text.join('\n')).toContain('共提交「心得体会」2份');
    expect(text.join('\n')).toContain('收到1条');
    expect(text.join('\n')).toContain('查摆问题3个，已整改销号0个，整改率0%，逾期未完成1个');
    expect(text).toContain('开展督查1次，发现问题1个，其中1个已列入整改台账。');
    expect(text).toContain('报送典型案例1篇，选用1篇；建立制度成果1项。');
    expect(text).toContain('选用的典型案例：《预约挂号缩短候诊》（县人民医院）。');
    // 存在问题 names the overdue item; 下步打算 is a highlighted placeholder.
    expect(text.join('\n')).toContain('ZG-0001（县人民医院，门诊高峰期排队时间长，逾期2天）');
    expect(text).toContain('【请办公室填写：下步工作打算】');
    expect(document).toMatch(/<w:highlight w:val="yellow"\/>[\s\S]{0,400}下步工作打算/);
    // Sender and date at the end; page numbers — 1 — in 4号 宋体, odd right, even left.
    expect(text.slice(-2)).toEqual(['医德医风大讨论领导小组办公室', '2026年12月13日']);
    expect(footers.join('')).toContain('PAGE');
    expect(footers.some((f) => f.includes('w:val="right"') && f.includes('宋体') && f.includes('<w:sz w:val="28"/>'))).toBe(true);
    expect(footers.some((f) => f.includes('w:val="left"'))).toBe(true);
  });

  it('a head gets their own unit\'s versions only; staff none', async () => {
    await seed();
    expect(await bot.say('赵院长', '/报送 总结 全程')).toContain('县人民医院医德医风大讨论工作总结.docx');
    const { document } = await docxParts((await pushedFile('赵院长')).data);
    const text = paragraphs(document).join('\n');
    expect(text).toContain('县人民医院共有干部职工5人参加学习，参学2人');
    expect(text).not.toContain('县中医院');
    expect(paragraphs(document).slice(-2)[0]).toBe('县人民医院');
    expect(await bot.say('赵院长', '/报送 统计 县中医院')).toContain('负责人只能生成本单位（县人民医院）的材料');
    expect(await bot.say('赵院长', '/报送 通报')).toContain('通报文件由活动办公室生成');
    expect(await bot.say('张三', '/报送 总结')).toMatch(/没有权限|仅限|负责人/);
    expect(await bot.say('刘局长', '/报送 台账 城关镇卫生院')).toContain('不是您分管的单位');
  });

  it('台账 in landscape with the 五落实 columns; 汇编 of one task with a table of contents; 通报 with the ranking', async () => {
    await seed();
    expect(await bot.say('王主任', '/报送 台账')).toContain('医德医风大讨论整改台账.docx');
    const ledger = await docxParts((await pushedFile('王主任')).data);
    expect(ledger.document).toMatch(/<w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/);
    const lt = paragraphs(ledger.document);
    expect(lt).toEqual(expect.arrayContaining(['存在问题', '整改措施', '责任单位', '分管领导', '责任人', '整改时限', '整改情况', '门诊高峰期排队时间长', '2026年12月11日', '未开始（逾期2天）']));

    expect(await bot.say('王主任', '/报送 汇编')).toContain('汇编哪项任务的材料');
    expect(await bot.say('王主任', '/报送 汇编 学习计划')).toContain('没有找到任务「学习计划」');
    expect(await bot.say('王主任', '/报送 汇编 剖析材料')).toContain('还没有人提交');
    expect(await bot.say('王主任', '/报送 汇编 心得体会')).toContain('医德医风大讨论「心得体会」汇编.docx');
    const comp = await docxParts((await pushedFile('王主任')).data);
    const ct = paragraphs(comp.document);
    expect(comp.document).toContain('TOC \\h \\o &quot;1-2&quot;');
    expect(ct).toContain('目　录');
    expect(ct).toEqual(expect.arrayContaining(['一、县人民医院', '（一）张三', '通过这次学习，我深刻认识到医德医风建设的重要性，要从自身做起。',
      '今后要把学习成果转化为服务患者的实际行动。', '二、县中医院', '（一）周敏']));
    expect(runsOf(comp.document, '（一）张三')[0].font).toBe('楷体_GB2312');

    expect(await bot.say('王主任', '/报送 通报')).toContain('关于医德医风大讨论开展情况的通报');
    const circ = await docxParts((await pushedFile('王主任')).data);
    const tt = paragraphs(circ.document);
    expect(tt[1]).toBe('（2026年12月上半月）');
    expect(tt).toEqual(expect.arrayContaining(['名次', '单位', '得分', '县中医院', '县人民医院', '城关镇卫生院']));
    expect(tt.join('\n')).toContain('城关镇卫生院综合得分排名末位');
    // The circular's chart, embedded as a picture under 总体情况.
    expect(circ.document).toContain('<pic:pic');
    expect(tt).toContain('图：各单位得分排名、参学与学时情况');
  });

  it('says what it does not know, and writes nothing', async () => {
    expect(await bot.say('王主任', '/报送 简报')).toContain('不认识「简报」');
    expect(await bot.say('王主任', '/报送 总结 第五阶段')).toContain('没有找到阶段「五」');
  });

  it('the CLI writes the same documents: report 统计 --phase 全程, report 总结 --unit', async () => {
    await seed();
    const stats = await runOperation(bot.app.database, { op: 'report', kind: '统计', phase: '全程' }, { now: bot.now() });
    expect(stats.ok).toBe(true);
    expect(stats.message).toBe('已生成统计表「医德医风大讨论统计表（活动开展以来）.xlsx」（活动开展以来）。');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(stats.file!.base64, 'base64') as unknown as ArrayBuffer);
    expect(wb.worksheets[0].getCell('B4').value).toBeTruthy();
    const summary = await runOperation(bot.app.database, { op: 'report', kind: '总结', phase: '第一阶段', unit: '县中医院' }, { now: bot.now() });
    expect(summary.message).toContain('县中医院医德医风大讨论第一阶段工作总结.docx');
    const text = paragraphs((await docxParts(Buffer.from(summary.file!.base64, 'base64'))).document).join('\n');
    expect(text).toContain('县中医院共有干部职工3人参加学习，参学1人');
    const bad = await runOperation(bot.app.database, { op: 'report', kind: '汇编', task: '不存在的任务' }, { now: bot.now() });
    expect(bad).toMatchObject({ ok: false });
    expect(bad.message).toContain('没有找到任务「不存在的任务」');
  });

  // Rendered as the upper level opens them: LibreOffice → PDF → PNG of the first pages, kept in
  // docs/screenshots/reports to look at. Needs soffice and pdftoppm (bash scripts/document-deps.sh).
  it.skipIf(!CAN_RENDER)('each kind renders with LibreOffice: pages of A4 with the text in place (skipped without soffice/pdftoppm: bash scripts/document-deps.sh)', { timeout: 300_000 }, async () => {
    await seed();
    const dir = await mkdtemp(join(tmpdir(), 'reports-'));
    try {
      await mkdir(SHOTS, { recursive: true });
      const kinds: [string, Record<string, string>][] = [['总结', { phase: '第一阶段' }], ['通报', {}], ['台账', {}], ['汇编', { task: '心得体会' }]];
      for (const [kind, extra] of kinds) {
        const r = await runOperation(bot.app.database, { op: 'report', kind, ...extra }, { now: bot.now() });
        expect(r.ok, r.message).toBe(true);
        const docx = join(dir, `${kind}.docx`);
        await writeFile(docx, Buffer.from(r.file!.base64, 'base64'));
        await run('soffice', ['--headless', `-env:UserInstallation=file://${dir}/lo`, '--convert-to', 'pdf', '--outdir', dir, docx], { timeout: 120_000 });
        const pdf = join(dir, `${kind}.pdf`);
        const { stdout: info } = await run('pdfinfo', [pdf]);
        expect(info).toMatch(kind === '台账' ? /Page size:\s+841\.\d+ x 595\.\d+ pts/ : /Page size:\s+595\.\d+ x 841\.\d+ pts/);
        const { stdout: pdfText } = await run('pdftotext', ['-layout', pdf, '-']);
        expect(pdfText.replace(/\s+/g, '')).toContain({ 总结: '一、总体情况', 通报: '各单位排名', 台账: '门诊高峰期排队时间长', 汇编: '张三' }[kind]);
        expect(pdfText).toMatch(/—\s*1\s*—/);
        await run('pdftoppm', ['-r', '50', '-png', '-f', '1', '-l', '2', pdf, join(dir, kind)]);
        for (const f of (await readdir(dir)).filter((x) => x.startsWith(`${kind}-`) && x.endsWith('.png'))) {
          const png = await readFile(join(dir, f));
          expect(png.readUInt32BE(16)).toBeGreaterThan(200); // width in pixels
          await copyFile(join(dir, f), join(SHOTS, f));
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
