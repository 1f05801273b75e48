// 绑定 (issue #17, point 1): nobody becomes someone else. An account may only take a person with
// no account on its platform; 负责人, 分管领导 and 管理员 wait for an admin; failures are counted per
// person across every account and platform and lock the person past the limit; every failure
// gets the same reply; every attempt is audited, never with the digits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { auditLog, bindAttempts, bindLocks, bindRequests, identities, members } from '../../src/db/schema.ts';
import { BIND_FAILED, BIND_TARGET_MAX_FAILURES } from '../../src/domain/binding.ts';
import { DEMO_DIRECTORY } from '../../src/demo.ts';
import { importDirectory, validateDirectoryRows } from '../../src/domain/directory.ts';

let bot: TestBot;
beforeEach(async () => { bot = await testBot({ seed: 'demo', now: '2026-12-10T10:00:00+08:00' }); });
afterEach(async () => { await bot.close(); });

const failed = (left: number) => `${BIND_FAILED}（本账号一小时内还可尝试 ${left} 次）`;
const accountOf = async (platform: string, id: string) =>
  bot.db.select().from(identities).where(and(eq(identities.platform, platform), eq(identities.platformUserId, id)));
const memberNamed = async (name: string) => (await bot.db.select().from(members).where(eq(members.name, name)))[0];
const bindAudit = () => bot.db.select().from(auditLog).where(like(auditLog.action, 'member.bind%')).orderBy(asc(auditLog.id));
async function pushesTo(name: string) {
  await bot.drain();
  return bot.pushes().filter((p) => p.to === name).map((p) => p.text);
}

describe('绑定 a staff member', () => {
  it('binds at once a person with no account on that platform, and tells them where they already have one', async () => {
    // 李四's WeCom account comes from the directory.
    const wecom: Record<string, string> = { 李四: 'lisi', 王主任: 'wangzr' };
    const rows = DEMO_DIRECTORY.map((r) => (wecom[r.姓名] ? { ...r, 企业微信账号: wecom[r.姓名] } : r));
    await importDirectory(bot.db, validateDirectoryRows(rows.map((cells, i) => ({ line: i + 2, cells }))), { prune: false, actor: { id: null, label: 'test' } });

    // Another WeCom account cannot take 李四, even with the right digits.
    expect(await bot.sayOn('wecom', 'wx-fake', '绑定 李四 0013')).toBe(failed(4));
    expect(await accountOf('wecom', 'wx-fake')).toEqual([]);
    // The admin's own directory account stops an impostor outright: not even a request for approval.
    expect(await bot.sayOn('wecom', 'wx-evil', '绑定 王主任 0001')).toBe(failed(4));
    expect(await bot.db.select().from(bindRequests)).toEqual([]);
    // A DingTalk account can: 李四 has none there. 李四 hears of it on WeCom.
    expect(await bot.sayOn('dingtalk', 'dd-lisi', '绑定 李四 0013')).toContain('绑定成功！你好，县人民医院 李四');
    expect(await accountOf('dingtalk', 'dd-lisi')).toMatchObject([{ memberId: (await memberNamed('李四')).id, source: 'bind' }]);
    expect(await pushesTo('李四')).toEqual([expect.stringContaining('你的名字刚被一个钉钉账号绑定')]);

    // Nor can a second account take someone bound earlier by 绑定.
    expect(await bot.sayOn('wecom', 'wx-zs', '绑定 张三 0012')).toContain('绑定成功');
    expect(await bot.sayOn('wecom', 'wx-zs2', '绑定 张三 0012')).toBe(failed(4));
    expect(await accountOf('wecom', 'wx-zs2')).toEqual([]);
    expect(await bot.sayOn('wecom', 'wx-zs', '我的')).toContain('张三');
    // 张三 had no other channel before: nobody was told anything.
    expect(await pushesTo('张三')).toEqual([]);
  });

  it('answers every failure the same, whether the person exists, is bound or the digits are wrong, and audits each without digits', async () => {
    await bot.sayOn('wecom', 'wx-zs', '绑定 张三 0012');
    const replies = [
      await bot.sayOn('wecom', 'a1', '绑定 查无此人 1234'), // nobody by that name
      await bot.sayOn('wecom', 'a2', '绑定 李四 9999'), // wrong digits
      await bot.sayOn('wecom', 'a3', '绑定 张三 0012'), // right digits, already bound on WeCom
      await bot.sayOn('wecom', 'a4', '绑定 张伟 7777'), // two people called 张伟, neither matches
    ];
    expect(new Set(replies)).toEqual(new Set([failed(4)]));
    // The tries left are the account's own: the same count whatever the cause.
    expect(await bot.sayOn('wecom', 'a1', '绑定 张三 0012')).toBe(failed(3));

    const rows = await bindAudit();
    expect(rows.map((r) => [r.action, r.actor, (r.after as { reason?: string }).reason])).toEqual([
      ['member.bind', '张三', undefined],
      ['member.bind.failed', 'wecom:未绑定', 'unknown-name'],
      ['member.bind.failed', 'wecom:未绑定', 'wrong-digits'],
      ['member.bind.failed', 'wecom:未绑定', 'has-account'],
      ['member.bind.failed', 'wecom:未绑定', 'wrong-digits'],
      ['member.bind.failed', 'wecom:未绑定', 'has-account'],
    ]);
    expect(rows.map((r) => r.target)).toEqual(['县人民医院/张三', '查无此人', '县人民医院/李四', '县人民医院/张三', '县人民医院/张伟', '县人民医院/张三']);
    expect(rows[2].after).toEqual({ platform: 'wecom', account: 'a2', reason: 'wrong-digits' });
    for (const digits of ['1234', '9999', '0012', '7777']) expect(JSON.stringify(rows)).not.toContain(digits);
  });
});

