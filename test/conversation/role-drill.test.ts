// The admin-command × role drill (issue #10): every command whose declared permission is admin
// only — read from the command registry, never listed by hand — is sent, with the arguments of
// its own first example, by a staff member, a unit head and a leader from the demo seed. Each is
// refused with a Chinese reply naming the role needed, changes nothing (no pending 确认, no row
// in any business table) and leaves exactly one refusal in the audit log. Then binding escalation
// (issue #17): unknown accounts 绑定 as an admin, a head and a leader with the right digits (each
// must wait for an admin and gain no role meanwhile), and a second platform tries a person locked
// after the per-person limit (still locked). The matrix is printed and written to
// drills/results/role-matrix.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, gt, sql } from 'drizzle-orm';
import { testBot, TEST_DB, type TestBot } from '../support/test-bot.ts';
import { FEATURES } from '../../src/features.ts';

const allCommands = FEATURES.flatMap((f) => f.commands ?? []);
import { canRun, rolesText, type CommandDef } from '../../src/commands/registry.ts';
import { ROLES, ROLE_CN, roleFromCn, type Role } from '../../src/domain/roles.ts';
import { DEMO_DIRECTORY } from '../../src/demo.ts';
import { auditLog, bindRequests, identities, members, pendingConfirmations } from '../../src/db/schema.ts';
import { BIND_FAILED, BIND_MAX_FAILURES, BIND_TARGET_MAX_FAILURES } from '../../src/domain/binding.ts';
import { rowsOf } from '../../src/db/client.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DRILLED: Role[] = ROLES.filter((r) => r !== 'admin');
/** Written by the refused message itself (the dedupe key and the refusal's audit row); everything else must stay as it was. */
const REFUSAL_WRITES = ['audit_log', 'inbound_messages'];

const adminOnly = allCommands.filter((def) => !canRun(def, 'unbound') && DRILLED.every((r) => !canRun(def, r)));
const othersMayRun = allCommands.filter((def) => !adminOnly.includes(def));

/** Someone of this role in the demo seed, with a name nobody else has. */
function personWithRole(role: Role): string {
  const row = DEMO_DIRECTORY.find((r) => roleFromCn(r.角色) === role && DEMO_DIRECTORY.filter((x) => x.姓名 === r.姓名).length === 1);
  if (!row) throw new Error(`the demo seed has nobody with role ${role}`);
  return row.姓名;
}
const people = DRILLED.map((role) => ({ role, name: personWithRole(role) }));

/** What a person would type: the command's own first example (its declared usage otherwise). */
const textFor = (def: CommandDef) => def.examples[0] ?? `${def.slash ? '/' : ''}${def.keywords[0].join(' ')}`;

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ seed: 'demo', now: '2026-12-10T10:00:00+08:00' });
  // Bind everyone once up front (the console binds on first use) so that is not counted as a change.
  for (const p of people) await bot.app.consoleIdentity(p.name);
});
afterAll(async () => { await bot.close(); });

async function rowCounts(): Promise<Record<string, number>> {
  const tables = rowsOf<{ name: string }>(await bot.db.execute(sql.raw(
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)));
  const union = tables.map((t) => `select '${t.name}' as t, count(*)::int as n from "${t.name}"`).join(' union all ');
  return Object.fromEntries(rowsOf<{ t: string; n: number }>(await bot.db.execute(sql.raw(union))).map((r) => [r.t, Number(r.n)]));
}

const without = (counts: Record<string, number>, skip: string[]) => Object.fromEntries(Object.entries(counts).filter(([t]) => !skip.includes(t)));

/** The binding-escalation attempts, one row each for the report. */
const escalations: { attempt: string; sent: string; outcome: string }[] = [];
const last4Of = (name: string) => DEMO_DIRECTORY.find((r) => r.姓名 === name)!.手机号.slice(-4);

