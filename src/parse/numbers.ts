// Numbers as people type them in chat: "1.5", "１．５", "十五", "两", "一百二十", "二〇二六".

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Characters that can appear in a Chinese numeral (for building regexes elsewhere). */
export const CN_NUMERAL_CHARS = '零〇一二两三四五六七八九十百千万';

/** Full-width digits and '．' → ASCII, without touching anything else. */
function toHalfWidthDigits(s: string): string {
  return s.replace(/[０-９．]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Value of a numeral below 10000 ("一百二十", "十五", "两千五"), or null if malformed. */
function parseSection(s: string): number | null {
  if (s === '') return null;
  // Only digits, no units: read positionally, as in years ("二〇二六" = 2026, "零五" = 5).
  if ([...s].every((c) => c in DIGITS)) {
    if (s.length > 1 && s.includes('两')) return null; // "两两" is not a number
    return Number([...s].map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let digit: number | null = null; // pending digit not yet multiplied by a unit
  let lastUnit = Infinity; // units must strictly decrease: "十百" is malformed
  let zeroSeen = false; // "一百零二": a 零 means the next digit is ones, not tens
  for (const c of s) {
    if (c in DIGITS) {
      if (digit !== null) return null; // two digits in a row inside a unit numeral
      if (DIGITS[c] === 0) {
        zeroSeen = true;
        continue;
      }
      digit = DIGITS[c];
    } else if (c in UNITS) {
      const u = UNITS[c];
      if (u >= lastUnit) return null;
      // "十五" = 15: only a leading 十 implies 一; 百/千 ("百二") need an explicit digit.
      if (digit === null) {
        if (u !== 10 || total !== 0) return null;
        digit = 1;
      }
      total += digit * u;
      digit = null;
      lastUnit = u;
      zeroSeen = false;
    } else {
      return null;
    }
  }
  if (digit !== null) {
    // Colloquial "一百二" = 120, "两千五" = 2500: a trailing digit right after a unit
    // (without 零) counts in the next-lower unit.
    if (!zeroSeen && lastUnit !== Infinity && lastUnit > 10) total += digit * (lastUnit / 10);
    else total += digit;
  }
  return total;
}

/** Integer part of a Chinese numeral, with 万 support ("一万二千"). */
function parseCnInteger(s: string): number | null {
  const parts = s.split('万');
  if (parts.length > 2) return null;
  if (parts.length === 2) {
    const high = parts[0] === '' ? null : parseSection(parts[0]);
    if (high === null) return null;
    const low = parts[1] === '' ? 0 : parseSection(parts[1]);
    if (low === null) return null;
    return high * 10000 + low;
  }
  return parseSection(s);
}

/**
 * Parse a number written in Arabic digits (half- or full-width, decimals allowed:
 * "1.5", ".5", "１．５") or in Chinese numerals (零〇一二两三四五六七八九十百千万, with
 * colloquial forms "两", "十五", "一百二", and decimals "一点五"). Surrounding spaces are
 * ignored. Returns null for anything else (including an empty string, signs, "1,000").
 */
export function parseChineseNumber(s: string): number | null {
  const t = toHalfWidthDigits(s).trim();
  if (t === '') return null;
  if (/^(\d+(\.\d+)?|\.\d+)$/.test(t)) return Number(t);

  const m = /^([零〇一二两三四五六七八九十百千万]+)(?:点([零〇一二三四五六七八九]+))?$/.exec(t);
  if (!m) return null;
  const int = parseCnInteger(m[1]);
  if (int === null) return null;
  if (m[2] === undefined) return int;
  // Decimal digits are read one by one: "一点二五" = 1.25.
  return Number(`${int}.${[...m[2]].map((c) => DIGITS[c]).join('')}`);
}