describe('绑定 a 负责人, 分管领导 or 管理员', () => {
  it('waits for an admin, who approves or rejects; the person and the requester are told', async () => {
    await bot.say('赵院长', '我的'); // 赵院长 uses the console: a channel to tell them on
    expect(await bot.sayOn('wecom', 'wx-fake-zhao', '绑定 赵院长 0011'))
      .toBe('已提交绑定申请（编号 1）：县人民医院 赵院长是负责人，绑定需要管理员审核。\n审核通过前，你还不能以此身份使用任何命令。管理员处理后，再发一次「绑定」即可查看结果。');
    expect(await accountOf('wecom', 'wx-fake-zhao')).toEqual([]);
    expect(await bot.sayOn('wecom', 'wx-fake-zhao', '本单位')).toContain('请先绑定身份');
    expect(await bot.sayOn('wecom', 'wx-fake-zhao', '意见 列表')).toContain('请先绑定身份');
    expect(await bot.sayOn('wecom', 'wx-fake-zhao', '绑定 赵院长 0011')).toContain('你的绑定申请（编号 1，绑定为 县人民医院 赵院长）正在等待管理员审核');
    expect(await bot.db.select().from(bindRequests)).toHaveLength(1);

    expect(await pushesTo('王主任')).toEqual([expect.stringContaining('【绑定申请 #1】一个企业微信账号（wx-fake-zhao）申请绑定为 县人民医院 赵院长（负责人）')]);
    expect(await pushesTo('赵院长')).toEqual([expect.stringContaining('有一个企业微信账号申请绑定为你（县人民医院 赵院长），正在等待管理员审核')]);

    expect(await bot.say('王主任', '/绑定 待审')).toContain('#1 企业微信账号「wx-fake-zhao」→ 县人民医院 赵院长（负责人），申请于 12月10日 10:00');
    expect(await bot.say('王主任', '/绑定 拒绝 1 未能与本人核实')).toContain('将拒绝绑定申请 #1');
    expect((await bot.say('王主任', '确认')).split('\n').at(-1)).toBe('已拒绝绑定申请 #1。申请人再发「绑定」时会看到结果和原因。');
    const admin = await memberNamed('王主任');
    expect(await bot.db.select().from(bindRequests)).toMatchObject([{ id: 1, status: 'rejected', decidedBy: admin.id }]);
    expect(await bot.sayOn('wecom', 'wx-fake-zhao', '绑定 赵院长 0011')).toBe('你的绑定申请（编号 1，绑定为 县人民医院 赵院长）已被管理员拒绝，原因：未能与本人核实。如有疑问，请联系管理员。');
    expect(await bot.db.select().from(bindRequests)).toHaveLength(1); // not asked again
    expect(await accountOf('wecom', 'wx-fake-zhao')).toEqual([]);
    expect((await pushesTo('赵院长')).at(-1)).toContain('已拒绝以你（县人民医院 赵院长）的名义提出的企业微信账号绑定申请 #1');

    // The real 赵院长 asks from DingTalk; the admin checks with them and approves.
    expect(await bot.sayOn('dingtalk', 'dd-zhao', '绑定 赵院长 0011')).toContain('已提交绑定申请（编号 2）');
    const preview = await bot.say('王主任', '/绑定 通过 2');
    expect(preview).toContain('将通过绑定申请 #2：钉钉账号「dd-zhao」→ 县人民医院 赵院长（负责人）');
    expect(preview).toContain('请回复「确认」');
    expect(await accountOf('dingtalk', 'dd-zhao')).toEqual([]);
    expect((await bot.say('王主任', '确认')).split('\n').at(-1)).toBe('已通过绑定申请 #2：钉钉账号「dd-zhao」已绑定为 县人民医院 赵院长。已通知本人。');
    expect(await accountOf('dingtalk', 'dd-zhao')).toMatchObject([{ memberId: (await memberNamed('赵院长')).id, source: 'bind' }]);
    expect(await bot.sayOn('dingtalk', 'dd-zhao', '本单位')).not.toContain('请先绑定身份');
    expect(await bot.sayOn('dingtalk', 'dd-zhao', '绑定 赵院长 0011')).toContain('你已绑定为 县人民医院 赵院长');
    expect((await pushesTo('赵院长')).at(-1)).toContain('管理员 王主任 已通过绑定申请 #2');
    expect(await bot.say('王主任', '/绑定 通过 2')).toBe('绑定申请 #2 已通过，无需再处理。');
    expect(await bot.say('王主任', '/绑定 通过 99')).toContain('没有编号为「99」的绑定申请');
    expect(await bot.say('王主任', '/绑定 通过 99999999999')).toContain('没有编号为「99999999999」的绑定申请');
    expect(await bot.say('王主任', '/绑定 待审')).toBe('没有待审核的绑定申请。');
    expect(await bot.sayOn('wecom', 'wx-q', '绑定 钱院长 0021')).toContain('已提交绑定申请（编号 3）');
    expect(await bot.say('王主任', '/绑定 拒绝 #3')).toContain('将拒绝绑定申请 #3：企业微信账号「wx-q」→ 县中医院 钱院长（负责人）');
    expect((await bot.say('王主任', '确认')).split('\n').at(-1)).toBe('已拒绝绑定申请 #3。申请人再发「绑定」时会看到结果。');
    expect(await bot.sayOn('wecom', 'wx-q', '绑定 钱院长 0021')).toBe('你的绑定申请（编号 3，绑定为 县中医院 钱院长）已被管理员拒绝。如有疑问，请联系管理员。');

    const actions = (await bindAudit()).map((r) => [r.action, r.actor]);
    expect(actions).toEqual([
      ['member.bind.request', 'wecom:未绑定'], ['member.bind.waiting', 'wecom:未绑定'], ['member.bind.reject', '王主任'],
      ['member.bind.waiting', 'wecom:未绑定'], ['member.bind.request', 'dingtalk:未绑定'], ['member.bind.approve', '王主任'],
      ['member.bind.request', 'wecom:未绑定'], ['member.bind.reject', '王主任'], ['member.bind.waiting', 'wecom:未绑定'],
    ]);
  });

  it('a leader and an admin wait too, and gain nothing meanwhile; approving one account voids the others for that person', async () => {
    expect(await bot.sayOn('wecom', 'x-liu', '绑定 刘局长 0002')).toContain('刘局长是分管领导，绑定需要管理员审核');
    expect(await bot.sayOn('wecom', 'x-wang', '绑定 王主任 0001')).toContain('王主任是管理员，绑定需要管理员审核');
    expect(await bot.sayOn('wecom', 'x-wang2', '绑定 王主任 0001')).toContain('已提交绑定申请（编号 3）');
    for (const text of ['/绑定 待审', '/名单 未绑定', '意见 列表', '通报 历史']) {
      expect(await bot.sayOn('wecom', 'x-wang', text), text).toContain('请先绑定身份');
      expect(await bot.sayOn('wecom', 'x-liu', text), text).toContain('请先绑定身份');
    }
    expect(await bot.db.select().from(identities).where(eq(identities.platform, 'wecom'))).toEqual([]);

    await bot.say('王主任', '/绑定 通过 3');
    expect(await bot.say('王主任', '确认')).toContain('已通过绑定申请 #3');
    expect((await bot.db.select().from(bindRequests).orderBy(asc(bindRequests.id))).map((r) => r.status)).toEqual(['pending', 'cancelled', 'approved']);
    expect(await bot.say('王主任', '/绑定 通过 2')).toBe('绑定申请 #2 已作废，无需再处理。');
    // x-wang may now only hear the same failure as anyone.
    expect(await bot.sayOn('wecom', 'x-wang', '绑定 王主任 0001')).toBe(failed(4));
  });
});

