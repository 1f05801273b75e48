// Who may export what — for chat's /导出 and the console's 导出 page alike: admins everything;
// leaders (分管领导) 打卡, 意见, 整改, 案例 of the units they are in charge of, and 通报 (they receive it
// anyway); unit heads 打卡, 整改 and 案例 of their own unit. Staff export nothing.
import type { ExportKind, ExportScope } from '../../src/domain/exports.ts';
import { EXPORT_KIND_CN } from '../../src/domain/exports.ts';
import type { VisibleUnits } from '../../src/domain/visibility.ts';
import { exportReplies } from '../../src/domain/messages/exports.ts';

export const HEAD_KINDS: ExportKind[] = ['checkins', 'rectifications', 'cases'];

/** A kind or unit this person may not export: `message` says why, in chat's words. */
export class ExportRefused extends Error {
  constructor(readonly reason: 'head_kind' | 'other_unit' | 'no_units', message: string) { super(message); }
}

/** Whether this role may export this kind at all (before any unit is looked at). */
export function mayExportKind(role: string, kind: ExportKind): boolean {
  if (role === 'admin' || role === 'leader') return true;
  return role === 'head' && HEAD_KINDS.includes(kind);
}

/**
 * The units an export covers and how they are named: the one asked for if this person sees it,
 * else all they see (a circular is every unit's). Throws ExportRefused.
 */
export function exportUnits(
  who: { role: string; unitName: string }, visible: VisibleUnits, kind: ExportKind, unit: { id: number; name: string } | null,
): Pick<ExportScope, 'unitIds' | 'unitLabel'> {
  const kindCn = EXPORT_KIND_CN[kind];
  if (!mayExportKind(who.role, kind)) throw new ExportRefused('head_kind', exportReplies.headKindRefused({ kindCn }));
  const seen = kind === 'circular' ? 'all' : visible;
  if (seen === 'all') return unit ? { unitIds: [unit.id], unitLabel: unit.name } : {};
  if (unit && !seen.includes(unit.id)) {
    throw new ExportRefused('other_unit', who.role === 'head'
      ? exportReplies.headOtherUnit({ ownUnit: who.unitName, unit: unit.name, kindCn })
      : exportReplies.leaderNotInCharge({ unit: unit.name, kindCn }));
  }
  if (!unit && !seen.length) throw new ExportRefused('no_units', exportReplies.noUnitsInCharge());
  return { unitIds: unit ? [unit.id] : seen, unitLabel: unit ? unit.name : who.role === 'head' ? who.unitName : exportReplies.unitsInCharge() };
}
