// Units, people, roles and platform identities. Knows nothing of platforms beyond their names.
import { and, asc, eq, gt, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { identities, leaderUnits, members, units } from '../db/schema.ts';
import { roleFromCn, type Role } from './roles.ts';
import { unitKindFromCn, type UnitKind } from './audiences.ts';
import { fail } from './errors.ts';
import type { DirectoryRowProblem } from './messages/directory.ts';
import { audit } from './audit.ts';

export type UnitRow = typeof units.$inferSelect;
/** A person with their unit's name and 单位类型 (units.kind). */
export type MemberRow = typeof members.$inferSelect & { unitName: string; unitKind: string | null };

const memberColumns = {
  id: members.id, unitId: members.unitId, name: members.name, role: members.role, phone: members.phone,
  wecomUserId: members.wecomUserId, dingtalkUserId: members.dingtalkUserId,
  partyMember: members.partyMember, leadership: members.leadership, liaison: members.liaison, active: members.active,
  createdAt: members.createdAt, updatedAt: members.updatedAt, unitName: units.name, unitKind: units.kind,
};

export function memberQuery(tx: Tx) {
  return tx.select(memberColumns).from(members).innerJoin(units, eq(units.id, members.unitId));
}

export async function memberById(tx: Tx, id: number): Promise<MemberRow | null> {
  const [m] = await memberQuery(tx).where(eq(members.id, id));
  return m ?? null;
}

export async function memberByIdentity(tx: Tx, platform: string, platformUserId: string): Promise<MemberRow | null> {
  const [m] = await tx
    .select(memberColumns)
    .from(identities)
    .innerJoin(members, eq(members.id, identities.memberId))
    .innerJoin(units, eq(units.id, members.unitId))
    .where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId), eq(members.active, true)));
  return m ?? null;
}

export async function unitById(tx: Tx, id: number): Promise<UnitRow | null> {
  const [u] = await tx.select().from(units).where(eq(units.id, id));
  return u ?? null;
}

export async function unitByName(tx: Tx, name: string): Promise<UnitRow | null> {
  const [u] = await tx.select().from(units).where(eq(units.name, name.trim()));
  return u ?? null;
}

export async function resolveUnit(tx: Tx, name: string): Promise<UnitRow> {
  const exact = await unitByName(tx, name);
  if (exact) return exact;
  // Staff often shorten unit names (中医院 for 县中医院): accept one unambiguous partial match.
  const like = await tx.select().from(units).where(sql`${units.name} like ${'%' + name.trim() + '%'}`);
  if (like.length === 1) return like[0];
  if (like.length > 1) fail('directory.unit_ambiguous', { name, candidates: like.map((u) => u.name) });
  fail('directory.unit_not_found', { name });
}

/** A person named as 姓名 or 单位/姓名; asks when the name is shared (unless exactly one is in preferUnitId). */
export async function resolveMember(tx: Tx, text: string, preferUnitId?: number): Promise<MemberRow> {
  const t = text.trim().replace(/^@/, '');
  const slash = t.search(/[\/／]/);
  if (slash > 0) {
    const unit = await resolveUnit(tx, t.slice(0, slash));
    const name = t.slice(slash + 1).trim();
    const found = await memberQuery(tx).where(and(eq(members.unitId, unit.id), eq(members.name, name), eq(members.active, true)));
    if (found.length === 1) return found[0];
    if (found.length === 0) fail('directory.member_not_in_unit', { unit: unit.name, name });
    fail('directory.member_ambiguous_in_unit', { unit: unit.name, name, count: found.length });
  }
  const found = await memberQuery(tx).where(and(eq(members.name, t), eq(members.active, true)));
  if (found.length === 1) return found[0];
  if (found.length === 0) fail('directory.member_not_found', { name: t });
  const inUnit = found.filter((m) => m.unitId === preferUnitId);
  if (inUnit.length === 1) return inUnit[0];
  fail('directory.member_ambiguous', { name: t, candidates: found.map((m) => ({ unit: m.unitName, name: m.name })) });
}

