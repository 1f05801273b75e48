import { defineCommand } from '../../src/commands/registry.ts';
import { isUserFacing, UserError } from '../../src/commands/errors.ts';
import type { Ctx } from '../../src/commands/context.ts';
import { visibleUnits } from '../../src/domain/visibility.ts';
import {
  attachExportToOutbox, buildExport, cliCommandFor, EXPORT_KIND_CN, EXPORT_TTL_MS, exportKindFrom, storeExport, type ExportScope,
} from '../../src/domain/exports.ts';
import { ExportRefused, exportUnits, mayExportKind } from './scope.ts';
import { exportReplies } from '../../src/domain/messages/exports.ts';
import { tokenize } from '../../src/parse/normalize.ts';
import { parseDate, parseDateRange } from '../../src/parse/date.ts';
import { addDays, mondayOf } from '../../src/time.ts';

// Who may export what: scope.ts (the console's 导出 page asks the same). An export changes no
// record, so it runs at once (no 确认). The file never goes into a group: it is sent to the
// person privately (or as a link only they get).

const pad = (n: number) => String(n).padStart(2, '0');
const monthRange = (y: number, m: number) => {
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` };
};

/** 11月1日至11月15日, 2026-11-01 到 2026-11-15, 12月3日 (one day), 本月, 上月, 本周, 上周, 2026年11月, 11月. */
function readDates(text: string, ctx: Ctx): { from: string; to: string } | null {
  const t = text.replace(/\s+/g, '');
  const range = parseDateRange(t, { now: ctx.now, direction: 'past' });
  if (range) return { from: range.start, to: range.end };
  const day = parseDate(t, { now: ctx.now, direction: 'past' });
  if (day) return { from: day, to: day };
  const [y, m] = ctx.today.split('-').map(Number);
  if (/^(本月|这个?月)$/.test(t)) return monthRange(y, m);
  if (/^上个?月$/.test(t)) return m === 1 ? monthRange(y - 1, 12) : monthRange(y, m - 1);
  if (/^(本周|这周|本星期)$/.test(t)) return { from: mondayOf(ctx.today), to: addDays(mondayOf(ctx.today), 6) };
  if (/^(上周|上星期)$/.test(t)) return { from: addDays(mondayOf(ctx.today), -7), to: addDays(mondayOf(ctx.today), -1) };
  const ym = /^(?:(\d{4})年)?(\d{1,2})月(?:份)?$/.exec(t);
  if (ym && Number(ym[2]) >= 1 && Number(ym[2]) <= 12) {
    const month = Number(ym[2]);
    // A month without a year is the latest one that has begun.
    const year = ym[1] ? Number(ym[1]) : month > m ? y - 1 : y;
    return monthRange(year, month);
  }
  return null;
}

/** Split 「单位 日期」 or 「日期 单位」: whichever tokens read as dates are the dates, the rest the unit. */
function splitUnitAndDates(rest: string, ctx: Ctx): { unit: string | null; dates: { from: string; to: string } | null } {
  const tokens = tokenize(rest);
  if (!tokens.length) return { unit: null, dates: null };
  for (let i = 0; i < tokens.length; i++) {
    const dates = readDates(tokens.slice(i).join(''), ctx);
    if (dates) return { unit: tokens.slice(0, i).join(' ') || null, dates };
  }
  for (let j = tokens.length - 1; j > 0; j--) {
    const dates = readDates(tokens.slice(0, j).join(''), ctx);
    if (dates) return { unit: tokens.slice(j).join(' '), dates };
  }
  return { unit: tokens.join(' '), dates: null };
}

export default defineCommand({
  name: 'export',
  keywords: [['导出']],
  english: [['export']],
  summary: '导出 Excel：打卡记录、意见建议、整改台账、通报、督查、典型案例与制度成果（文件私聊发给你，30 分钟内有效）',
  section: '管理',
  slash: true,
  roles: ['head', 'leader'],
  args: [
    { name: 'kind', label: '打卡|意见|整改|通报|督查|案例|测评', type: 'word' },
    { name: 'rest', label: '单位 起止日期', type: 'rest', optional: true },
  ],
  examples: ['/导出 打卡 县人民医院 11月1日至11月15日', '/导出 整改', '/导出 意见 上月', '/导出 通报 2026-11-01 至 2026-12-31', '/导出 督查', '/导出 案例'],
  async run(ctx, { kind: kindWord, rest }) {
    const me = ctx.requireMember();
    const kind = exportKindFrom(kindWord);
    if (!kind) throw new UserError(exportReplies.kindUnknown({ word: kindWord }));
    const kindCn = EXPORT_KIND_CN[kind];
    if (!mayExportKind(ctx.role, kind)) {
      // Returned, not thrown: a thrown error rolls the audit row back with everything else.
      await ctx.audit('command.refused', 'export', null, { kind, role: ctx.role });
      return exportReplies.headKindRefused({ kindCn });
    }
    const { unit: unitText, dates } = splitUnitAndDates(rest ?? '', ctx);
    if (kind === 'circular' && unitText) {
      throw new UserError(exportReplies.circularByUnit({ text: unitText }));
    }
    let unit = null;
    if (unitText) {
      try {
        unit = await ctx.resolveUnit(unitText);
      } catch (err) {
        if (isUserFacing(err) && /\d/.test(unitText)) {
          throw new UserError(exportReplies.unitOrDatesUnreadable({ text: unitText }));
        }
        throw err;
      }
    }

    // Which units this person may export: those they see (a circular is every unit's).
    const visible = await visibleUnits(ctx.tx, { role: ctx.role, id: me.id, unitId: me.unitId });
    let units: Pick<ExportScope, 'unitIds' | 'unitLabel'>;
    try {
      units = exportUnits({ role: ctx.role, unitName: me.unitName }, visible, kind, unit);
    } catch (err) {
      if (err instanceof ExportRefused) throw new UserError(err.message);
      throw err;
    }
    const scope: ExportScope = { now: ctx.now, today: ctx.today, ...(dates ?? {}), ...units };

    const built = await buildExport(ctx.tx, kind, scope);
    const range = built.range;
    const params = {
      kind, unit: unit?.name ?? null, unitIds: scope.unitIds ?? null, from: range?.from ?? null, to: range?.to ?? null,
      cli: cliCommandFor(kind, { unit: unit?.name, from: range?.from, to: range?.to }),
    };
    const file = await storeExport(ctx.tx, built, { requestedBy: me.id, now: ctx.now, params });
    await ctx.audit('export.create', `export#${file.id}`, null, { ...params, rows: built.rows, file: built.fileName });

    const exported = {
      kindCn, unit: scope.unitLabel ?? null, byUnit: kind !== 'circular', from: range?.from ?? null, to: range?.to ?? null,
      summary: built.summary, fileName: built.fileName, now: ctx.now,
    };
    const key = `export:${file.id}`;
    await ctx.notify(key, { memberId: me.id }, exportReplies.fileCaption(exported));
    await attachExportToOutbox(ctx.tx, key, file.id);
    return exportReplies.exported({ ...exported, inGroup: ctx.session.chatType === 'group', ttlMinutes: EXPORT_TTL_MS / 60_000 });
  },
});
