// Work the CLI asks for. When the service is running the CLI sends it here through the
// loopback admin endpoint (PGlite is single-process); otherwise the CLI runs it itself.
import { z } from 'zod';
import type { Database } from './db/client.ts';
import { importDirectory, memberById, resolveUnit, validateDirectoryRows } from './domain/directory.ts';
import { isUserFacing, UserError } from './commands/errors.ts';
import { audit } from './domain/audit.ts';
import { importLedger, ledgerDryRunReport, ledgerReport, validateLedgerRows } from './domain/ledger-import.ts';
import { ledgerDryRun, ledgerImported } from './domain/messages/ledger-import.ts';
import { dayOf } from './time.ts';
import { setOverrides, validateHolidayRows } from './domain/holidays.ts';
import { holidayImportReplies } from './domain/messages/holidays.ts';
import { coverageGapIn, loadCalendar } from './domain/workdays.ts';
import { buildExport, exportKindFrom, exportRange, type ExportKind } from './domain/exports.ts';
import { parseDate } from './parse/date.ts';
import { approvalBlocker, approveRequest, bindRequestById, pendingRequests, rejectRequest } from './domain/binding.ts';
import { bindCliReplies, CLI_OPERATOR_NAME, directoryImportDryRun, directoryImportReport } from './domain/messages/directory.ts';
import { exportCliReplies } from './domain/messages/exports.ts';
import { enqueueOutbox } from './delivery/outbox-store.ts';
import { checkPlan, commitPlan, planReport } from './domain/plan-import.ts';
import { planImportReplies } from './domain/messages/plan-import.ts';
import { buildReport, reportKindFrom, spanKindFrom } from './domain/reports.ts';
import { campaignForExport } from './domain/exports.ts';
import { reportReplies } from './domain/messages/reports.ts';
import { phaseRefOf } from './parse/phase.ts';

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
    // 工作安排: phases, tasks and readings from a workbook's sheets; without `yes` only the preview.
    op: z.literal('plan.import'),
    file: z.string().max(500),
    sheets: z.array(z.object({
      name: z.string().max(100),
      headers: z.array(z.string().max(200)).max(200),
      rows: z.array(z.object({ line: z.number().int(), cells: z.record(z.string(), z.string()) })).max(20_000),
    })).max(30),
    yes: z.boolean().default(false),
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
    /** 打卡|意见|整改|通报|督查|案例 or checkins|feedback|rectifications|circular|inspections|cases. */
    kind: z.string().refine((k) => exportKindFrom(k) !== null, { message: '导出类型应为 打卡、意见、整改、通报、督查 或 案例' }),
    unit: z.string().optional(),
    from: z.string().optional(),
    to: z.string().optional(),
  }),
  z.object({
    op: z.literal('report'),
    /** 通报|总结|台账|汇编|统计. */
    kind: z.string().refine((k) => reportKindFrom(k) !== null, { message: '报送材料应为 通报、总结、台账、汇编 或 统计' }),
    /** 本期|阶段|全程, or a phase: 第二阶段, 2, its name. */
    phase: z.string().optional(),
    unit: z.string().optional(),
    task: z.string().optional(),
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
          if (op.dryRun) throw new DryRun(directoryImportDryRun(report));
          return directoryImportReport(report);
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
        const summary = { days: rows.length, off: rows.filter((r) => r.kind === 'off').length, first: rows[0].day, last: rows[rows.length - 1].day };
        if (op.dryRun) return { ok: true, message: holidayImportReplies.dryRun(summary) };
        const message = await database.db.transaction(async (tx) => {
          const r = await setOverrides(tx, rows);
          await audit(tx, { id: null, label: 'cli' }, 'holidays.import', null, null, { days: rows.length, first: rows[0].day, last: rows[rows.length - 1].day });
          return holidayImportReplies.imported({ ...summary, replaced: r.replaced, uncovered: coverageGapIn(await loadCalendar(tx), dayOf(now)) });
        });
        return { ok: true, message };
      }
      case 'plan.import': {
        // Checked and written in one transaction: a bad row anywhere writes nothing.
        const message = await database.db.transaction(async (tx) => {
          const today = dayOf(now);
          const plan = await checkPlan(tx, op.sheets, { now, today });
          if (!op.yes) return `${planImportReplies.preview({ report: planReport(plan, today), today })}\n${planImportReplies.cliConfirm({ file: op.file })}`;
          const writer = {
            tx, now, today,
            audit: (action: string, target: string | null, before?: unknown, after?: unknown) => audit(tx, { id: null, label: 'cli' }, action, target, before, after),
            notify: (key: string, to: { memberId: number } | { groupId: number }, text: string) => enqueueOutbox(tx, key, to, text),
            scheduleChanged: () => {},
          };
          return planImportReplies.imported({ ...(await commitPlan(writer, plan, op.file)), today });
        });
        return { ok: true, message };
      }
      case 'bind': {
        const message = await database.db.transaction(async (tx) => {
          if (op.action === 'list') {
            const pending = await pendingRequests(tx);
            return pending.length ? bindCliReplies.pending({ requests: pending, now }) : bindCliReplies.noPending();
          }
          const r = op.id ? await bindRequestById(tx, op.id) : null;
          if (!r) throw new UserError(bindCliReplies.unknown({ id: op.id }));
          if (r.status !== 'pending') throw new UserError(bindCliReplies.settled({ id: r.id, status: r.status }));
          const m = await memberById(tx, r.memberId);
          const notify = async (key: string, to: { memberId: number }, text: string) => { await enqueueOutbox(tx, key, to, text); };
          const operator = { id: null, name: CLI_OPERATOR_NAME };
          if (op.action === 'reject') {
            await rejectRequest(tx, r, m, operator, op.reason ?? null, now, notify);
            return bindCliReplies.rejected({ id: r.id });
          }
          const blocker = await approvalBlocker(tx, r, m);
          if (blocker || !m) throw new UserError(bindCliReplies.blocked({ id: r.id, blocker: blocker ?? { kind: 'member_gone' } }));
          await approveRequest(tx, r, m, operator, now, notify);
          return bindCliReplies.approved({ request: r, member: m });
        });
        return { ok: true, message };
      }
      case 'export': {
        const found = exportKindFrom(op.kind);
        if (!found) throw new UserError(exportCliReplies.kindUnknown({ word: op.kind }));
        const kind: ExportKind = found;
        const today = dayOf(now);
        const day = (text: string | undefined, option: string) => {
          if (text === undefined || text.trim() === '') return undefined;
          const d = parseDate(text, { now, direction: 'past' });
          if (!d) throw new UserError(exportCliReplies.dateUnreadable({ option, text }));
          return d;
        };
        if (kind === 'circular' && op.unit?.trim()) throw new UserError(exportCliReplies.circularByUnit());
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
          ok: true, message: exportCliReplies.exported({ kind, summary: built.summary }),
          file: { name: built.fileName, mime: built.mime, base64: built.data.toString('base64') },
        };
      }
      case 'report': {
        const kind = reportKindFrom(op.kind)!;
        const span = op.phase?.trim() ? spanKindFrom(op.phase) ?? 'phase' : undefined;
        const phase = span === 'phase' && op.phase && !spanKindFrom(op.phase) ? phaseRefOf(op.phase) : null;
        const built = await database.db.transaction(async (tx) => {
          const c = await campaignForExport(tx);
          const unit = op.unit?.trim() ? await resolveUnit(tx, op.unit) : null;
          const b = await buildReport(tx, c, {
            kind, span, phase, task: op.task?.trim() || null, today: dayOf(now), sender: reportReplies.defaultSender(c.name),
            ...(unit ? { unitIds: [unit.id], unitName: unit.name } : {}),
          });
          await audit(tx, { id: null, label: 'cli' }, 'report.create', null, null, { kind, unit: unit?.name ?? null, phase: op.phase ?? null, task: op.task ?? null, rows: b.rows, file: b.fileName });
          return b;
        });
        return {
          ok: true, message: reportReplies.written({ kind, fileName: built.fileName, covers: built.covers, rows: built.rows }),
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