describe(`binding escalation from unknown accounts (${TEST_DB})`, () => {
  let b: TestBot;
  beforeAll(async () => { b = await testBot({ seed: 'demo', now: '2026-12-10T10:00:00+08:00' }); });
  afterAll(async () => { await b.close(); });

  it('绑定 as an admin, a head and a leader waits for an admin, and every command of the role stays refused', async () => {
    for (const role of ['admin', 'head', 'leader'] as Role[]) {
      const name = personWithRole(role);
      const account = `intruder-${role}`;
      const text = `绑定 ${name} ${last4Of(name)}`;
      const what = `${ROLE_CN[role]} ${name} from wecom:${account}`;
      expect(await b.sayOn('wecom', account, text), what).toContain(`${name}是${ROLE_CN[role]}，绑定需要管理员审核`);
      expect(await b.db.select().from(identities).where(eq(identities.platformUserId, account)), what).toEqual([]);
      expect(await b.db.select().from(bindRequests).where(eq(bindRequests.platformUserId, account)), what).toMatchObject([{ status: 'pending' }]);
      // Everything the role may do and a stranger may not: each refused, as to anyone unbound.
      const roleCommands = allCommands.filter((def) => canRun(def, role) && !canRun(def, 'unbound'));
      expect(roleCommands.length, what).toBeGreaterThan(5);
      for (const def of roleCommands) {
        const reply = await b.sayOn('wecom', account, textFor(def));
        expect(reply, `${what}: ${textFor(def)}`).toBe(`请先绑定身份再使用「${def.keywords[0].join(' ')}」：发送「绑定 姓名 手机号后四位」。`);
      }
      expect(await b.db.select().from(pendingConfirmations), what).toEqual([]);
      escalations.push({ attempt: `未知账号绑定为${ROLE_CN[role]}（${name}，手机号后四位正确）`, sent: `${text}，再发该角色可用的 ${roleCommands.length} 条命令`,
        outcome: `待管理员审核 ✓ 未获得角色 ✓ ${roleCommands.length} 条命令均被拒 ✓ 守住 ✓` });
    }
  });

  it('a second platform after the per-person limit finds the person still locked', async () => {
    const name = personWithRole('head');
    const accounts = Array.from({ length: Math.ceil(BIND_TARGET_MAX_FAILURES / BIND_MAX_FAILURES) }, (_, i) => `guesser-${i}`);
    let guesses = 0;
    for (const account of accounts) {
      for (let i = 0; i < BIND_MAX_FAILURES && guesses < BIND_TARGET_MAX_FAILURES; i++, guesses++) {
        expect(await b.sayAs(account, `绑定 ${name} 9${String(i).padStart(3, '0')}`)).toContain(BIND_FAILED);
      }
    }
    const [person] = await b.db.select().from(members).where(eq(members.name, name));
    const locked = rowsOf<{ n: number }>(await b.db.execute(sql`select count(*)::int as n from bind_locks where member_id = ${person.id}`));
    expect(locked[0].n).toBe(1);
    const text = `绑定 ${name} ${last4Of(name)}`;
    for (const platform of ['wecom', 'dingtalk'] as const) {
      const reply = await b.sayOn(platform, `second-${platform}`, text);
      expect(reply, platform).toBe(await b.sayOn(platform, `control-${platform}`, '绑定 查无此人 1234'));
      expect(reply, platform).toContain(BIND_FAILED);
    }
    expect(await b.db.select().from(identities).where(eq(identities.memberId, person.id))).toEqual([]);
    // Only the first test's request (from intruder-head) names them: none came from the second platforms.
    expect((await b.db.select().from(bindRequests).where(eq(bindRequests.memberId, person.id))).map((r) => r.platformUserId)).toEqual(['intruder-head']);
    await b.drain();
    expect(b.pushes().filter((p) => p.text.includes('【绑定锁定】'))).toHaveLength(1);
    escalations.push({ attempt: `${accounts.length} 个控制台账号猜错 ${guesses} 次后，企业微信、钉钉新账号以正确后四位绑定${ROLE_CN.head}（${name}）`, sent: text,
      outcome: '已锁定 ✓ 回复与查无此人相同 ✓ 未建申请 ✓ 已通知管理员 ✓ 守住 ✓' });
  });
});