export async function unitsLedBy(tx: Tx, leaderId: number): Promise<number[]> {
  const rows = await tx.select({ unitId: leaderUnits.unitId }).from(leaderUnits).where(eq(leaderUnits.memberId, leaderId));
  return rows.map((r) => r.unitId);
}

/** Everyone who is told when something needs an admin. */
export async function activeAdmins(tx: Tx): Promise<MemberRow[]> {
  return memberQuery(tx).where(and(eq(members.role, 'admin'), eq(members.active, true))).orderBy(members.id);
}

export async function headsOf(tx: Tx, unitId?: number): Promise<MemberRow[]> {
  const conds = [eq(members.role, 'head'), eq(members.active, true)];
  if (unitId !== undefined) conds.push(eq(members.unitId, unitId));
  return memberQuery(tx).where(and(...conds));
}

// 绑定 itself is in binding.ts.

/** People with no platform account known yet (neither from the directory nor bound). */
export async function unboundMembers(tx: Tx): Promise<MemberRow[]> {
  return memberQuery(tx)
    .leftJoin(identities, and(eq(identities.memberId, members.id), sql`${identities.source} <> 'console'`))
    .where(and(eq(members.active, true), isNull(identities.memberId)))
    .orderBy(units.name, members.name);
}

export async function transferMember(tx: Tx, member: MemberRow, unit: UnitRow, actor: Actor): Promise<void> {
  await tx.update(members).set({ unitId: unit.id, updatedAt: new Date() }).where(eq(members.id, member.id));
  await audit(tx, actor, 'member.transfer', `${member.name}`, { unit: member.unitName }, { unit: unit.name });
}

export type Actor = { id: number | null; label: string };

/** A unit's 联络员 now, if any (the one /名单 联络员 replaces). */
export async function liaisonOf(tx: Tx, unitId: number): Promise<MemberRow | null> {
  const [m] = await memberQuery(tx).where(and(eq(members.unitId, unitId), eq(members.liaison, true), eq(members.active, true))).orderBy(members.id).limit(1);
  return m ?? null;
}

/** Makes `member` its unit's 联络员, the only one (/名单 联络员); whoever was it before stops being it. */
export async function setLiaison(tx: Tx, member: MemberRow, actor: Actor): Promise<{ before: string[] }> {
  const before = await tx.update(members).set({ liaison: false, updatedAt: new Date() })
    .where(and(eq(members.unitId, member.unitId), eq(members.liaison, true), sql`${members.id} <> ${member.id}`))
    .returning({ name: members.name });
  await tx.update(members).set({ liaison: true, updatedAt: new Date() }).where(eq(members.id, member.id));
  await audit(tx, actor, 'member.liaison', `${member.unitName}/${member.name}`,
    { liaison: member.liaison, replaced: before.map((b) => b.name) }, { liaison: true });
  return { before: before.map((b) => b.name) };
}

/** Every active unit with its 单位类型, heads and 联络员 by name (/名单 联络员 without a name). */
export async function unitRoles(tx: Tx): Promise<{ unit: string; kind: string | null; heads: string[]; liaisons: string[] }[]> {
  return rowsOf<{ unit: string; kind: string | null; heads: string[]; liaisons: string[] }>(await tx.execute(sql`
    select u.name as unit, u.kind,
      coalesce((select json_agg(m.name order by m.id) from members m where m.unit_id = u.id and m.active and m.role = 'head'), '[]'::json) as heads,
      coalesce((select json_agg(m.name order by m.id) from members m where m.unit_id = u.id and m.active and m.liaison), '[]'::json) as liaisons
    from units u where u.active order by u.id`));
}

// ---------------------------------------------------------------- import

