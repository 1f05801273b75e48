// The first admin: their own 绑定 waits for an admin, and there is none yet — whoever runs the
// server decides it with `npm run cli -- bind list|approve|reject` (runOperation, as the CLI does).
import { afterEach, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { identities, members } from '../../src/db/schema.ts';
import { runOperation } from '../../src/operations.ts';

let bot: TestBot;
afterEach(async () => { await bot.close(); });

it('the server operator lists, approves and rejects binding requests from the CLI', async () => {
  bot = await testBot();
  const [admin] = await bot.db.select().from(members).where(eq(members.name, '王主任'));
  expect(await bot.sayOn('wecom', 'wx-first-admin', `绑定 王主任 ${admin.phone!.slice(-4)}`)).toContain('已提交绑定申请（编号 1）');
  expect(await bot.sayOn('wecom', 'wx-first-admin', '/名单 未绑定')).toContain('请先绑定');
  const [head] = await bot.db.select().from(members).where(eq(members.name, '赵院长'));
  await bot.sayOn('wecom', 'wx-imposter', `绑定 赵院长 ${head.phone!.slice(-4)}`);

  const list = await runOperation(bot.app.database, { op: 'bind', action: 'list' }, { now: bot.now() });
  expect(list.message).toMatch(/#1 局机关办公室 王主任（管理员）← 企业微信账号 wx-first-admin/);
  expect(list.message).toMatch(/#2 县人民医院 赵院长（负责人）/);

  const approved = await runOperation(bot.app.database, { op: 'bind', action: 'approve', id: 1 }, { now: bot.now() });
  expect(approved).toMatchObject({ ok: true });
  expect(approved.message).toContain('现在是 局机关办公室 王主任（管理员）');
  const [bound] = await bot.db.select().from(identities).where(and(eq(identities.platform, 'wecom'), eq(identities.platformUserId, 'wx-first-admin')));
  expect(bound.memberId).toBe(admin.id);
  expect(await bot.sayOn('wecom', 'wx-first-admin', '/绑定 待审')).toContain('#2');

  expect(await runOperation(bot.app.database, { op: 'bind', action: 'reject', id: 2, reason: '不是本人' }, { now: bot.now() })).toMatchObject({ ok: true });
  expect(await runOperation(bot.app.database, { op: 'bind', action: 'approve', id: 2 }, { now: bot.now() })).toMatchObject({ ok: false, message: expect.stringContaining('已拒绝，不能再处理') });
  expect(await runOperation(bot.app.database, { op: 'bind', action: 'approve', id: 99 }, { now: bot.now() })).toMatchObject({ ok: false, message: expect.stringContaining('没有编号为 #99') });
  expect(await bot.sayOn('wecom', 'wx-imposter', '/名单 未绑定')).toContain('请先绑定');
});
