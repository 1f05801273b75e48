// Who sees which unit's people, records and figures: one policy for chat, REST and the coming web
// console. Refusals are worded by the caller (a head is told 本单位, a leader 分管单位).
import type { Tx } from '../db/client.ts';
import { unitsLedBy } from './directory.ts';

/** Someone asking to see units: the role they act in, their own member record, and whether they are its 联络员. */
export interface Viewer { role: string; id: number; unitId: number; liaison?: boolean }

/** The units a viewer sees: every unit, or these (possibly none). */
export type VisibleUnits = 'all' | number[];

/** Admins see every unit, leaders the units they are in charge of (分管单位), heads and 联络员 their own, anyone else none. */
export async function visibleUnits(tx: Tx, viewer: Viewer): Promise<VisibleUnits> {
  if (viewer.role === 'admin') return 'all';
  if (viewer.role === 'leader') return unitsLedBy(tx, viewer.id);
  if (viewer.role === 'head' || viewer.liaison) return [viewer.unitId];
  return [];
}

/** Whether a unit is among those visible. */
export function seesUnit(visible: VisibleUnits, unitId: number): boolean {
  return visible === 'all' || visible.includes(unitId);
}

/** The unit ids to filter by, or null for every unit (as the progress views and lists take it). */
export function unitIdsOrAll(visible: VisibleUnits): number[] | null {
  return visible === 'all' ? null : visible;
}