export interface DirectoryRow {
  line: number;
  unit: string;
  name: string;
  role: Role;
  /** The accounts the file gives, by member column (DIRECTORY_ACCOUNTS). */
  accounts: Record<AccountColumn, string | null>;
  phone: string | null;
  leadsUnits: string[];
  /** 党员, 班子成员, 联络员 as the file gives them; a column the file lacks is left out (the person keeps theirs). */
  flags: Partial<Record<FlagColumn, boolean>>;
  /** The unit's 单位类型: undefined when the file has no such column, null when this row leaves it empty. */
  unitKind?: UnitKind | null;
}

/** What a 名单 import changed (directoryImportReport words it); people as 单位/姓名. */
export interface ImportReport {
  added: string[];
  updated: string[];
  /** People who changed unit: by name, from and to. */
  moved: { name: string; from: string; to: string }[];
  deactivated: string[];
  unchanged: number;
  unitsAdded: string[];
  /** Units whose 单位类型 the file changed (kinds as codes; null: none). */
  unitKinds: { unit: string; before: string | null; after: string | null }[];
  /** What became of each row of the file, and what changed for a person already there (the console's preview lists them). */
  rows: ImportRowOutcome[];
}

/** A field of a person the import changed: the unit by name, the role as its code (staff…), active as 'true'/'false'. */
export type MemberField = 'unit' | 'name' | 'role' | 'phone' | AccountColumn | FlagColumn | 'active';
export interface ImportRowOutcome {
  line: number;
  /** 单位/姓名 as in the file. */
  label: string;
  outcome: 'added' | 'updated' | 'moved' | 'unchanged';
  changes: { field: MemberField; before: string | null; after: string | null }[];
}

/**
 * The file's account columns: the identity platform each gives an account on (a platform
 * plug-in's id) and the member column it is kept in. The members table has one column per
 * platform (wecom_userid, dingtalk_userid), and the file's columns are documented (README 导入名单)
 * and shown by `cli --help`, which loads no plug-in: so they are listed here, once;
 * test/unit/platform-plugins.test.ts checks each is an installed platform, named as its plug-in names it.
 */
export const DIRECTORY_ACCOUNTS = [
  { header: '企业微信账号', platform: 'wecom', column: 'wecomUserId' },
  { header: '钉钉账号', platform: 'dingtalk', column: 'dingtalkUserId' },
] as const;
type AccountColumn = (typeof DIRECTORY_ACCOUNTS)[number]['column'];

/** The file's yes/no columns (是/否) and the member column each is kept in; all may be left out of a file. */
export const DIRECTORY_FLAGS = [
  { header: '党员', column: 'partyMember' },
  { header: '班子成员', column: 'leadership' },
  { header: '联络员', column: 'liaison' },
] as const;
type FlagColumn = (typeof DIRECTORY_FLAGS)[number]['column'];
/** The unit's 单位类型 column (a unit's attribute, given on any of its people's rows). */
const UNIT_KIND_HEADER = '单位类型';

export const DIRECTORY_HEADERS = ['单位', '姓名', '角色', ...DIRECTORY_ACCOUNTS.map((a) => a.header), '手机号', '分管单位',
  ...DIRECTORY_FLAGS.map((f) => f.header), UNIT_KIND_HEADER];

/** A 是/否 cell: true, false, or null when it is neither. Empty is 否. */
function yesNo(v: string): boolean | null {
  const t = v.trim().toLowerCase();
  if (['是', 'y', 'yes', '1', 'true', '√', '✓'].includes(t)) return true;
  if (['否', '', 'n', 'no', '0', 'false', '×', '✗'].includes(t)) return false;
  return null;
}

/** Required headers absent from a 名单 file: 单位 and 姓名, the first two (the rest may be left out). */
export const missingDirectoryHeaders = (headers: string[]) => DIRECTORY_HEADERS.slice(0, 2).filter((h) => !headers.includes(h));

