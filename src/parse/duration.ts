// Study durations and check-in messages: "学习《党章》1小时20分钟 心得：…".
// Pure: the caller strips the command keyword (打卡/签到/…) and passes the rest.
import { normalizeText } from './normalize.ts';
import { parseChineseNumber } from './numbers.ts';

export interface DurationOptions {
  /** What a number without a unit means ("打卡 2"): the campaign's default unit. */
  bareUnit: { name: '小时' | '学时'; minutes: number };
  /** Minutes in an explicit "学时". Defaults to bareUnit.minutes when the bare unit is
   *  学时 (one campaign, one 学时), otherwise 45 (the common 课时 length). */
  xueshiMinutes?: number;
}

export interface CheckinParse {
  /** Total study minutes (rounded), or null when the message gives none. */
  minutes: number | null;
  /** First non-empty title inside 《…》, without the brackets. */
  material: string | null;
  /** Text after 心得/体会/感想/收获 + colon, to the end. */
  reflection: string | null;
  /** The duration as written ("1小时20分钟"; several pieces joined with '+'). */
  durationText: string | null;
  /** True when minutes came from a number without a unit. */
  bareNumber: boolean;
  /** The message without the duration, the material's 《title》 and the reflection. */
  rest: string;
}

interface Piece {
  start: number;
  end: number;
  minutes: number;
  text: string;
}

// ---------------------------------------------------------------------------------------
// Duration pieces
// ---------------------------------------------------------------------------------------

const CN_CHARS = '零〇一二两三四五六七八九十百千';
const CN = `[${CN_CHARS}]+(?:点[零〇一二三四五六七八九]+)?`;
const AR = String.raw`\d+(?:\.\d+)?|\.\d+`;
const NUM = `(?:${AR}|${CN})`;
const S = String.raw`\s?`; // "1.5 小时": one optional space between number and unit

// "N个小时", "十多个小时", "一个多钟头". A bare 钟 needs 个 ("两个钟") and must not be a
// clock time (点钟) or 钟头/钟表.
const HOUR_CN = `(?:多${S})?(?:个${S})?(?:多${S})?(?:小时|钟头)|(?:多${S})?个${S}(?:多${S})?钟(?![点头表])`;
// Latin units must not run into a word: "2hrs" yes, "2house" no.
const HOUR_LATIN = String.raw`(?:hours?|hrs?|h)(?![a-z])`;
const HOUR_UNIT = `(?:${HOUR_CN}|${HOUR_LATIN})`;

const MIN_STRICT = String.raw`(?:多${S})?(?:分钟|(?:minutes?|mins?|m)(?![a-z]))`;
// A bare 分 is a minute only when it ends a word: "90分", "10分," "10分左右", "1小时10分学习";
// not 分析/分管/分之/分院/分诊… (a number before 分 is required anyway, so 部分 never matches).
const MIN_FEN = String.raw`(?:多${S})?分(?=$|[^\p{L}]|[左学看读听观阅整])`;

/** One pattern per kind of piece; tried in this order at each position. */
const PATTERNS: { re: RegExp; value: (g: Record<string, string | undefined>, xueshi: number) => number | null }[] = [
  {
    // 一个半小时, 1个半小时, 两个半钟头, 1个半学时
    re: new RegExp(`(?<n>${NUM})${S}个${S}半${S}(?:个${S})?(?<u>小时|钟头|钟(?![点头表])|学时)`, 'iuy'),
    value: (g, x) => withNum(g.n, (n) => (n + 0.5) * (g.u === '学时' ? x : 60)),
  },
  {
    // 1.5小时, 1小时20分钟, 1小时半, 两小时十五分, 1h30m, 1h30min, 2hrs
    // (a Chinese numeral + bare 分 is accepted only here, after hours: alone, "十分" means "very")
    re: new RegExp(
      `(?<h>${NUM})${S}${HOUR_UNIT}(?:${S}(?:零${S})?(?<m>${NUM})${S}(?:${MIN_STRICT}|${MIN_FEN})|(?<half>半))?`,
      'iuy',
    ),
    value: (g) =>
      withNum(g.h, (h) => {
        if (g.half) return h * 60 + 30;
        if (g.m === undefined) return h * 60;
        const m = parseChineseNumber(g.m);
        return m === null ? null : h * 60 + m;
      }),
  },
  {
    // 一刻钟, 三刻钟, 1个刻钟
    re: new RegExp(`(?<n>${NUM})${S}(?:个${S})?刻钟`, 'iuy'),
    value: (g) => withNum(g.n, (n) => n * 15),
  },
  {
    // 2学时, 两个学时, 1.5 学时 — always the campaign's 学时, whatever the bare unit is
    re: new RegExp(`(?<n>${NUM})${S}(?:多${S})?(?:个${S})?(?:多${S})?学时`, 'iuy'),
    value: (g, x) => withNum(g.n, (n) => n * x),
  },
  {
    // 90分钟, 45min, 十分钟, 40多分钟
    re: new RegExp(`(?<n>${NUM})${S}${MIN_STRICT}`, 'iuy'),
    value: (g) => withNum(g.n, (n) => n),
  },
  {
    // 90分 (Arabic digits only: "十分重要" must not read as 10 minutes)
    re: new RegExp(`(?<n>${AR})${S}${MIN_FEN}`, 'iuy'),
    value: (g) => withNum(g.n, (n) => n),
  },
  {
    // 半小时, 半个小时, 半个钟头, 半个钟, 半学时
    re: new RegExp(`半${S}(?:个${S}(?<u1>小时|钟头|钟(?![点头表])|学时)|(?<u2>小时|钟头|学时))`, 'iuy'),
    value: (g, x) => ((g.u1 ?? g.u2) === '学时' ? x / 2 : 30),
  },
];

