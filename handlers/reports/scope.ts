// Whose figures a 报送 document covers — for chat's /报送 and the console's 导出 page alike: admins
// any unit or all; a leader the units they are in charge of (all of them, or one); a head their own
// unit only. The 通报 is every unit's and the office's alone (heads get theirs with the circular).
import type { VisibleUnits } from '../../src/domain/visibility.ts';
import type { ReportKind } from '../../src/domain/reports.ts';
import { reportReplies } from '../../src/domain/messages/reports.ts';

export class ReportRefused extends Error {}

export function reportUnits(
  who: { role: string; unitId: number; unitName: string }, visible: VisibleUnits, kind: ReportKind, unit: { id: number; name: string } | null,
): { unitIds?: number[]; unitName?: string | null } {
  if (who.role === 'staff') throw new ReportRefused(reportReplies.staffRefused());
  if (who.role === 'head') {
    if (kind === 'circular') throw new ReportRefused(reportReplies.circularAdminsOnly());
    if (unit && unit.id !== who.unitId) throw new ReportRefused(reportReplies.headOtherUnit({ unit: unit.name, own: who.unitName }));
    return { unitIds: [who.unitId], unitName: who.unitName };
  }
  if (visible === 'all') return unit ? { unitIds: [unit.id], unitName: unit.name } : {};
  if (unit && !visible.includes(unit.id)) throw new ReportRefused(reportReplies.leaderNotInCharge({ unit: unit.name }));
  return unit ? { unitIds: [unit.id], unitName: unit.name } : { unitIds: visible };
}