/** Validate every row first; a bad row stops the whole import with its line number. */
export function validateDirectoryRows(rows: { line: number; cells: Record<string, string> }[]): DirectoryRow[] {
  const errors: { line: number; problems: DirectoryRowProblem[] }[] = [];
  const out: DirectoryRow[] = [];
  const seen = new Map<string, number>();
  // A unit's 单位类型 and its 联络员: the line that first gave each, per unit.
  const kindOf = new Map<string, { kind: UnitKind; line: number }>();
  const liaisonOf = new Map<string, number>();
  for (const { line, cells } of rows) {
    const get = (h: string) => (cells[h] ?? '').trim();
    const has = (h: string) => cells[h] !== undefined;
    const unit = get('单位');
    const name = get('姓名');
    const roleText = get('角色');
    const phone = get('手机号').replace(/[\s-]/g, '') || null;
    const role = roleFromCn(roleText);
    const problems: DirectoryRowProblem[] = [];
    if (!unit) problems.push({ code: 'unit_missing' });
    if (!name) problems.push({ code: 'name_missing' });
    if (!role) problems.push({ code: 'role_unknown', role: roleText });
    if (phone && !/^1\d{10}$/.test(phone)) problems.push({ code: 'phone_invalid', phone });
    const key = phone ?? `${unit}/${name}`;
    if (seen.has(key)) problems.push({ code: 'duplicate', line: seen.get(key)!, byPhone: !!phone });
    seen.set(key, line);
    // One platform account belongs to one person: a repeated one would silently move to the later row.
    for (const { header, platform } of DIRECTORY_ACCOUNTS) {
      const account = get(header);
      if (!account) continue;
      const k = `${platform}:${account}`;
      if (seen.has(k)) problems.push({ code: 'account_duplicate', column: header, account, line: seen.get(k)! });
      else seen.set(k, line);
    }
    const flags: DirectoryRow['flags'] = {};
    for (const { header, column } of DIRECTORY_FLAGS) {
      if (!has(header)) continue;
      const v = yesNo(get(header));
      if (v === null) problems.push({ code: 'flag_invalid', column: header, value: get(header) });
      else flags[column] = v;
    }
    // One 联络员 per unit (the seeds' 专人): a second one in the file is a mistake to point at.
    if (flags.liaison && unit) {
      const first = liaisonOf.get(unit);
      if (first !== undefined) problems.push({ code: 'liaison_twice', unit, line: first });
      else liaisonOf.set(unit, line);
    }
    let unitKind: UnitKind | null | undefined;
    if (has(UNIT_KIND_HEADER)) {
      const text = get(UNIT_KIND_HEADER);
      unitKind = text ? unitKindFromCn(text) : null;
      if (text && !unitKind) problems.push({ code: 'unit_kind_unknown', value: text });
      else if (unitKind && unit) {
        const first = kindOf.get(unit);
        if (first && first.kind !== unitKind) problems.push({ code: 'unit_kind_conflict', unit, value: text, line: first.line });
        else if (!first) kindOf.set(unit, { kind: unitKind, line });
      }
    }
    if (problems.length) {
      errors.push({ line, problems });
      continue;
    }
    out.push({
      line, unit, name, role: role!, phone,
      accounts: Object.fromEntries(DIRECTORY_ACCOUNTS.map((a) => [a.column, get(a.header) || null])) as DirectoryRow['accounts'],
      leadsUnits: get('分管单位').split(/[,，、;；\s]+/).filter(Boolean),
      flags, ...(unitKind !== undefined ? { unitKind } : {}),
    });
  }
  if (errors.length) fail('directory.rows_invalid', { rows: errors });
  return out;
}