function withNum(s: string | undefined, f: (n: number) => number | null): number | null {
  if (s === undefined) return null;
  const n = parseChineseNumber(s);
  return n === null ? null : f(n);
}

const isArabicStart = (c: string) => c !== '' && /[0-9.]/.test(c);
// c !== '': ''.includes check would be true for the empty "previous char" at offset 0.
const isCnNumeral = (c: string) => c !== '' && CN_CHARS.includes(c);

/**
 * All duration pieces in `s`, left to right, non-overlapping. A piece must start at a
 * number boundary: not inside "12.5" or "v2", nor in the middle of "二十".
 */
function findPieces(s: string, xueshi: number): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const prev = i > 0 ? s[i - 1] : '';
    const startsNumber =
      (isArabicStart(c) && !/[0-9.a-z]/i.test(prev)) ||
      (isCnNumeral(c) && !isCnNumeral(prev)) ||
      c === '半';
    let matched: Piece | null = null;
    if (startsNumber) {
      for (const p of PATTERNS) {
        p.re.lastIndex = i;
        const m = p.re.exec(s);
        if (!m) continue;
        const v = p.value(m.groups ?? {}, xueshi);
        if (v === null) continue;
        matched = { start: i, end: i + m[0].length, minutes: v, text: m[0] };
        break;
      }
    }
    if (matched) {
      pieces.push(matched);
      i = matched.end;
    } else {
      i++;
    }
  }
  return pieces;
}

// ---------------------------------------------------------------------------------------
// Check-in messages
// ---------------------------------------------------------------------------------------

const TITLE = /《([^《》]*)》/g;
// 学习心得/读书心得 are one label; the colon is required so "很有收获" stays ordinary text.
const REFLECTION = /(?:学习|读书)?(?:心得体会|心得|体会|感想|感悟|收获)\s*[:：]/g;
// Words that only introduce or qualify the duration ("时长:2小时", "共1小时", "1小时左右"):
// removed from `rest` together with the piece so the description stays clean.
const LEAD_IN = /(?:(?:学习)?(?:时长|用时)\s*[:：]?|共计|累计|合计|共|大约|约)\s*$/;
const TRAIL = /^\s*左右/;
// Masks a removed region while keeping string offsets intact; never a digit, unit or space.
const MASK = '\u0001';
// Where a standalone (bare) number token ends.
const TOKEN = /[^\s,，;；、。!！?？\u0001]+/g;
// A bare number followed by one of these is a count, not a duration ("3 章", "2026 年").
const COUNT_UNIT = /^[章页篇次个年月日号人遍条节课期届讲份项名位本部天周岁元点段集]/;
const EDGE_SEPARATORS = /^[\s,，;；、。:：+]+|[\s,，;；、。:：+]+$/g;

function mask(s: string, start: number, end: number): string {
  return s.slice(0, start) + MASK.repeat(end - start) + s.slice(end);
}

function defaultXueshi(opts: DurationOptions): number {
  return opts.xueshiMinutes ?? (opts.bareUnit.name === '学时' ? opts.bareUnit.minutes : 45);
}

/**
 * Read a check-in message (without its 打卡/签到 keyword).
 * Order matters: titles and the reflection are found first and masked, so numbers inside
 * 《二十条》 or "心得：每天1小时" are never taken as the duration. Several pieces
 * ("上午1小时 下午30分钟") are summed. Failing any unit, a single standalone number
 * ("打卡 1.5") is read in `opts.bareUnit`; two or more such numbers are ambiguous → null.
 */