describe(`every admin command sent by staff, heads and leaders (${TEST_DB})`, () => {
  it('is found in the registry by its declared permission, not by a list', () => {
    expect(adminOnly.length).toBeGreaterThanOrEqual(25);
    for (const name of ['campaign.new', 'phase.open', 'circular.send', 'rect.close', 'group.webhook.bind']) {
      expect(adminOnly.map((d) => d.name)).toContain(name);
    }
    // A head may record leave for their own unit: that command declares it, so it is not drilled here.
    expect(othersMayRun.find((d) => d.name === 'leave.add')?.roles).toContain('head');
    for (const def of adminOnly) expect(def.examples.length, `${def.name} has an example`).toBeGreaterThan(0);
  });

  it('is refused with the role needed, changes nothing, and is audited', async () => {
    const matrix: { def: CommandDef; text: string; cells: string[] }[] = [];
    let counts = await rowCounts();
    let [{ lastAudit }] = rowsOf<{ lastAudit: number }>(await bot.db.execute(sql.raw('select coalesce(max(id), 0)::int as "lastAudit" from audit_log')));

    for (const def of adminOnly) {
      const text = textFor(def);
      expect(bot.app.bot.registry.match(text)?.def.name, `${text} reaches ${def.name}`).toBe(def.name);
      const cells: string[] = [];
      for (const { role, name } of people) {
        const what = `${ROLE_CN[role]} ${name}: ${text}`;
        const [member] = await bot.db.select().from(members).where(eq(members.name, name));
        expect(member.role, what).toBe(role);

        const reply = await bot.say(name, text);
        expect(reply, what).toBe(`「${def.keywords[0].join(' ')}」仅限${rolesText(def)}使用，你的角色是${ROLE_CN[role]}。`);
        expect(reply, what).toContain('仅限管理员使用');

        // Nothing changed: no 确认 waiting, no row added or removed anywhere but the refusal's own.
        expect(await bot.db.select().from(pendingConfirmations).where(eq(pendingConfirmations.memberId, member.id)), what).toEqual([]);
        const now = await rowCounts();
        expect(without(now, REFUSAL_WRITES), what).toEqual(without(counts, REFUSAL_WRITES));
        expect(now.inbound_messages - counts.inbound_messages, what).toBe(1);

        // Exactly one audit row: the refusal, by this person, for this command, with their role.
        const audited = await bot.db.select().from(auditLog).where(gt(auditLog.id, lastAudit)).orderBy(auditLog.id);
        expect(audited, what).toHaveLength(1);
        expect(audited[0], what).toMatchObject({ action: 'command.refused', target: def.name, actorMemberId: member.id, actor: name });
        expect(audited[0].after, what).toMatchObject({ role });
        // A command that may carry a secret (a webhook key) is audited without its text.
        if (def.sensitive) expect(JSON.stringify(audited[0].after), what).not.toContain(text.split(' ').at(-1)!);
        else expect(audited[0].after, what).toMatchObject({ text });

        counts = now;
        lastAudit = audited[0].id;
        cells.push('拒绝 ✓ 已审计 ✓');
      }
      matrix.push({ def, text, cells });
    }
    // No push went out to anyone either.
    await bot.drain();
    expect(bot.pushes()).toEqual([]);
    const refusals = await bot.db.select().from(auditLog).where(and(eq(auditLog.action, 'command.refused')));
    expect(refusals).toHaveLength(adminOnly.length * people.length);

    const table = renderMatrix(matrix);
    // The table is the drill's report: written by `npm run drills -- roles`, not by every test run.
    if (!process.env.WRITE_DRILL_RESULTS) return;
    console.log(table);
    const out = path.join(ROOT, 'drills/results/role-matrix.md');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, table);
    fs.renameSync(tmp, out); // the pglite and postgres runs may finish together
  }, 600_000);
});

function renderMatrix(matrix: { def: CommandDef; text: string; cells: string[] }[]): string {
  const head = people.map((p) => `${ROLE_CN[p.role]}（${p.name}）`);
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# 管理员命令 × 角色演练',
    '',
    `由 \`test/conversation/role-drill.test.ts\` 生成（最后一次运行：${TEST_DB === 'pglite' ? 'PGlite' : 'PostgreSQL'}）。`,
    `命令取自命令注册表中声明为仅限管理员的全部 ${matrix.length} 条命令（不是手写清单）；每条以其第一个示例发送，`,
    '分别由演示数据中的职工、单位负责人、分管领导各发一次。每一格都核对了：回复为「「命令」仅限管理员使用，你的角色是…。」，',
    '没有产生待确认操作，除拒绝本身（消息去重键、审计记录）外所有业务表行数不变，没有推送，审计日志里恰好多一条 command.refused（含角色；',
    '可能含密钥的命令不记录原文）。',
    '',
    `| 命令 | 发送的内容 | ${head.join(' | ')} |`,
    `|---|---|${head.map(() => '---').join('|')}|`,
    ...matrix.map((m) => `| ${m.def.keywords[0].join(' ')} | \`${cell(m.def.sensitive ? m.text.replace(/\S+$/, '（密钥）') : m.text)}\` | ${m.cells.join(' | ')} |`),
    '',
    `合计：${matrix.length} 条命令 × ${people.length} 个角色 = ${matrix.length * people.length} 次，全部拒绝并审计。`,
    '',
    '## 绑定提权演练',
    '',
    '从不在名单中的账号冒名绑定：绑定为管理员、负责人、分管领导须等管理员审核，审核前该角色可用的每条命令都回复「请先绑定身份」；',
    `以某人名义失败 ${BIND_TARGET_MAX_FAILURES} 次后此人被锁定，换平台、换账号、用正确的后四位也只得到与查无此人相同的回复。`,
    '',
    '| 尝试 | 发送的内容 | 结果 |',
    '|---|---|---|',
    ...escalations.map((e) => `| ${cell(e.attempt)} | ${cell(e.sent)} | ${e.outcome} |`),
    '',
    '按声明的权限不属于仅限管理员、因而不在此演练中的命令（非管理员角色可用）：',
    '',
    ...othersMayRun.map((d) => `- ${d.keywords[0].join(' ')}：${d.roles.includes('unbound') ? '任何人' : rolesText(d)}`),
    '',
  ];
  return lines.join('\n');
}