export async function importDirectory(tx: Tx, rows: DirectoryRow[], opts: { prune: boolean; actor: Actor }): Promise<ImportReport> {
  const report: ImportReport = { added: [], updated: [], moved: [], deactivated: [], unchanged: 0, unitsAdded: [], unitKinds: [], rows: [] };
  const unitIds = new Map<string, number>();
  const allUnitNames = new Set([...rows.map((r) => r.unit), ...rows.flatMap((r) => r.leadsUnits)]);
  for (const name of allUnitNames) {
    let u = await unitByName(tx, name);
    if (!u) {
      [u] = await tx.insert(units).values({ name }).returning();
      report.unitsAdded.push(name);
    }
    unitIds.set(name, u.id);
    // 单位类型: the kind any of the unit's rows gives; none given while the column is there clears it.
    const given = rows.filter((r) => r.unit === name && r.unitKind !== undefined);
    if (given.length) {
      const kind = given.find((r) => r.unitKind)?.unitKind ?? null;
      if (u.kind !== kind) {
        await tx.update(units).set({ kind }).where(eq(units.id, u.id));
        report.unitKinds.push({ unit: name, before: u.kind, after: kind });
        await audit(tx, opts.actor, 'unit.kind', name, { kind: u.kind }, { kind });
      }
    }
  }
  const existing = await memberQuery(tx);
  const byPhone = new Map(existing.filter((m) => m.phone).map((m) => [m.phone!, m]));
  // 单位+姓名 finds a person whose phone was added or removed since the last file, when unambiguous.
  const byUnitName = new Map<string, MemberRow[]>();
  for (const m of existing) byUnitName.set(`${m.unitName}/${m.name}`, [...(byUnitName.get(`${m.unitName}/${m.name}`) ?? []), m]);
  const claimedPhones = new Set(rows.map((r) => r.phone).filter(Boolean));
  const sameUnitName = (row: DirectoryRow) => {
    const c = (byUnitName.get(`${row.unit}/${row.name}`) ?? []).filter((m) => !m.phone || (!row.phone && !claimedPhones.has(m.phone)));
    return c.length === 1 ? c[0] : undefined;
  };
  const touched = new Set<number>();
  for (const row of rows) {
    const unitId = unitIds.get(row.unit)!;
    const prev = (row.phone ? byPhone.get(row.phone) : undefined) ?? sameUnitName(row);
    const label = `${row.unit}/${row.name}`;
    let id: number;
    if (!prev) {
      const [m] = await tx.insert(members).values({
        unitId, name: row.name, role: row.role, phone: row.phone, ...row.accounts, ...row.flags,
      }).returning();
      id = m.id;
      report.added.push(label);
      report.rows.push({ line: row.line, label, outcome: 'added', changes: [] });
      const { accounts, ...rest } = row;
      await audit(tx, opts.actor, 'member.add', label, null, { ...rest, ...accounts });
    } else {
      id = prev.id;
      const changes: Record<string, unknown> = {};
      if (prev.name !== row.name) changes.name = row.name;
      if (prev.phone !== row.phone) changes.phone = row.phone;
      if (prev.role !== row.role) changes.role = row.role;
      for (const { column } of DIRECTORY_ACCOUNTS) if (prev[column] !== row.accounts[column]) changes[column] = row.accounts[column];
      for (const { column } of DIRECTORY_FLAGS) if (row.flags[column] !== undefined && prev[column] !== row.flags[column]) changes[column] = row.flags[column];
      if (!prev.active) changes.active = true;
      const moved = prev.unitId !== unitId;
      if (moved) changes.unitId = unitId;
      if (Object.keys(changes).length) {
        await tx.update(members).set({ ...changes, updatedAt: new Date() }).where(eq(members.id, id));
        if (moved) report.moved.push({ name: row.name, from: prev.unitName, to: row.unit });
        else report.updated.push(label);
        await audit(tx, opts.actor, moved ? 'member.move' : 'member.update', label,
          { unit: prev.unitName, role: prev.role, active: prev.active }, { ...changes, unit: row.unit });
        const flag = (f: string) => f === 'active' || DIRECTORY_FLAGS.some((x) => x.column === f);
        const was = (f: string) => (f === 'unitId' ? prev.unitName : flag(f) ? String((prev as Record<string, unknown>)[f]) : (prev as Record<string, unknown>)[f] as string | null);
        const now = (f: string) => (f === 'unitId' ? row.unit : flag(f) ? String(f === 'active' ? true : changes[f]) : changes[f] as string | null);
        report.rows.push({
          line: row.line, label, outcome: moved ? 'moved' : 'updated',
          changes: Object.keys(changes).map((f) => ({ field: (f === 'unitId' ? 'unit' : f) as MemberField, before: was(f), after: now(f) })),
        });
      } else {
        report.unchanged++;
        report.rows.push({ line: row.line, label, outcome: 'unchanged', changes: [] });
      }
    }
    touched.add(id);
    for (const { platform, column } of DIRECTORY_ACCOUNTS) await syncIdentity(tx, id, platform, row.accounts[column]);
    await tx.delete(leaderUnits).where(eq(leaderUnits.memberId, id));
    if (row.leadsUnits.length) {
      await tx.insert(leaderUnits).values(row.leadsUnits.map((u) => ({ memberId: id, unitId: unitIds.get(u)! })));
    }
  }
  // The file's 联络员 is the unit's only one: anyone else marked in that unit (not in the file) stops being it.
  for (const row of rows) {
    if (!row.flags.liaison) continue;
    const unitId = unitIds.get(row.unit)!;
    const others = await tx.update(members).set({ liaison: false, updatedAt: new Date() })
      .where(and(eq(members.unitId, unitId), eq(members.liaison, true), sql`${members.id} not in (${sql.join([...touched].map((id) => sql`${id}`), sql`, `)})`))
      .returning({ name: members.name });
    for (const o of others) await audit(tx, opts.actor, 'member.liaison', `${row.unit}/${o.name}`, { liaison: true }, { liaison: false });
  }
  if (opts.prune) {
    const gone = existing.filter((m) => m.active && !touched.has(m.id));
    if (gone.length) {
      await tx.update(members).set({ active: false, updatedAt: new Date() }).where(inArray(members.id, gone.map((m) => m.id)));
      for (const m of gone) {
        report.deactivated.push(`${m.unitName}/${m.name}`);
        await audit(tx, opts.actor, 'member.deactivate', `${m.unitName}/${m.name}`, { active: true }, { active: false });
      }
    }
  }
  return report;
}

