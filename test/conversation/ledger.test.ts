// The rectification ledger (整改台账) through chat: admins add, edit, extend, close and return
// items; heads report progress and completion and make public commitments; leaders look at
// their units. Each test checks the reply AND what was stored (items, history, outbox).
// Run with TZ=UTC: "overdue" must follow the Asia/Shanghai calendar day, not the server's.
import { afterEach, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { testBot, type TestBot, type TestBotOptions } from '../support/test-bot.ts';
import { auditLog, campaigns, members, outbox, pendingConfirmations, rectificationHistory, rectifications, units } from '../../src/db/schema.ts';
import { ledgerCommands } from '../../handlers/ledger/index.ts';

let bot: TestBot;
afterEach(async () => { await bot?.close(); });

async function start(opts: TestBotOptions = {}): Promise<TestBot> {
  const b = await testBot(opts);
  // Until handlers/index.ts lists the ledger commands, add them to this bot's registry.
  const registry = b.app.bot.registry;
  if (!registry.find('rect.add')) registry.add(...ledgerCommands);
  return b;
}

const ADD_ZY = '/整改 新增 县人民医院 问题：门诊 高峰期 排队时间长 措施：增设自助机 4 台，高峰期增开窗口 分管领导：刘局长 时限：2027-03-31 类别：限期整改 期限：近期';

/** An admin adds an item (preview, then 确认) and gets its code back. */
async function add(text = ADD_ZY): Promise<string> {
  const preview = await bot.say('王主任', text);
  expect(preview).toContain('将新增整改事项');
  const done = await bot.say('王主任', '确认');
  expect(done).toContain('已新增整改事项');
  return /ZG-\d{4}/.exec(done)![0];
}

/** An admin command that needs 确认: returns [preview, result]. */
async function confirmed(name: string, text: string): Promise<[string, string]> {
  const preview = await bot.say(name, text);
  expect(preview).toContain('请回复「确认」');
  const done = await bot.say(name, '确认');
  // 确认 names the operation first (its preview's first line); the command's own reply follows.
  expect(done).toMatch(/^已确认「.+」。\n/);
  return [preview, done.replace(/^已确认「.+」。\n/, '')];
}

const idOf = (code: string) => Number(code.slice(3));
async function item(code: string) {
  const [r] = await bot.db.select().from(rectifications).where(eq(rectifications.id, idOf(code)));
  return r;
}
async function historyOf(code: string) {
  return bot.db.select().from(rectificationHistory).where(eq(rectificationHistory.itemId, idOf(code))).orderBy(asc(rectificationHistory.id));
}
async function memberId(name: string) {
  const [m] = await bot.db.select().from(members).where(eq(members.name, name));
  return m.id;
}
async function unitId(name: string) {
  const [u] = await bot.db.select().from(units).where(eq(units.name, name));
  return u.id;
}
async function pushesTo(name: string) {
  await bot.drain();
  return bot.pushes().filter((p) => p.to === name).map((p) => p.text);
}

describe('/整改 新增', () => {
  it('adds ZG-0001 with all 五落实 after a preview and 确认, links the leader, records history and tells the head', async () => {
    bot = await start();
    const preview = await bot.say('王主任', ADD_ZY);
    expect(preview).toContain('将新增整改事项（责任单位：县人民医院）：');
    expect(preview).toContain('问题：门诊 高峰期 排队时间长');
    expect(preview).toContain('措施：增设自助机 4 台，高峰期增开窗口');
    expect(preview).toContain('分管领导：刘局长；时限：2027年3月31日；类别：限期整改；期限：近期');
    expect(await bot.db.select().from(rectifications)).toHaveLength(0);

    const done = await bot.say('王主任', '确认');
    expect(done).toContain('已新增整改事项 ZG-0001。');
    expect(done).toContain('ZG-0001（未开始）');
    const [c] = await bot.db.select().from(campaigns);
    expect(await item('ZG-0001')).toMatchObject({
      campaignId: c.id, kind: 'item', unitId: await unitId('县人民医院'), problem: '门诊 高峰期 排队时间长',
      measures: '增设自助机 4 台，高峰期增开窗口', leaderName: '刘局长', leaderMemberId: await memberId('刘局长'),
      ownerMemberId: null, deadline: '2027-03-31', category: '限期整改', term: '近期', status: 'not_started', closedAt: null,
    });
    expect(await historyOf('ZG-0001')).toMatchObject([{ action: 'create', actor: '王主任', actorMemberId: await memberId('王主任') }]);
    const [head] = await pushesTo('赵院长');
    expect(head).toContain('县人民医院有一项新的整改事项 ZG-0001：门诊 高峰期 排队时间长');
    expect(head).toContain('整改 完成 ZG-0001');

    // Labels in other words (项目/整改措施/完成时限), no 类别/期限, a leader not in the directory.
    await bot.say('王主任', '/整改 新增 县中医院 项目：处方点评不及时 整改措施：每周点评一次 分管领导：陈副局长 完成时限：2027年1月31日');
    expect(await bot.say('王主任', '确认')).toContain('已新增整改事项 ZG-0002');
    expect(await item('ZG-0002')).toMatchObject({ problem: '处方点评不及时', measures: '每周点评一次', leaderName: '陈副局长', leaderMemberId: null, deadline: '2027-01-31', category: null, term: null });
  });

  it('refuses bad input in plain Chinese and stores nothing', async () => {
    bot = await start();
    const base = '/整改 新增 县人民医院 问题：门诊排队时间长 措施：增设自助机 分管领导：刘局长';
    expect(await bot.say('王主任', base)).toContain('缺少「时限：…」');
    expect(await bot.say('王主任', `${base} 时限：2026-12-01`)).toContain('时限 12月1日 已经过去了，请给一个今天或以后的日期。');
    expect(await bot.say('王主任', `${base} 时限：昨天`)).toContain('已经过去了');
    expect(await bot.say('王主任', `${base} 时限：12月40日`)).toContain('「时限」的日期「12月40日」看不懂');
    expect(await bot.say('王主任', `${base} 时限：2027-03-31 类别：随便整改`))
      .toContain('类别「随便整改」不在本活动的类别中：立即整改、限期整改、说明原因、多部门协同、长期坚持。');
    expect(await bot.say('王主任', `${base} 时限：2027-03-31 期限：马上`)).toContain('「期限」只能是 近期、中期、远期 之一，收到的是「马上」');
    expect(await bot.say('王主任', '/整改 新增 不存在的单位 问题：门诊排队 措施：增设自助机 分管领导：刘局长 时限：2027-03-31')).toContain('没有名为「不存在的单位」的单位');
    expect(await bot.say('王主任', '/整改 新增 县人民医院 问题：门诊排队 分管领导：刘局长 时限：2027-03-31')).toContain('缺少「措施：…」');
    expect(await bot.say('王主任', '/整改 新增 问题：门诊排队 措施：增设自助机 分管领导：刘局长 时限：2027-03-31')).toContain('缺少「责任单位」');
    expect(await bot.db.select().from(pendingConfirmations)).toHaveLength(0);
    expect(await bot.say('王主任', '确认')).toBe('没有等待确认的操作。');
    expect(await bot.db.select().from(rectifications)).toHaveLength(0);
  });

  it('works with no active campaign (campaignId null, the default categories)', async () => {
    bot = await start({ seed: 'directory' });
    await add(ADD_ZY.replace('限期整改', '长期坚持'));
    expect(await item('ZG-0001')).toMatchObject({ campaignId: null, category: '长期坚持' });
  });
});

describe('permissions', () => {
  it('refuses staff naming the roles, heads on other units, and leaders on admin commands', async () => {
    bot = await start();
    expect(await bot.say('张三', ADD_ZY)).toBe('「整改 新增」仅限管理员使用，你的角色是职工。');
    const zy = await add();
    await add('/整改 新增 城关镇卫生院 问题：公卫随访不到位 措施：建立随访台账 分管领导：王主任 时限：2027-02-28');

    // A 联络员 may list and read their unit's items too (test/conversation/audiences.test.ts).
    expect(await bot.say('张三', '整改 列表')).toBe('「整改 列表」仅限负责人、分管领导、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '整改 查看 ZG-0001')).toBe('「整改 查看」仅限负责人、分管领导、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '整改 进展 ZG-0001 已开会部署')).toBe('「整改 进展」仅限负责人、联络员、管理员使用，你的角色是职工。');
    expect(await bot.say('张三', '承诺 马上改 时限：2027-01-31')).toBe('「承诺」仅限负责人、管理员使用，你的角色是职工。');
    expect(await bot.say('刘局长', '整改 完成 ZG-0001 已完成')).toBe('「整改 完成」仅限负责人、联络员、管理员使用，你的角色是分管领导。');
    expect(await bot.say('刘局长', '/整改 销号 ZG-0001')).toBe('「整改 销号」仅限管理员使用，你的角色是分管领导。');
    expect(await bot.say('赵院长', '/整改 销号 ZG-0001')).toBe('「整改 销号」仅限管理员使用，你的角色是负责人。');
    expect(await bot.say('赵院长', '/整改 修改 ZG-0001 时限：2027-05-01')).toBe('「整改 修改」仅限管理员使用，你的角色是负责人。');
    expect(await bot.say('赵院长', '/整改 类别 设置 立即整改')).toBe('「整改 类别 设置」仅限管理员使用，你的角色是负责人。');

    // A head touching another unit's item: refused, naming both units.
    expect(await bot.say('钱院长', `整改 进展 ${zy} 已开会部署`)).toBe('ZG-0001 是县人民医院的整改事项，你只能办理本单位（县中医院）的事项。');
    expect(await bot.say('钱院长', `整改 完成 ${zy} 已完成`)).toBe('ZG-0001 是县人民医院的整改事项，你只能办理本单位（县中医院）的事项。');
    expect(await bot.say('钱院长', `整改 查看 ${zy}`)).toContain('ZG-0001 是县人民医院的整改事项，你只能查看本单位（县中医院）的事项。');
    expect(await bot.say('钱院长', '整改 列表 县人民医院')).toContain('你只能查看本单位（县中医院）的整改事项，不能查看县人民医院的');
    expect(await item(zy)).toMatchObject({ status: 'not_started' });
    expect((await historyOf(zy)).map((h) => h.action)).toEqual(['create']);

    // Leaders see the units they are in charge of, and no others.
    expect(await bot.say('刘局长', `整改 查看 ${zy}`)).toContain('问题：门诊 高峰期 排队时间长');
    expect(await bot.say('刘局长', '整改 查看 ZG-0002')).toContain('ZG-0002 是城关镇卫生院的整改事项，你不分管城关镇卫生院，不能查看。');
    expect(await bot.say('刘局长', '整改 列表 城关镇卫生院')).toContain('你不分管城关镇卫生院');

    const refused = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'command.refused'));
    expect(refused.map((a) => a.target)).toEqual(expect.arrayContaining(['rect.add', 'rect.close', 'rect.list', 'rect.progress']));
  });

  it('checks the role again on 确认', async () => {
    bot = await start();
    await add();
    await bot.say('王主任', '/整改 延期 ZG-0001 2027-06-30 设备采购周期长');
    await bot.db.update(members).set({ role: 'staff' }).where(eq(members.name, '王主任'));
    expect(await bot.say('王主任', '确认')).toBe('「整改 延期」仅限管理员使用。');
    expect(await item('ZG-0001')).toMatchObject({ deadline: '2027-03-31' });
  });
});