export function parseCheckinText(text: string, opts: DurationOptions): CheckinParse {
  const t = normalizeText(text);
  const xueshi = defaultXueshi(opts);

  // 1. Titles. An unterminated 《 is not a title (the message just keeps the character).
  const titles = [...t.matchAll(TITLE)].map((m) => ({
    start: m.index!,
    end: m.index! + m[0].length,
    inner: m[1].trim(),
  }));
  const materialTitle = titles.find((x) => x.inner !== '') ?? null;
  const inTitle = (pos: number) => titles.some((x) => pos >= x.start && pos < x.end);

  // 2. Reflection: from the first label outside a title to the end.
  let reflectionStart = -1;
  let reflection: string | null = null;
  for (const m of t.matchAll(REFLECTION)) {
    if (inTitle(m.index!)) continue;
    reflectionStart = m.index!;
    reflection = t.slice(m.index! + m[0].length).trim() || null;
    break;
  }

  // 3. Working copy: titles and reflection masked (offsets unchanged).
  let work = t;
  for (const x of titles) work = mask(work, x.start, x.end);
  if (reflectionStart >= 0) work = mask(work, reflectionStart, t.length);

  // 4. Duration pieces, else a bare number.
  const removed: { start: number; end: number }[] = [];
  const pieces = findPieces(work, xueshi);
  let minutes: number | null = null;
  let durationText: string | null = null;
  let bareNumber = false;

  if (pieces.length > 0) {
    minutes = Math.round(pieces.reduce((sum, p) => sum + p.minutes, 0));
    durationText = pieces.map((p) => p.text.trim()).join('+');
    for (const p of pieces) removed.push(withLeadIn(work, p));
  } else {
    const bare = findBareNumber(work);
    if (bare) {
      minutes = Math.round(bare.value * opts.bareUnit.minutes);
      durationText = bare.text;
      bareNumber = true;
      removed.push(withLeadIn(work, bare));
    }
  }

  // 5. Rest: the material's title, the duration and the reflection cut out. Other titles
  //    stay (they are part of the description); cutting (not masking) joins the remaining
  //    words naturally: "学习《党章》第3章" → "学习第3章".
  if (materialTitle && (reflectionStart < 0 || materialTitle.start < reflectionStart)) {
    removed.push(materialTitle);
  }
  if (reflectionStart >= 0) removed.push({ start: reflectionStart, end: t.length });
  let rest = t;
  for (const r of removed) rest = mask(rest, r.start, r.end);
  rest = rest.split(MASK).join('').replace(/\s+/g, ' ').replace(EDGE_SEPARATORS, '').trim();

  return {
    minutes,
    material: materialTitle ? materialTitle.inner : null,
    reflection,
    durationText,
    bareNumber,
    rest,
  };
}

/** A duration's span widened to its lead-in ("时长：", "共") and trailing "左右". */
function withLeadIn(work: string, span: { start: number; end: number }): { start: number; end: number } {
  const lead = LEAD_IN.exec(work.slice(0, span.start));
  const trail = TRAIL.exec(work.slice(span.end));
  return {
    start: lead ? span.start - lead[0].length : span.start,
    end: trail ? span.end + trail[0].length : span.end,
  };
}

/**
 * The single standalone number in `work`, if exactly one qualifies: a whole token of
 * digits (decimals allowed), not after 第, not followed by a counting word (章/页/年/…).
 * Dates ("12月1日", "2026-12-01") and times ("14:00") are never whole number tokens.
 */
function findBareNumber(work: string): { start: number; end: number; value: number; text: string } | null {
  // A colon ends a token ("时长:2") unless it sits inside a clock time ("14:00").
  const split = work.replace(/(?<!\d)[:：]|[:：](?!\d)/g, ' ');
  const tokens = [...split.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
  const found: { start: number; end: number; value: number; text: string }[] = [];
  tokens.forEach((tok, k) => {
    if (!/^(\d+(\.\d+)?|\.\d+)$/.test(tok.text)) return;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    // Only a token right beside this one (one space apart) can qualify it.
    if (prev && prev.end === tok.start - 1 && /第$/.test(prev.text)) return;
    if (next && next.start === tok.end + 1 && COUNT_UNIT.test(next.text)) return;
    found.push({ ...tok, value: Number(tok.text) });
  });
  return found.length === 1 ? found[0] : null;
}

/**
 * A standalone duration argument ("1.5小时", "90分钟", "1小时 30分钟", "两个半小时") or a
 * bare number ("2", "１．５", "两") read in `opts.bareUnit`. Anything else → null, so a
 * command can answer with its usage instead of guessing.
 */
export function parseDurationArg(s: string, opts: DurationOptions): number | null {
  const t = normalizeText(s);
  if (t === '') return null;
  const bare = parseChineseNumber(t);
  if (bare !== null) return Math.round(bare * opts.bareUnit.minutes);
  const pieces = findPieces(t, defaultXueshi(opts));
  if (pieces.length === 0) return null;
  let leftover = t;
  for (const p of pieces) leftover = mask(leftover, p.start, p.end);
  // Only joiners may remain between pieces: "1小时 30分钟", "1小时+30分钟".
  if (!/^[\s+和,，\u0001]*$/.test(leftover)) return null;
  return Math.round(pieces.reduce((sum, p) => sum + p.minutes, 0));
}

/** 90 → "1小时30分钟", 60 → "1小时", 45 → "45分钟", 0 → "0分钟" (rounded to a minute). */
export function formatMinutes(m: number): string {
  const total = Math.round(Math.abs(m));
  const sign = m < 0 && total > 0 ? '-' : '';
  const h = Math.floor(total / 60);
  const min = total % 60;
  if (h === 0) return `${sign}${min}分钟`;
  return min === 0 ? `${sign}${h}小时` : `${sign}${h}小时${min}分钟`;
}
