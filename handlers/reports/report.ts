import { defineCommand } from '../../src/commands/registry.ts';
import { UserError } from '../../src/commands/errors.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import { attachExportToOutbox, EXPORT_TTL_MS, storeExport } from '../../src/domain/exports.ts';
import { buildReport, reportKindFrom, spanKindFrom, type ReportKind, type ReportRequest } from '../../src/domain/reports.ts';
import { ReportRefused, reportUnits } from './scope.ts';
import type { SpanKind } from '../../src/domain/report-figures.ts';
import { reportReplies } from '../../src/domain/messages/reports.ts';
import { tokenize } from '../../src/parse/normalize.ts';
import { readPhaseRef } from '../../src/parse/phase.ts';

// 报送: the documents the office sends upward (通报, 总结, 台账, 汇编, 统计表), drafted from the
// records. Like /导出 it changes no record and runs at once; the file goes to the person privately.
// Admins get every unit's; a leader the units they are in charge of; a head their own unit's.

export interface ReportArgs { span?: SpanKind; phase: { seq?: number; name: string } | null; words: string[] }

/** Sort the words after the kind into a span (本期/阶段/全程, 第二阶段) and the rest (a unit, a task). */
export function readReportWords(rest: string): ReportArgs {
  const out: ReportArgs = { phase: null, words: [] };
  for (const t of tokenize(rest)) {
    const span = spanKindFrom(t);
    const phase = span ? null : readPhaseRef(t);
    if (span) out.span = span;
    else if (phase) { out.span = 'phase'; out.phase = phase; } else out.words.push(t);
  }
  return out;
}

async function unitScope(ctx: Ctx, kind: ReportKind, unitText: string | null): Promise<{ unitIds?: number[]; unitName?: string | null }> {
  const me = ctx.requireMember();
  const unit = unitText ? await ctx.resolveUnit(unitText) : null;
  const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
  try {
    return reportUnits({ role: ctx.role, unitId: me.unitId, unitName: me.unitName }, visible, kind, unit);
  } catch (err) {
    if (err instanceof ReportRefused) throw new UserError(err.message);
    throw err;
  }
}

export default defineCommand({
  name: 'report',
  keywords: [['报送']],
  english: [['report']],
  summary: '生成报送材料：通报、总结、台账、汇编、统计表（Word/Excel，私聊发给你）',
  section: '管理',
  slash: true,
  roles: ['head', 'leader'],
  args: [
    { name: 'kind', label: '通报|总结|台账|汇编|统计', type: 'word' },
    { name: 'rest', label: '本期|第N阶段|全程 单位 任务', type: 'rest', optional: true },
  ],
  examples: ['/报送 总结 第二阶段', '/报送 统计 全程', '/报送 通报', '/报送 台账 县人民医院', '/报送 汇编 剖析材料'],
  async run(ctx, { kind: kindWord, rest }) {
    const me = ctx.requireMember();
    const c = ctx.requireCampaign();
    const kind = reportKindFrom(kindWord);
    if (!kind) throw new UserError(reportReplies.kindUnknown({ word: kindWord }));
    const words = readReportWords(rest ?? '');
    // 汇编's first free word is the task; the rest (or, for other kinds, all of it) a unit.
    const task = kind === 'compilation' ? words.words.shift() ?? null : null;
    const scope = await unitScope(ctx, kind, words.words.join(' ') || null);
    const request: ReportRequest = {
      kind, span: words.span, phase: words.phase, task, ...scope,
      sender: reportReplies.defaultSender(c.name), today: ctx.today,
    };
    const built = await buildReport(ctx.tx, c, request);
    const params = { kind, span: words.span ?? null, phase: words.phase?.name ?? null, task, unitIds: scope.unitIds ?? null };
    const file = await storeExport(ctx.tx, { ...built, kind: `report:${kind}` }, { requestedBy: me.id, now: ctx.now, params });
    await ctx.audit('report.create', `export#${file.id}`, null, { ...params, rows: built.rows, file: built.fileName });
    const key = `report:${file.id}`;
    await ctx.notify(key, { memberId: me.id }, reportReplies.caption({ kind, fileName: built.fileName }));
    await attachExportToOutbox(ctx.tx, key, file.id);
    return reportReplies.sent({
      kind, fileName: built.fileName, covers: built.covers, rows: built.rows, inGroup: ctx.session.chatType === 'group',
      ttlMinutes: EXPORT_TTL_MS / 60_000, draft: kind === 'summary' || kind === 'circular',
    });
  },
});