async function syncIdentity(tx: Tx, memberId: number, platform: string, userId: string | null) {
  if (!userId) return;
  // A changed account replaces the one the directory gave before (accounts bound by 绑定 stay).
  await tx.delete(identities).where(and(eq(identities.memberId, memberId), eq(identities.platform, platform),
    eq(identities.source, 'directory'), sql`${identities.platformUserId} <> ${userId}`));
  await tx.insert(identities).values({ platform, platformUserId: userId, memberId, source: 'directory' })
    .onConflictDoUpdate({ target: [identities.platform, identities.platformUserId], set: { memberId } });
}

// ---------------------------------------------------------------- more of the directory's SQL

/** The active leaders registered as in charge of a unit (分管), by id. */
export async function leadersOfUnit(tx: Tx, unitId: number): Promise<{ id: number; name: string }[]> {
  return tx.select({ id: members.id, name: members.name }).from(leaderUnits)
    .innerJoin(members, eq(members.id, leaderUnits.memberId))
    .where(and(eq(leaderUnits.unitId, unitId), eq(members.active, true))).orderBy(members.id);
}

/** Everyone registered as in charge of a unit, whether active or not (escalations name them all). */
export async function leaderIdsOfUnit(tx: Tx, unitId: number): Promise<number[]> {
  const rows = await tx.select({ id: leaderUnits.memberId }).from(leaderUnits).where(eq(leaderUnits.unitId, unitId));
  return rows.map((x) => x.id);
}

/**
 * Who hears what a unit owes (the reminders, 催办, the overdue alerts): its active heads and its
 * 联络员 (the plans' 专人), each once, of these units (undefined: every unit).
 */