describe('codes', () => {
  it('accepts ZG-0001, zg-1, ZG1 and full-width forms; explains unknown and malformed codes', async () => {
    bot = await start();
    await add();
    for (const code of ['ZG-0001', 'zg-1', 'ZG1', 'ＺＧ－０００１', 'ｚｇ１', 'ZG－1']) {
      expect(await bot.say('王主任', `整改 查看 ${code}`), code).toContain('ZG-0001（未开始）');
    }
    expect(await bot.say('王主任', '整改 查看 ZG-9999')).toBe('没有编号为 ZG-9999 的整改事项。');
    expect(await bot.say('赵院长', '整改 进展 ZG-9999 已开会')).toBe('没有编号为 ZG-9999 的整改事项。');
    expect(await bot.say('王主任', '/整改 销号 ZG-9999')).toBe('没有编号为 ZG-9999 的整改事项。');
    expect(await bot.say('王主任', '/整改 退回 zg-9999 不行')).toBe('没有编号为 ZG-9999 的整改事项。');
    expect(await bot.say('王主任', '整改 查看 YJ-0001')).toContain('整改编号「YJ-0001」格式不对，应像 ZG-0001 这样。');
  });
});

describe('the status machine', () => {
  it('未开始 → 整改中 → 待销号 → (退回) 整改中 → 待销号 → 已销号, every step in history, heads and admins told', async () => {
    bot = await start();
    const zy = await add();
    expect(await bot.say('王主任', `/整改 销号 ${zy}`)).toBe('ZG-0001 现在是「未开始」，只有「待销号」的事项才能销号（需负责人先报「整改 完成」）。');
    expect(await bot.say('王主任', `/整改 退回 ${zy} 不行`)).toBe('ZG-0001 现在是「未开始」，只有「待销号」的事项才能退回。');

    expect(await bot.say('赵院长', `整改 进展 ${zy} 已采购自助机 4 台，下周安装`)).toContain('已记录 ZG-0001 的进展，状态：整改中');
    expect(await item(zy)).toMatchObject({ status: 'in_progress' });
    expect(await bot.say('赵院长', `整改 进展 ${zy}`)).toContain('缺少「进展情况」');
    await bot.say('赵院长', `整改 进展 ${zy} 自助机已到货`);
    expect(await item(zy)).toMatchObject({ status: 'in_progress' });
    expect(await bot.say('王主任', `/整改 销号 ${zy}`)).toContain('现在是「整改中」');

    expect(await bot.say('赵院长', `整改 完成 ${zy}`)).toContain('缺少「完成情况」');
    expect(await bot.say('赵院长', `整改 完成 ${zy} 自助机 4 台已投用`)).toBe('已报告 ZG-0001 完成，状态：待销号。管理员核实后销号。\n有照片、文件等佐证材料的，请在 10 分钟内直接发给我，会附到这次完成报告。');
    expect(await item(zy)).toMatchObject({ status: 'pending' });
    const [toAdmin] = await pushesTo('王主任');
    expect(toAdmin).toContain('县人民医院 赵院长 报告整改事项 ZG-0001（门诊 高峰期 排队时间长）已完成：自助机 4 台已投用');
    expect(toAdmin).toContain('/整改 销号 ZG-0001');
    const keys = (await bot.db.select().from(outbox)).map((o) => o.idempotencyKey);
    expect(keys.some((k) => /^rect-done:1:\d+:\d+$/.test(k))).toBe(true);
    expect(await bot.say('赵院长', `整改 进展 ${zy} 再补充一点`)).toBe('ZG-0001 现在是「待销号」，不能报进展。');
    expect(await bot.say('赵院长', `整改 完成 ${zy} 再报一次`)).toBe('ZG-0001 现在是「待销号」，不能报完成。');

    const [preview, returned] = await confirmed('王主任', `/整改 退回 ${zy} 急诊还没有覆盖`);
    expect(preview).toContain('将退回 ZG-0001（县人民医院：门诊 高峰期 排队时间长），改回「整改中」。\n原因：急诊还没有覆盖');
    expect(returned).toBe('已退回 ZG-0001，状态改回「整改中」，已通知县人民医院负责人。');
    expect(await item(zy)).toMatchObject({ status: 'in_progress' });
    expect((await pushesTo('赵院长')).at(-1)).toContain('ZG-0001（门诊 高峰期 排队时间长）被退回，已改回「整改中」。\n原因：急诊还没有覆盖');

    await bot.say('赵院长', `整改 完成 ${zy} 急诊也已覆盖`);
    expect(await item(zy)).toMatchObject({ status: 'pending' });
    const [closePreview, closed] = await confirmed('王主任', `/整改 销号 ${zy} 经现场核实`);
    expect(closePreview).toContain('将销号 ZG-0001（县人民医院：门诊 高峰期 排队时间长）\n说明：经现场核实');
    expect(closed).toBe('已销号 ZG-0001（县人民医院：门诊 高峰期 排队时间长）。');
    const row = await item(zy);
    expect(row.status).toBe('closed');
    expect(row.closedAt?.getTime()).toBe(bot.now().getTime());
    expect((await pushesTo('赵院长')).at(-1)).toContain('ZG-0001（门诊 高峰期 排队时间长）已核实销号。\n说明：经现场核实');
    expect((await pushesTo('王主任'))).toHaveLength(2); // one per 整改 完成

    // Closed is final.
    expect(await bot.say('王主任', `/整改 销号 ${zy}`)).toContain('现在是「已销号」');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 时限：2027-06-30`)).toBe('ZG-0001 已销号，不能修改。');
    expect(await bot.say('王主任', `/整改 延期 ${zy} 2027-06-30 再观察`)).toBe('ZG-0001 已销号，不能延期。');
    expect(await bot.say('赵院长', `整改 进展 ${zy} 持续巩固`)).toBe('ZG-0001 现在是「已销号」，不能报进展。');

    const history = await historyOf(zy);
    expect(history.map((h) => [h.action, h.actor, h.before, h.after, h.note])).toEqual([
      ['create', '王主任', null, null, null],
      ['progress', '赵院长', 'not_started', 'in_progress', '已采购自助机 4 台，下周安装'],
      ['progress', '赵院长', 'in_progress', 'in_progress', '自助机已到货'],
      ['complete', '赵院长', 'in_progress', 'pending', '自助机 4 台已投用'],
      ['return', '王主任', 'pending', 'in_progress', '急诊还没有覆盖'],
      ['complete', '赵院长', 'in_progress', 'pending', '急诊也已覆盖'],
      ['close', '王主任', 'pending', 'closed', '经现场核实'],
    ]);
    const shown = await bot.say('赵院长', `整改 查看 ${zy}`);
    expect(shown).toContain('ZG-0001（已销号）');
    expect(shown).toContain('赵院长 报进展（未开始 → 整改中）：已采购自助机 4 台，下周安装');
    expect(shown).toContain('赵院长 报进展：自助机已到货');
    expect(shown).toContain('王主任 退回（待销号 → 整改中）：急诊还没有覆盖');
    expect(shown).toContain('王主任 销号（待销号 → 已销号）：经现场核实');
    expect(shown.indexOf('新增')).toBeLessThan(shown.indexOf('退回'));
    expect(shown.indexOf('退回')).toBeLessThan(shown.indexOf('销号（'));
    const audited = await bot.db.select().from(auditLog).where(eq(auditLog.target, 'ZG-0001'));
    expect(audited.map((a) => a.action)).toEqual(['rectification.create', 'rectification.progress', 'rectification.progress',
      'rectification.complete', 'rectification.return', 'rectification.complete', 'rectification.close']);
  });

  it('an admin may report progress too; 取消 leaves the item alone', async () => {
    bot = await start();
    const zy = await add();
    expect(await bot.say('王主任', `整改 进展 ${zy} 局里已督导`)).toContain('状态：整改中');
    await bot.say('赵院长', `整改 完成 ${zy} 已完成`);
    await bot.say('王主任', `/整改 销号 ${zy}`);
    expect(await bot.say('王主任', '取消')).toMatch(/^已取消「.+」，未做任何更改。$/);
    expect(await item(zy)).toMatchObject({ status: 'pending' });
  });
});

describe('/整改 修改 and /整改 延期', () => {
  it('changes fields with before/after in history; validates each field', async () => {
    bot = await start();
    const zy = await add();
    const [preview, done] = await confirmed('王主任', `/整改 修改 ${zy} 时限：2027-04-30 分管领导：钱院长`);
    expect(preview).toContain('将修改 ZG-0001（县人民医院）：\n  时限：2027年3月31日 → 2027年4月30日\n  分管领导：刘局长 → 钱院长');
    expect(done).toBe('已修改 ZG-0001：时限：2027年4月30日；分管领导：钱院长。');
    expect(await item(zy)).toMatchObject({ deadline: '2027-04-30', leaderName: '钱院长', leaderMemberId: await memberId('钱院长') });

    await confirmed('王主任', `/整改 修改 ${zy} 措施：增设自助机 6 台 类别：立即整改 期限：中期`);
    expect(await item(zy)).toMatchObject({ measures: '增设自助机 6 台', category: '立即整改', term: '中期' });

    await confirmed('王主任', `/整改 修改 ${zy} 责任单位：县中医院`);
    expect(await item(zy)).toMatchObject({ unitId: await unitId('县中医院') });
    expect((await pushesTo('钱院长')).at(-1)).toContain('整改事项 ZG-0001（门诊 高峰期 排队时间长）已修改：责任单位：县中医院');

    const updates = (await historyOf(zy)).filter((h) => h.action === 'update');
    expect(updates.map((h) => [h.field, h.before, h.after, h.actor])).toEqual([
      ['时限', '2027-03-31', '2027-04-30', '王主任'],
      ['分管领导', '刘局长', '钱院长', '王主任'],
      ['措施', '增设自助机 4 台，高峰期增开窗口', '增设自助机 6 台', '王主任'],
      ['类别', '限期整改', '立即整改', '王主任'],
      ['期限', '近期', '中期', '王主任'],
      ['责任单位', '县人民医院', '县中医院', '王主任'],
    ]);

    const shown = await bot.say('王主任', `整改 查看 ${zy}`);
    expect(shown).toContain('王主任 修改 时限：2027年3月31日 → 2027年4月30日');
    expect(shown).toContain('王主任 修改 责任单位：县人民医院 → 县中医院');
    expect(shown).toContain('责任单位：县中医院；分管领导：钱院长；时限：2027年4月30日；类别：立即整改；中期');

    expect(await bot.say('王主任', `/整改 修改 ${zy}`)).toContain('要修改 ZG-0001 的什么？可修改：问题、措施、分管领导、时限、类别、期限、责任单位');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 颜色：红`)).toContain('没看懂「颜色：红」');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 类别：随便`)).toContain('类别「随便」不在本活动的类别中');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 期限：马上`)).toContain('期限只能是 近期、中期、远期 之一');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 时限：2026-12-01`)).toContain('已经过去了');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 时限：下辈子`)).toContain('时限「下辈子」看不懂');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 责任单位：不存在的单位`)).toContain('没有名为「不存在的单位」的单位');
    expect(await bot.say('王主任', `/整改 修改 ${zy} 期限：中期`)).toContain('和原来一样');
    expect(await bot.say('王主任', '/整改 修改 ZG-9999 期限：中期')).toBe('没有编号为 ZG-9999 的整改事项。');
    expect((await historyOf(zy)).filter((h) => h.action === 'update')).toHaveLength(6);
  });

  it('extends the deadline with a reason, later than before, and tells the head', async () => {
    bot = await start();
    const zy = await add();
    expect(await bot.say('王主任', `/整改 延期 ${zy} 2027-01-01 提前`)).toBe('新时限 2027年1月1日 应晚于原时限 2027年3月31日。');
    expect(await bot.say('王主任', `/整改 延期 ${zy} 2027-06-30`)).toContain('缺少「原因」');
    expect(await bot.say('王主任', `/整改 延期 ${zy}`)).toContain('缺少「新时限」');
    const [preview, done] = await confirmed('王主任', `/整改 延期 ${zy} 2027-06-30 设备采购周期长`);
    expect(preview).toContain('将把 ZG-0001（县人民医院：门诊 高峰期 排队时间长）的时限从 2027年3月31日 延到 2027年6月30日。\n原因：设备采购周期长');
    expect(done).toBe('已将 ZG-0001 的时限延到 2027年6月30日。');
    expect(await item(zy)).toMatchObject({ deadline: '2027-06-30', status: 'not_started' });
    expect((await historyOf(zy)).at(-1)).toMatchObject({ action: 'extend', field: 'deadline', before: '2027-03-31', after: '2027-06-30', note: '设备采购周期长', actor: '王主任' });
    expect((await pushesTo('赵院长')).at(-1)).toContain('时限已延到 2027年6月30日。原因：设备采购周期长');
    expect(await bot.say('王主任', `整改 查看 ${zy}`)).toContain('王主任 延期 时限 2027年3月31日 → 2027年6月30日：设备采购周期长');
  });
});

describe('整改 列表', () => {
  it('heads see their unit (commitments included), leaders their units, admins all, with filters', async () => {
    bot = await start();
    await add(); // ZG-0001 县人民医院, 2027-03-31
    await add('/整改 新增 县中医院 问题：处方点评不及时 措施：每周点评 分管领导：刘局长 时限：12月12日'); // ZG-0002, due in 2 days
    await add('/整改 新增 城关镇卫生院 问题：公卫随访不到位 措施：建立随访台账 分管领导：王主任 时限：2027-02-28'); // ZG-0003
    expect(await bot.say('赵院长', '承诺 三个月内 把门诊候诊时间 降到 30 分钟以内 时限：2027-03-10')).toContain('ZG-0004');

    const head = await bot.say('赵院长', '整改 列表');
    expect(head).toContain('县人民医院整改事项 2 项：');
    expect(head).toContain('ZG-0001【未开始】门诊 高峰期 排队时间长 · 时限 2027年3月31日');
    expect(head).toContain('ZG-0004【未开始】【公开承诺】三个月内 把门诊候诊时间 降到 30 分钟以内 · 时限 2027年3月10日');
    expect(head).not.toContain('ZG-0002');
    expect(head).not.toContain('ZG-0003');
    // Sorted by deadline: the commitment (3月10日) before ZG-0001 (3月31日).
    expect(head.indexOf('ZG-0004')).toBeLessThan(head.indexOf('ZG-0001'));

    const qian = await bot.say('钱院长', '整改 列表');
    expect(qian).toContain('县中医院整改事项 1 项（即将到期 1 项）：');
    expect(qian).toContain('ZG-0002【未开始】处方点评不及时 · 时限 12月12日 · 即将到期');

    const leader = await bot.say('刘局长', '整改 列表');
    expect(leader).toContain('分管单位整改事项 3 项');
    for (const code of ['ZG-0001', 'ZG-0002', 'ZG-0004']) expect(leader).toContain(code);
    expect(leader).not.toContain('ZG-0003');
    expect(leader).toContain('ZG-0002【未开始】县中医院 · 处方点评不及时');

    const all = await bot.say('王主任', '/整改 列表');
    expect(all).toContain('整改事项 4 项（即将到期 1 项）：');
    expect(all).toContain('ZG-0003【未开始】城关镇卫生院 · 公卫随访不到位');
    const one = await bot.say('王主任', '/整改 列表 县中医院');
    expect(one).toContain('县中医院整改事项 1 项');
    expect(one).not.toContain('ZG-0001');
    expect(await bot.say('王主任', '/整改 列表 中医院')).toContain('ZG-0002'); // a short unit name
    expect(await bot.say('王主任', '/整改 列表 逾期')).toBe('没有逾期的整改事项。');
    expect(await bot.say('王主任', '/整改 列表 待销号')).toBe('没有「待销号」的整改事项。');

    await bot.say('赵院长', '整改 完成 ZG-0001 已投用');
    const pending = await bot.say('王主任', '/整改 列表 待销号');
    expect(pending).toContain('「待销号」的整改事项 1 项（待销号 1 项）：');
    expect(pending).toContain('ZG-0001【待销号】县人民医院');
    expect(pending).not.toContain('ZG-0002');
    await confirmed('王主任', '/整改 销号 ZG-0001');
    const after = await bot.say('赵院长', '整改 列表');
    expect(after).toContain('县人民医院整改事项 1 项');
    expect(after).toContain('另有已销号 1 项（发送「整改 列表 已销号」查看）');
    expect(after).not.toContain('ZG-0001【');
    expect(await bot.say('赵院长', '整改 列表 已销号')).toContain('ZG-0001【已销号】');
    expect(await bot.say('赵院长', '整改 列表 全部')).toContain('ZG-0001【已销号】');
    expect(await bot.say('孙院长', '整改 列表 逾期')).toBe('城关镇卫生院没有逾期的整改事项。');
  });
});

describe('承诺 (a head\'s public commitment)', () => {
  it('is a ledger item owned by the head, with the unit\'s leader in charge', async () => {
    bot = await start();
    const reply = await bot.say('赵院长', '承诺 三个月内 把门诊高峰期候诊时间 降到 30 分钟以内 时限：2027-03-31');
    expect(reply).toContain('已登记你的公开承诺 ZG-0001：三个月内 把门诊高峰期候诊时间 降到 30 分钟以内');
    expect(reply).toContain('时限：2027年3月31日；分管领导：刘局长。');
    expect(await item('ZG-0001')).toMatchObject({
      kind: 'commitment', unitId: await unitId('县人民医院'), ownerMemberId: await memberId('赵院长'),
      problem: '三个月内 把门诊高峰期候诊时间 降到 30 分钟以内', measures: '按承诺落实',
      leaderName: '刘局长', leaderMemberId: await memberId('刘局长'), deadline: '2027-03-31', status: 'not_started',
    });
    expect(await historyOf('ZG-0001')).toMatchObject([{ action: 'create', actor: '赵院长', note: '公开承诺' }]);
    expect(await bot.say('王主任', '整改 查看 ZG-0001')).toContain('ZG-0001【公开承诺】（未开始）');

    // No leader registered for 城关镇卫生院; measures may be given.
    await bot.say('孙院长', '承诺 家庭医生签约随访 每月不少于一次 措施：建立随访登记本 时限：2027-06-30');
    expect(await item('ZG-0002')).toMatchObject({ kind: 'commitment', leaderName: '—', leaderMemberId: null, measures: '建立随访登记本', ownerMemberId: await memberId('孙院长') });

    // The head carries it through like any item.
    await bot.say('赵院长', '整改 完成 ZG-0001 候诊时间已降到 25 分钟');
    expect(await item('ZG-0001')).toMatchObject({ status: 'pending' });
    expect(await bot.say('钱院长', '整改 进展 ZG-0001 看看')).toContain('你只能办理本单位（县中医院）的事项');

    expect(await bot.say('赵院长', '承诺 一个月内整改到位')).toContain('缺少「时限：…」');
    expect(await bot.say('赵院长', '承诺 一个月内整改到位 时限：2026-12-01')).toContain('已经过去了');
    expect(await bot.say('赵院长', '承诺 时限：2027-01-31')).toContain('缺少「承诺内容」');
    expect(await bot.say('王主任', '承诺 一个月内整改到位 时限：2027-01-31')).toBe('公开承诺由单位负责人本人作出，请负责人发送「承诺 内容 时限：…」。');
    expect(await bot.db.select().from(rectifications)).toHaveLength(2);
  });
});

describe('overdue, computed at the Asia/Shanghai day boundary', () => {
  it('is overdue from 00:00 China time the day after the deadline (the server runs in UTC), never when 待销号 or 已销号', async () => {
    bot = await start(); // 2026-12-10 10:00 +08:00
    const zy = await add('/整改 新增 县人民医院 问题：门诊排队 措施：增设自助机 分管领导：刘局长 时限：今天');
    const zy2 = await add('/整改 新增 县人民医院 问题：药房取药慢 措施：增开窗口 分管领导：刘局长 时限：2026-12-10');
    expect(await item(zy)).toMatchObject({ deadline: '2026-12-10' });

    bot.setNow('2026-12-10T23:59:00+08:00'); // 15:59 UTC, still the 10th in China
    expect(await bot.say('王主任', `整改 查看 ${zy}`)).toContain('ZG-0001（未开始，即将到期）');
    expect(await bot.say('王主任', '/整改 列表 逾期')).toBe('没有逾期的整改事项。');

    bot.setNow('2026-12-11T00:00:30+08:00'); // 16:00:30 UTC on the 10th: already the 11th in China
    expect(await bot.say('王主任', `整改 查看 ${zy}`)).toContain('ZG-0001（未开始，已逾期 1 天）');
    const overdue = await bot.say('王主任', '/整改 列表 逾期');
    expect(overdue).toContain('逾期的整改事项 2 项（逾期 2 项）：');
    expect(overdue).toContain('ZG-0001【未开始】县人民医院 · 门诊排队 · 时限 12月10日 · 已逾期 1 天');
    expect(await bot.say('赵院长', '整改 列表')).toContain('县人民医院整改事项 2 项（逾期 2 项）：');

    // Reported done: waiting on the office, not late.
    await bot.say('赵院长', `整改 完成 ${zy} 已增设`);
    const shown = await bot.say('王主任', `整改 查看 ${zy}`);
    expect(shown).toContain('ZG-0001（待销号）');
    expect(shown).not.toContain('逾期');
    const list = await bot.say('王主任', '/整改 列表 逾期');
    expect(list).toContain('逾期的整改事项 1 项');
    expect(list).toContain(zy2);
    expect(list).not.toContain(`${zy}【`);

    // Returned: late again. Closed: never late.
    await confirmed('王主任', `/整改 退回 ${zy} 还不够`);
    expect(await bot.say('王主任', `整改 查看 ${zy}`)).toContain('ZG-0001（整改中，已逾期 1 天）');
    await bot.say('赵院长', `整改 完成 ${zy} 补齐了`);
    await confirmed('王主任', `/整改 销号 ${zy}`);
    bot.setNow('2026-12-20T09:00:00+08:00');
    expect(await bot.say('王主任', `整改 查看 ${zy}`)).not.toContain('逾期');
    expect(await bot.say('王主任', `整改 查看 ${zy2}`)).toContain('已逾期 10 天');
    // Nothing about "overdue" is stored.
    expect(Object.keys(await item(zy))).not.toContain('overdue');
  });
});

describe('整改 类别', () => {
  it('shows the campaign\'s categories; an admin edits them after 确认 and new items follow the new list', async () => {
    bot = await start();
    expect(await bot.say('赵院长', '整改 类别')).toBe('「医德医风大讨论」的整改类别：立即整改、限期整改、说明原因、多部门协同、长期坚持。');
    await add(ADD_ZY.replace('限期整改', '长期坚持'));
    const [preview, done] = await confirmed('王主任', '/整改 类别 设置 立即整改、限期整改，专项治理');
    expect(preview).toContain('将把「医德医风大讨论」的整改类别设为：立即整改、限期整改、专项治理');
    expect(preview).toContain('（原为：立即整改、限期整改、说明原因、多部门协同、长期坚持）');
    expect(preview).toContain('已有 1 项事项使用了被去掉的类别（说明原因、多部门协同、长期坚持），这些事项保留原类别。');
    expect(done).toBe('已设置整改类别：立即整改、限期整改、专项治理。');
    const [c] = await bot.db.select().from(campaigns);
    expect(c.categories).toEqual(['立即整改', '限期整改', '专项治理']);
    expect(await item('ZG-0001')).toMatchObject({ category: '长期坚持' });

    await add(ADD_ZY.replace('限期整改', '专项治理'));
    expect(await item('ZG-0002')).toMatchObject({ category: '专项治理' });
    expect(await bot.say('王主任', ADD_ZY.replace('限期整改', '长期坚持'))).toContain('类别「长期坚持」不在本活动的类别中：立即整改、限期整改、专项治理。');
    expect(await bot.say('王主任', '整改 类别')).toContain('「医德医风大讨论」的整改类别：立即整改、限期整改、专项治理。');
    expect(await bot.say('王主任', '/整改 类别 设置')).toContain('缺少「类别（用、分隔）」');
    const [entry] = await bot.db.select().from(auditLog).where(eq(auditLog.action, 'campaign.categories'));
    expect(entry).toMatchObject({ actor: '王主任', after: { categories: ['立即整改', '限期整改', '专项治理'] } });
  });
});
