// Work the CLI asks for. When the service is running the CLI sends it here through the
// loopback admin endpoint (PGlite is single-process); otherwise the CLI runs it itself.
import { z } from 'zod';
import type { Database } from './db/client.ts';
import { importDirectory, validateDirectoryRows } from './domain/directory.ts';
import { isUserFacing, UserError } from './commands/errors.ts';
import { audit } from './domain/audit.ts';
import { importLedger, ledgerDryRunReport, ledgerReport, validateLedgerRows } from './domain/ledger-import.ts';
import { ledgerDryRun, ledgerImported } from './domain/messages/ledger-import.ts';
import { dayOf } from './time.ts';
import { setOverrides, validateHolidayRows } from './domain/holidays.ts';
import { KIND_CN } from './domain/messages/holidays.ts';
import { coverageGapIn, loadCalendar } from './domain/workdays.ts';
import { monthCn } from './domain/messages/format.ts';
import { buildExport, exportKindFrom, exportRange, type ExportKind } from './domain/exports.ts';
import { resolveUnit } from './domain/directory.ts';
import { formatDateCn, parseDate } from './parse/date.ts';
import { approvalBlocker, approveRequest, bindRequestById, pendingRequests, platformCn, rejectRequest, STATUS_CN } from './domain/binding.ts';
import { approvalBlockerCn, directoryImportReport } from './domain/messages/directory.ts';
import { EXPORT_KIND_CN, exportSummaryCn } from './domain/messages/exports.ts';
import { memberById } from './domain/directory.ts';
import { enqueueOutbox } from './delivery/outbox-store.ts';
import { ROLE_CN, type Role } from './domain/roles.ts';

export const operationSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('directory.import'),
    rows: z.array(z.object({ line: z.number().int(), cells: z.record(z.string(), z.string()) })).max(200_000),
    prune: z.boolean(),
    dryRun: z.boolean().default(false),
  }),
  z.object({
    op: z.literal('ledger.import'),
    rows: z.array(z.object({ line: z.number().int(), cells: z.record(z.string(), z.string()) })).max(50_000),
    /** 责任单位 for rows that leave it empty (a unit's own plan). */
    unit: z.string().optional(),
    dryRun: z.boolean().default(false),
  }),
  z.object({
    op: z.literal('holidays.import'),
    rows: z.array(z.object({ line: z.number().int(), cells: z.record(z.string(), z.string()) })).max(20_000),
    dryRun: z.boolean().default(false),
  }),
  z.object({
    // The first admin's own 绑定 waits for an admin: whoever runs the server decides it here.
    op: z.literal('bind'),
    action: z.enum(['list', 'approve', 'reject']),
    id: z.number().int().min(1).max(2147483647).optional(),
    reason: z.string().max(200).optional(),
  }),
  z.object({
    op: z.literal('export'),
    /** 打卡|意见|整改|通报 or checkins|feedback|rectifications|circular. */
    kind: z.string().refine((k) => exportKindFrom(k) !== null, { message: '导出类型应为 打卡、意见、整改 或 通报' }),
    unit: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
]);
export type Operation = z.infer<typeof operationSchema>;

export interface OperationResult {
  ok: boolean;
  message: string;
  /** A file the operation made (an export), base64 so it travels through the loopback endpoint's JSON. */
  file?: { name: string; mime: string; base64: string };
}

class DryRun extends Error { constructor(readonly message: string) { super(message); } }