export async function reportersOf(tx: Tx, unitIds?: number[]): Promise<MemberRow[]> {
  if (unitIds && !unitIds.length) return [];
  const conds = [eq(members.active, true), or(eq(members.role, 'head'), eq(members.liaison, true))];
  if (unitIds) conds.push(inArray(members.unitId, unitIds));
  return memberQuery(tx).where(and(...conds)).orderBy(members.unitId, members.id);
}

/** The active heads of any of these units. */
export async function headsOfUnits(tx: Tx, unitIds: number[]): Promise<{ id: number; unitId: number; name: string }[]> {
  if (!unitIds.length) return [];
  return tx.select({ id: members.id, unitId: members.unitId, name: members.name }).from(members)
    .where(and(inArray(members.unitId, unitIds), eq(members.role, 'head'), eq(members.active, true)));
}

/** The ids of a unit's active members (集中学习 参加：全体). */
export async function activeMemberIdsOf(tx: Tx, unitId: number): Promise<number[]> {
  const rows = await tx.select({ id: members.id }).from(members).where(and(eq(members.unitId, unitId), eq(members.active, true)));
  return rows.map((r) => r.id);
}

/** Every active leader (分管领导), by id. */
export async function activeLeaders(tx: Tx): Promise<{ id: number; name: string }[]> {
  return tx.select({ id: members.id, name: members.name }).from(members)
    .where(and(eq(members.role, 'leader'), eq(members.active, true))).orderBy(members.id);
}

// ---------------------------------------------------------------- reads for the REST API

/** People (active or not) with their unit, by id after a cursor, optionally of one unit. */
export async function membersPage(tx: Tx, q: { after?: number; limit: number; unitId?: number }) {
  const conds: SQL[] = [];
  if (q.after !== undefined) conds.push(gt(members.id, q.after));
  if (q.unitId) conds.push(eq(members.unitId, q.unitId));
  return tx.select({ id: members.id, name: members.name, role: members.role, unitId: members.unitId, unitName: units.name, active: members.active })
    .from(members).innerJoin(units, eq(units.id, members.unitId)).where(and(...conds)).orderBy(asc(members.id)).limit(q.limit);
}

// ---------------------------------------------------------------- what delivery reads

/** A person and every platform account they have (none: an empty list), to send to; null when no such person. */
export async function memberWithAccounts(tx: Tx, id: number): Promise<{ id: number; name: string; accounts: { platform: string; userId: string }[] } | null> {
  const [m] = await tx.select({ id: members.id, name: members.name }).from(members).where(eq(members.id, id));
  if (!m) return null;
  const accounts = (await tx.select().from(identities).where(eq(identities.memberId, m.id)))
    .map((i) => ({ platform: i.platform, userId: i.platformUserId }));
  return { ...m, accounts };
}

/** Each member's name, and their user id on `platform` when they have one (for @s); ids of no one are left out. */
export async function mentionsOf(tx: Tx, ids: number[], platform: string): Promise<{ name: string; userId?: string }[]> {
  const people = await tx.select({ id: members.id, name: members.name }).from(members).where(inArray(members.id, ids));
  const accounts = await tx.select({ memberId: identities.memberId, userId: identities.platformUserId }).from(identities)
    .where(and(inArray(identities.memberId, ids), eq(identities.platform, platform)));
  return ids.flatMap((id) => {
    const m = people.find((p) => p.id === id);
    if (!m) return [];
    const userId = accounts.find((a) => a.memberId === id)?.userId;
    return [userId ? { name: m.name, userId } : { name: m.name }];
  });
}

/** Whose account `platformUserId` on `platform` is (active or not), if anyone's. */
export async function memberIdByAccount(tx: Tx, platform: string, platformUserId: string): Promise<number | null> {
  const [who] = await tx.select({ memberId: identities.memberId }).from(identities)
    .where(and(eq(identities.platform, platform), eq(identities.platformUserId, platformUserId)));
  return who?.memberId ?? null;
}

/**
 * Gives a person their console account (the chat simulator's, tests'), written only the first
 * time: any write to identities makes every process reload the directory.
 */