describe('the per-person limit', () => {
  it('counts failures naming a person over every account and platform, locks them, tells the admins; an admin unlocks', async () => {
    // Two console accounts use up their hourly tries on 吴刚: that is the per-person limit.
    for (const account of ['c1', 'c2']) {
      for (let i = 0; i < BIND_TARGET_MAX_FAILURES / 2; i++) expect(await bot.sayAs(account, '绑定 吴刚 1111')).toContain(BIND_FAILED);
      expect(await bot.sayAs(account, '绑定 吴刚 0032')).toContain('失败次数过多');
    }
    const wu = await memberNamed('吴刚');
    expect(await bot.db.select().from(bindLocks)).toMatchObject([{ memberId: wu.id }]);
    expect(await pushesTo('王主任')).toEqual([expect.stringContaining('【绑定锁定】有人多次以「吴刚」的名义绑定失败（10 次），城关镇卫生院 吴刚 已被锁定')]);

    // A fresh account on another platform, with the right digits: the same failure as anyone's.
    expect(await bot.sayOn('wecom', 'w1', '绑定 吴刚 0032')).toBe(failed(4));
    expect(await bot.sayOn('dingtalk', 'd1', '绑定 吴刚 0032')).toBe(await bot.sayOn('dingtalk', 'd2', '绑定 查无此人 0032'));
    expect(await accountOf('wecom', 'w1')).toEqual([]);
    const lockedTries = await bot.db.select().from(bindAttempts).where(eq(bindAttempts.targetMemberId, wu.id));
    expect(lockedTries.filter((a) => !a.ok)).toHaveLength(BIND_TARGET_MAX_FAILURES + 2);
    expect((await bindAudit()).filter((r) => r.action === 'member.bind.failed' && (r.after as { reason: string }).reason === 'locked')).toHaveLength(2);

    expect(await bot.say('张三', '/绑定 解锁 城关镇卫生院/吴刚')).toContain('仅限管理员使用');
    expect(await bot.say('王主任', '/绑定 解锁 城关镇卫生院/吴刚')).toContain('将解除对 城关镇卫生院 吴刚 的绑定锁定');
    expect((await bot.say('王主任', '确认')).split('\n').at(-1)).toBe('已解除对 城关镇卫生院 吴刚 的绑定锁定。');
    expect(await bot.db.select().from(bindLocks)).toEqual([]);
    expect(await bot.say('王主任', '/绑定 解锁 吴刚')).toBe('城关镇卫生院 吴刚 没有被锁定。');
    expect(await bot.sayOn('wecom', 'w1', '绑定 吴刚 0032')).toContain('绑定成功');
    // The console accounts' own hour is still used up: unlocking forgives the person, not the accounts.
    expect(await bot.sayAs('c1', '绑定 张三 0012')).toContain('失败次数过多');
    expect((await bindAudit()).filter((r) => ['member.bind.lock', 'member.bind.unlock'].includes(r.action)).map((r) => [r.action, r.actor, r.target]))
      .toEqual([['member.bind.lock', 'system', '城关镇卫生院/吴刚'], ['member.bind.unlock', '王主任', '城关镇卫生院/吴刚']]);
  });
});