/** `now`: the app's clock (the service's, or the machine's for a CLI run without one); dates and days follow it. */
export async function runOperation(database: Database, op: Operation, opts: { now: Date }): Promise<OperationResult> {
  const { now } = opts;
  try {
    switch (op.op) {
      case 'directory.import': {
        const rows = validateDirectoryRows(op.rows);
        // One transaction: a failure anywhere leaves the directory as it was.
        const message = await database.db.transaction(async (tx) => {
          const report = await importDirectory(tx, rows, { prune: op.prune, actor: { id: null, label: 'cli' } });
          const text = directoryImportReport(report);
          if (op.dryRun) throw new DryRun(`（试运行，未保存）\n${text}`);
          return text;
        });
        return { ok: true, message };
      }
      case 'ledger.import': {
        // Validation and inserts in one transaction: a bad row anywhere imports nothing.
        const message = await database.db.transaction(async (tx) => {
          const rows = await validateLedgerRows(tx, op.rows, { now, today: dayOf(now), defaultUnit: op.unit });
          if (op.dryRun) return ledgerDryRun(ledgerDryRunReport(rows));
          return ledgerImported(ledgerReport(await importLedger(tx, rows, { id: null, label: 'cli' })));
        });
        return { ok: true, message };
      }
      case 'holidays.import': {
        // Every row is checked before anything is written, and all of it goes in one transaction.
        const rows = validateHolidayRows(op.rows, now);
        const off = rows.filter((r) => r.kind === 'off').length;
        const summary = `${rows.length} 天（${KIND_CN.off} ${off} 天，${KIND_CN.work} ${rows.length - off} 天），${rows[0].day} 至 ${rows[rows.length - 1].day}`;
        if (op.dryRun) return { ok: true, message: `（试运行，未保存）文件无误：${summary}。` };
        const message = await database.db.transaction(async (tx) => {
          const r = await setOverrides(tx, rows);
          await audit(tx, { id: null, label: 'cli' }, 'holidays.import', null, null, { days: rows.length, first: rows[0].day, last: rows[rows.length - 1].day });
          const gap = coverageGapIn(await loadCalendar(tx), dayOf(now));
          return [`已导入节假日更正 ${summary}${r.replaced ? `；其中 ${r.replaced} 天替换了原有设置` : ''}。`,
            gap.length ? `注意：${gap.map(monthCn).join('、')} 仍没有节假日数据。` : ''].filter(Boolean).join('\n');
        });
        return { ok: true, message };
      }
      case 'bind': {
        const message = await database.db.transaction(async (tx) => {
          if (op.action === 'list') {
            const pending = await pendingRequests(tx);
            if (!pending.length) return '没有待审核的绑定申请。';
            return [`待审核的绑定申请 ${pending.length} 个：`, ...pending.map((r) =>
              `  #${r.id} ${r.member.unitName} ${r.member.name}（${ROLE_CN[r.member.role as Role]}）← ${platformCn(r.platform)}账号 ${r.platformUserId}，${formatDateCn(dayOf(r.createdAt), now)}`),
            '核实是本人后：npm run cli -- bind approve 编号；否则 npm run cli -- bind reject 编号 [原因]'].join('\n');
          }
          const r = op.id ? await bindRequestById(tx, op.id) : null;
          if (!r) throw new UserError(`没有编号为 #${op.id ?? ''} 的绑定申请。运行 npm run cli -- bind list 查看。`);
          if (r.status !== 'pending') throw new UserError(`绑定申请 #${r.id} ${STATUS_CN[r.status] ?? r.status}，不能再处理。`);
          const m = await memberById(tx, r.memberId);
          const notify = async (key: string, to: { memberId: number }, text: string) => { await enqueueOutbox(tx, key, to, text); };
          const operator = { id: null, name: '服务器管理员（命令行）' };
          if (op.action === 'reject') {
            await rejectRequest(tx, r, m, operator, op.reason ?? null, now, notify);
            return `已拒绝绑定申请 #${r.id}。`;
          }
          const blocker = await approvalBlocker(tx, r, m);
          if (blocker || !m) throw new UserError(`不能通过绑定申请 #${r.id}：${approvalBlockerCn(blocker ?? { kind: 'member_gone' })}`);
          await approveRequest(tx, r, m, operator, now, notify);
          return `已通过绑定申请 #${r.id}：${platformCn(r.platform)}账号 ${r.platformUserId} 现在是 ${m.unitName} ${m.name}（${ROLE_CN[m.role as Role]}）。`;
        });
        return { ok: true, message };
      }
      case 'export': {
        const found = exportKindFrom(op.kind);
        if (!found) throw new UserError(`不能导出「${op.kind}」。可以导出：打卡、意见、整改、通报。`);
        const kind: ExportKind = found;
        const today = dayOf(now);
        const day = (text: string | undefined, label: string) => {
          if (text === undefined || text.trim() === '') return undefined;
          const d = parseDate(text, { now, direction: 'past' });
          if (!d) throw new UserError(`${label}「${text}」看不懂。可以写成 2026-11-01 或 11月1日。`);
          return d;
        };
        if (kind === 'circular' && op.unit?.trim()) throw new UserError('通报包含全部单位的数据和排名，不按单位导出。请去掉 --unit。');
        const range = exportRange(day(op.from, '--from'), day(op.to, '--to'), today);
        // Read-only: one transaction for a consistent picture across the sheets.
        const built = await database.db.transaction(async (tx) => {
          const unit = op.unit?.trim() ? await resolveUnit(tx, op.unit) : null;
          const b = await buildExport(tx, kind, {
            now, today, ...range, ...(unit ? { unitIds: [unit.id], unitLabel: unit.name } : {}),
          });
          await audit(tx, { id: null, label: 'cli' }, 'export.create', null, null, { kind, unit: unit?.name ?? null, ...range, rows: b.rows, file: b.fileName });
          return b;
        });
        return {
          ok: true, message: `已导出${EXPORT_KIND_CN[kind]}：${exportSummaryCn(built.summary)}。`,
          file: { name: built.fileName, mime: built.mime, base64: built.data.toString('base64') },
        };
      }
    }
  } catch (err) {
    if (err instanceof DryRun) return { ok: true, message: err.message };
    if (isUserFacing(err)) return { ok: false, message: err.message };
    throw err;
  }
}