export async function ensureConsoleAccount(tx: Tx, memberId: number, senderId: string): Promise<void> {
  const [known] = await tx.select({ id: identities.memberId }).from(identities)
    .where(and(eq(identities.platform, 'console'), eq(identities.platformUserId, senderId)));
  if (known) return;
  await tx.insert(identities).values({ platform: 'console', platformUserId: senderId, memberId, source: 'console' }).onConflictDoNothing();
}

/** Every active unit, by name (the console's unit filters and 转交's choices). */
export async function activeUnitList(tx: Tx): Promise<{ id: number; name: string }[]> {
  return tx.select({ id: units.id, name: units.name }).from(units).where(eq(units.active, true)).orderBy(asc(units.name));
}

// ---------------------------------------------------------------- the console's 名单

export interface DirectoryPerson {
  id: number; unitId: number; unitName: string; name: string; role: string; phone: string | null; active: boolean;
  partyMember: boolean; leadership: boolean; liaison: boolean;
  /** The unit's 单位类型 (a code), or null. */
  unitKind: string | null;
  /** The platforms they have an account on (not the console's own), and how each came: directory | bind. */
  accounts: { platform: string; source: string }[];
  /** Their 分管单位, by name (leaders). */
  leads: string[];
}

/**
 * The 名单 as the office reads it: people of a unit or all, in office / inactive / both, whose name
 * or phone contains `q`; in the order the units and people first came (the 名单 file's order); one
 * page and the total.
 */
export async function directoryPeople(tx: Tx, f: { unitId?: number; status: 'active' | 'inactive' | 'all'; q?: string; limit: number; offset: number }):
  Promise<{ total: number; rows: DirectoryPerson[] }> {
  const conds: SQL[] = [];
  if (f.unitId !== undefined) conds.push(eq(members.unitId, f.unitId));
  if (f.status !== 'all') conds.push(eq(members.active, f.status === 'active'));
  const q = f.q?.trim();
  // A literal match: % and _ in what was typed mean themselves.
  if (q) conds.push(sql`(strpos(${members.name}, ${q}) > 0 or strpos(coalesce(${members.phone}, ''), ${q}) > 0)`);
  const where = conds.length ? and(...conds) : undefined;
  const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(members).innerJoin(units, eq(units.id, members.unitId)).where(where);
  const rows = await tx.select({
    id: members.id, unitId: members.unitId, unitName: units.name, name: members.name, role: members.role, phone: members.phone, active: members.active,
    partyMember: members.partyMember, leadership: members.leadership, liaison: members.liaison, unitKind: units.kind,
    accounts: sql<{ platform: string; source: string }[]>`coalesce((select json_agg(json_build_object('platform', i.platform, 'source', i.source) order by i.platform)
      from ${identities} i where i.member_id = ${members.id} and i.source <> 'console'), '[]'::json)`,
    leads: sql<string[]>`coalesce((select json_agg(u2.name order by u2.name) from ${leaderUnits} lu join ${units} u2 on u2.id = lu.unit_id
      where lu.member_id = ${members.id}), '[]'::json)`,
  }).from(members).innerJoin(units, eq(units.id, members.unitId)).where(where)
    .orderBy(asc(units.id), asc(members.id)).limit(f.limit).offset(f.offset);
  return { total: Number(n), rows };
}

/** How many people are in office and not, and how many units are active (the 名单 page's heading). */
export async function directoryCounts(tx: Tx): Promise<{ active: number; inactive: number; units: number }> {
  const [m] = await tx.select({
    active: sql<number>`count(*) filter (where ${members.active})::int`, inactive: sql<number>`count(*) filter (where not ${members.active})::int`,
  }).from(members);
  const [u] = await tx.select({ n: sql<number>`count(*)::int` }).from(units).where(eq(units.active, true));
  return { active: Number(m.active), inactive: Number(m.inactive), units: Number(u.n) };
}
