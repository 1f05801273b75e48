// Text clean-up shared by every parser: chat clients (WeCom, DingTalk, IMEs on phones) mix
// full-width and half-width forms freely, so parsers work on one canonical form.
// Pure functions only: no I/O, no clock.

/**
 * Full-width punctuation we keep as is. It reads naturally in stored Chinese text (a title,
 * reflection or description echoed back to the user) and every parser accepts it.
 * Everything else in U+FF01–U+FF5E (letters, digits, ．＋－／～＃＠ …) becomes half-width.
 * 《》“”‘’「」 are outside that block, so they are kept anyway.
 * Decision: the full-width colon '：' is KEPT. Titles such as 《习近平：…》 and reflections
 * must not be rewritten, and every label/colon matcher here accepts both '：' and ':'.
 */
const KEEP_FULLWIDTH = new Set(['，', '；', '：', '！', '？', '（', '）']);

// Zero-width characters sneak in when text is copied from WeCom/Word; they break regexes
// ("1\u200b小时") while being invisible to the user.
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
// Control characters (NUL breaks PostgreSQL text; the rest are invisible) and the bidi overrides
// that make text display in another order than it is stored. Tabs become spaces, \r\n a newline.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** Text as it may be stored: control characters and bidi overrides removed (nothing else changed). */
export function stripControl(s: string): string {
  return s.replace(CONTROL, '');
}

/**
 * Canonical form of a chat message:
 * - full-width ASCII (U+FF01–U+FF5E) → half-width, except ，；：！？（） (see
 *   KEEP_FULLWIDTH); so '１．５' → '1.5', 'ｈ' → 'h', '～' → '~', but '：' stays;
 * - ideographic space U+3000, NBSP and other Unicode spaces → ' ';
 * - zero-width characters, control characters (NUL …) and bidi overrides removed;
 * - runs of spaces within a line collapsed to one space; line breaks kept (a 剖析材料 has
 *   paragraphs), blank-line runs collapsed to one empty line; trimmed.
 * '。' and other CJK punctuation outside the full-width block are left alone.
 */
export function normalizeText(s: string): string {
  let out = '';
  for (const ch of s.replace(ZERO_WIDTH, '').replace(CONTROL, '')) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xff01 && code <= 0xff5e && !KEEP_FULLWIDTH.has(ch)) {
      out += String.fromCodePoint(code - 0xfee0);
    } else {
      out += ch;
    }
  }
  // JS \s already covers U+3000, NBSP and U+2000–U+200A.
  return out
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Opening quote → the characters that may close it. Curly quotes are often typed
 *  mismatched by IMEs (“…“), so either curly form closes a curly quote. */
const QUOTES: Record<string, string> = {
  '"': '"',
  '“': '”“',
  '”': '”“',
  '「': '」',
  '『': '』',
};

/**
 * Split on whitespace; a quoted part (“…”, "…", 「…」, 『…』) keeps its spaces and loses its
 * quotes: `设置 名称 “学习 动员” 2` → ['设置', '名称', '学习 动员', '2'].
 * A quote may start mid-token (`名称="学习 动员"` → `名称=学习 动员`). An unterminated quote
 * is treated as an ordinary character, so a stray “ never swallows the rest of the line.
 * `""` on its own yields an empty-string token (an explicit empty argument).
 */
export function tokenize(s: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let inToken = false; // distinguishes an empty quoted token from no token at all
  let i = 0;
  const closeAt = closerFinder(s);
  while (i < s.length) {
    const ch = s[i];
    if (/\s/.test(ch)) {
      if (inToken) tokens.push(cur);
      cur = '';
      inToken = false;
      i++;
      continue;
    }
    const closers = QUOTES[ch];
    if (closers !== undefined) {
      const j = closeAt(closers, i + 1);
      if (j < s.length) {
        cur += s.slice(i + 1, j);
        inToken = true;
        i = j + 1;
        continue;
      }
      // unterminated: fall through and keep the quote literally
    }
    cur += ch;
    inToken = true;
    i++;
  }
  if (inToken) tokens.push(cur);
  return tokens;
}

