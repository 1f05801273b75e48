// A phase as people name it: 第二阶段, 第2阶段, 二阶段, 阶段3 → its number; anything else is a name.
import { parseChineseNumber } from './numbers.ts';

export interface PhaseRef { seq?: number; name: string }

/** 第二阶段 → { seq: 2, name: '二' }; null when the word does not name a phase by number. */
export function readPhaseRef(word: string): PhaseRef | null {
  const m = /^第?([0-9一二三四五六七八九十]+)阶段$/.exec(word.trim()) ?? /^阶段([0-9一二三四五六七八九十]+)$/.exec(word.trim());
  if (!m) return null;
  const seq = /^\d+$/.test(m[1]) ? Number(m[1]) : parseChineseNumber(m[1]) ?? undefined;
  return { seq, name: m[1] };
}

/** A phase by number or by (part of) its name: 第二阶段, 2, 查摆问题. */
export function phaseRefOf(text: string): PhaseRef {
  const t = text.trim();
  return readPhaseRef(t) ?? (/^\d+$/.test(t) ? { seq: Number(t), name: t } : { name: t });
}
