// "你是不是想发「打卡 …」？": the command keyword closest to how a message that matched nothing
// begins, by edit distance over the registry's keyword paths. A few hundred comparisons of
// strings under ten characters: cheap enough for every unmatched message.
import { canRun, type Registry } from './registry.ts';
import type { Role } from '../domain/roles.ts';

/** Levenshtein distance, for short strings. */
function distance(a: string[], b: string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The message rewritten with the closest keyword path the sender may use, or null when none is
 * close: one edit for keywords of up to four characters (大卡 → 打卡, 通报 预栏 → 通报 预览), two
 * for longer ones; never as many edits as the keyword has characters.
 */
export function suggestCommand(registry: Registry, text: string, role: Role | 'unbound', liaison = false): string | null {
  const slash = text.startsWith('/') ? '/' : '';
  const t = [...text.slice(slash.length).trim().replace(/\s+/g, ' ')];
  let best: { d: number; len: number; off: number; keyword: string; rest: string } | null = null;
  for (const def of registry.commands) {
    if (def.hidden || !canRun(def, role, liaison)) continue;
    for (const path of [...def.keywords, ...(def.english ?? [])]) {
      const kw = [...path.join(' ')];
      const allowed = kw.length <= 4 ? 1 : 2;
      if (allowed >= kw.length) continue;
      for (let len = kw.length - allowed; len <= kw.length + allowed && len <= t.length; len++) {
        // The typed keyword ends at a space, at the end, or (Chinese) anywhere.
        const next = t[len];
        if (next !== undefined && next !== ' ' && /[a-z]/i.test(next)) continue;
        const d = distance(t.slice(0, len).map((c) => c.toLowerCase()), kw.map((c) => c.toLowerCase()));
        if (d === 0 || d > allowed) continue;
        // Fewest edits; then the longer keyword; then a replacement over a dropped or added character.
        const off = Math.abs(len - kw.length);
        if (!best || d < best.d || (d === best.d && (kw.length > best.len || (kw.length === best.len && off < best.off)))) {
          best = { d, len: kw.length, off, keyword: kw.join(''), rest: t.slice(len).join('').trim() };
        }
      }
    }
  }
  if (!best) return null;
  const rest = [...best.rest].length > 20 ? `${[...best.rest].slice(0, 20).join('')}…` : best.rest;
  return `${slash}${best.keyword}${rest ? ` ${rest}` : ''}`;
}