/**
 * The text after the first `n` tokens of `s` (as tokenize() splits it), as typed: quotes
 * inside free text (学习“两学一做”文件) are content, not argument quoting, so they stay.
 * Trimmed; '' when there are n tokens or fewer.
 */
export function textAfterTokens(s: string, n: number): string {
  let i = 0;
  const closeAt = closerFinder(s);
  for (let k = 0; k < n; k++) {
    while (i < s.length && /\s/.test(s[i])) i++;
    while (i < s.length && !/\s/.test(s[i])) {
      const closers = QUOTES[s[i]];
      if (closers !== undefined) {
        const j = closeAt(closers, i + 1);
        if (j < s.length) { i = j + 1; continue; }
      }
      i++;
    }
  }
  return s.slice(i).trim();
}

/**
 * The first index ≥ from where one of `closers` occurs in s, or s.length. Once a scan for a set of
 * closers has reached the end, every later search for it is answered at once: a text full of
 * unclosed 「 costs one pass, not one pass per quote (a 120 KB message once took 35 s).
 */
function closerFinder(s: string): (closers: string, from: number) => number {
  const exhausted = new Set<string>();
  return (closers, from) => {
    if (exhausted.has(closers)) return s.length;
    let j = from;
    while (j < s.length && !closers.includes(s[j])) j++;
    if (j === s.length) exhausted.add(closers);
    return j;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Remove one pair of surrounding quotes, if the value is wholly quoted. */
export function stripQuotes(v: string): string {
  const t = v.trim();
  if (t.length >= 2) {
    const closers = QUOTES[t[0]];
    if (closers !== undefined && closers.includes(t[t.length - 1])) return t.slice(1, -1).trim();
  }
  return t;
}

// Separators people put between fields ("项目:排队久；措施:加窗口。"): not part of a value.
const SEPARATOR = /[\s,，;；、。]/;

/** s without trailing separators. A loop, not /[…]+$/: that regex is quadratic on a long run of them. */
function trimTrailingSeparators(s: string): string {
  let end = s.length;
  while (end > 0 && SEPARATOR.test(s[end - 1])) end--;
  return s.slice(0, end);
}

/**
 * Pull `标签：值` / `标签:值` fields out of a message. Only labels in `labels` are recognised;
 * spaces are allowed around the colon; a value runs to the next known label (followed by a
 * colon) or the end of the text. Values are trimmed, lose trailing separators (，；,;、。) and
 * one pair of surrounding quotes. Keys are the labels exactly as given in `labels`.
 * Matching is case-insensitive (for Latin labels); when labels overlap ('整改措施' and
 * '措施'), the longer one wins at a given position. If a label repeats, the first value is
 * kept (later ones are still removed from `rest`).
 * A label is recognised even when glued to the previous value ("门诊排队久措施:加窗口"),
 * because Chinese text has no spaces to rely on.
 * `rest` is the text before the first label (everything after it belongs to some value),
 * with whitespace collapsed and trailing separators removed.
 */
export function extractLabels(
  s: string,
  labels: string[],
): { fields: Record<string, string>; rest: string } {
  const fields: Record<string, string> = {};
  const usable = labels.filter((l) => l.length > 0);
  if (usable.length === 0) return { fields, rest: s.replace(/\s+/g, ' ').trim() };

  // Longest first so that a label containing another is preferred at the same position.
  const sorted = [...usable].sort((a, b) => b.length - a.length);
  const re = new RegExp(`(${sorted.map(escapeRegExp).join('|')})\\s*[:：]\\s*`, 'giu');
  const matches = [...s.matchAll(re)];
  if (matches.length === 0) return { fields, rest: s.replace(/\s+/g, ' ').trim() };

  const canonical = (found: string) =>
    usable.find((l) => l.toLowerCase() === found.toLowerCase()) ?? found;

  matches.forEach((m, k) => {
    const start = m.index! + m[0].length;
    const end = k + 1 < matches.length ? matches[k + 1].index! : s.length;
    const key = canonical(m[1]);
    const value = stripQuotes(trimTrailingSeparators(s.slice(start, end)));
    if (!(key in fields)) fields[key] = value;
  });

  const rest = trimTrailingSeparators(s.slice(0, matches[0].index!).replace(/\s+/g, ' ')).trim();
  return { fields, rest };
}
