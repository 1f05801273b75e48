// Study durations and check-in messages: "学习《党章》1小时20分钟 心得：…".
// Pure: the caller strips the command keyword (打卡/签到/…) and passes the rest.
import { normalizeText } from './normalize.ts';
import { parseChineseNumber } from './numbers.ts';

/** The most study one day can hold; a check-in over it is refused (checkins.ts). */
export const DAY_LIMIT_MINUTES = 12 * 60;

export interface DurationOptions {
  /** What a number without a unit means ("打卡 2"): the campaign's default unit. A bare number
   *  that would be more than a day's study in that unit ("打卡 45" in 学时) is read as minutes. */
  bareUnit: { name: '小时' | '学时'; minutes: number };
  /** Minutes in an explicit "学时". Defaults to bareUnit.minutes when the bare unit is
   *  学时 (one campaign, one 学时), otherwise 45 (the common 课时 length). */
  xueshiMinutes?: number;
}

/** Why a message's duration is not recorded: a minus sign, or a number only half understood. */
export interface DurationProblem { kind: 'negative' | 'unclear'; /** The part of the message at issue. */ text: string }

export interface CheckinParse {
  /** Total study minutes (rounded), or null when the message gives none. */
  minutes: number | null;
  /** First non-empty title inside 《…》, without the brackets (matched to required readings). */
  title: string | null;
  /** What was studied, as written: the message without its duration and reflection, titles kept
   *  with their 《》 ("学习《党章》第3章", "观看警示教育片"); null when only filler remains ("学习"). */
  content: string | null;
  /** Text after 心得/体会/感想/收获 + colon, to the end. */
  reflection: string | null;
  /** The duration as written ("1小时20分钟"; several pieces joined with '+'). */
  durationText: string | null;
  /** True when minutes came from a number without a unit. */
  bareNumber: boolean;
  /** How a bare number was read: in the campaign's unit, or as minutes (too much for a day otherwise). */
  bareAs: 'unit' | 'minutes' | null;
  /** Set when nothing may be recorded: the reply asks instead (minutes is then meaningless). */
  problem: DurationProblem | null;
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
// Voice input writes 1.5 as "1点5". Only before hours and 学时: "3点20分" is a clock time.
const AR_DIAN = String.raw`\d+点\d+`;
const NUM_H = `(?:${AR_DIAN}|${AR}|${CN})`;
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

interface PatternDef {
  re: RegExp;
  value: (g: Record<string, string | undefined>, xueshi: number) => number | null;
  /** Hours without minutes or 半: minutes may trail without their unit ("1小时20"). */
  open?: (g: Record<string, string | undefined>) => boolean;
}

/** One pattern per kind of piece; tried in this order at each position. */
const PATTERNS: PatternDef[] = [
  {
    // 一个半小时, 1个半小时, 两个半钟头, 1个半学时
    re: new RegExp(`(?<n>${NUM_H})${S}个${S}半${S}(?:个${S})?(?<u>小时|钟头|钟(?![点头表])|学时)`, 'iuy'),
    value: (g, x) => withNum(g.n, (n) => (n + 0.5) * (g.u === '学时' ? x : 60)),
  },
  {
    // 1.5小时, 1点5小时, 1小时20分钟, 1小时半, 两小时十五分, 1h30m, 1h30min, 2hrs
    // (a Chinese numeral + bare 分 is accepted only here, after hours: alone, "十分" means "very")
    re: new RegExp(
      `(?<h>${NUM_H})${S}${HOUR_UNIT}(?:${S}(?:零${S})?(?<m>${NUM})${S}(?:${MIN_STRICT}|${MIN_FEN})|(?<half>半))?`,
      'iuy',
    ),
    value: (g) =>
      withNum(g.h, (h) => {
        if (g.half) return h * 60 + 30;
        if (g.m === undefined) return h * 60;
        const m = parseChineseNumber(g.m);
        return m === null ? null : h * 60 + m;
      }),
    open: (g) => g.m === undefined && !g.half,
  },
  {
    // 一刻钟, 三刻钟, 1个刻钟
    re: new RegExp(`(?<n>${NUM})${S}(?:个${S})?刻钟`, 'iuy'),
    value: (g) => withNum(g.n, (n) => n * 15),
  },
  {
    // 2学时, 两个学时, 1.5 学时, 1点5学时 — always the campaign's 学时, whatever the bare unit is
    re: new RegExp(`(?<n>${NUM_H})${S}(?:多${S})?(?:个${S})?(?:多${S})?学时`, 'iuy'),
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
  const n = /^\d+点\d+$/.test(s) ? Number(s.replace('点', '.')) : parseChineseNumber(s);
  return n === null ? null : f(n);
}

const isArabicStart = (c: string) => c !== '' && /[0-9.]/.test(c);
// c !== '': ''.includes check would be true for the empty "previous char" at offset 0.
const isCnNumeral = (c: string) => c !== '' && CN_CHARS.includes(c);

// A number right after hours, without a unit: "1小时20", "一小时二十", "1个小时30".
const TRAILING_NUMBER = /^(?:\d+|[零〇一二两三四五六七八九十]+)/;
// After such a number, these make it half understood ("1小时2x", "1小时20.5", "1小时30秒").
const TRAILING_JUNK = /^[a-z0-9.点秒%]/i;
// A range before a piece ("1-2小时", "一到两个小时"): which end to record is not ours to guess.
const RANGE_BEFORE = /(?:\d|[零〇一二两三四五六七八九十])\s?[-~～到至]\s?$/;
// A minus sign before a piece: at the start, after a space or punctuation, or 负.
const MINUS_BEFORE = /(?:^|[\s\u0001,，;；:：、(（])[-−]\s?$|负\s?$/;
// Where a piece ends and an unreadable digit follows ("30分钟20").
const DIGIT_AFTER = /^[0-9]/;
const TOKEN_AROUND = /[^\s\u0001]*$/;
const TOKEN_AHEAD = /^[^\s\u0001]*/;

interface Found { pieces: Piece[]; problem: DurationProblem | null }

/**
 * All duration pieces in `s`, left to right, non-overlapping. A piece must start at a
 * number boundary: not inside "12.5" or "v2", nor in the middle of "二十". Hours may be
 * followed by their minutes without a unit ("1小时20" = 80). A piece after a minus sign or
 * inside a range, or followed by digits it cannot account for, is a problem, not a piece.
 */
function findPieces(s: string, xueshi: number): Found {
  const pieces: Piece[] = [];
  let problem: DurationProblem | null = null;
  const around = (start: number, end: number) =>
    (TOKEN_AROUND.exec(s.slice(0, start))?.[0] ?? '') + s.slice(start, end) + (TOKEN_AHEAD.exec(s.slice(end))?.[0] ?? '');
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
        let v = p.value(m.groups ?? {}, xueshi);
        if (v === null) continue;
        let end = i + m[0].length;
        if (p.open?.(m.groups ?? {})) {
          const t = trailingMinutes(s.slice(end));
          if (t === 'unclear') problem ??= { kind: 'unclear', text: around(i, end) };
          else if (t) { v += t.minutes; end += t.length; }
        } else if (DIGIT_AFTER.test(s.slice(end))) {
          problem ??= { kind: 'unclear', text: around(i, end) };
        }
        const before = s.slice(0, i);
        if (RANGE_BEFORE.test(before)) problem ??= { kind: 'unclear', text: around(i, end) };
        else if (MINUS_BEFORE.test(before)) problem ??= { kind: 'negative', text: around(i, end) };
        matched = { start: i, end, minutes: v, text: s.slice(i, end) };
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
  return { pieces, problem };
}

/**
 * Minutes written after hours without their unit, as people type and voice input writes them:
 * "20" or "二十" (10–59). A lone digit ("1小时5": 1:05 or 1.5?), 60 or more, or a number run into
 * letters is 'unclear'. Followed by a counting word ("1小时3章") or 分 ("10分析") it is not minutes.
 */
function trailingMinutes(after: string): { minutes: number; length: number } | 'unclear' | null {
  const m = TRAILING_NUMBER.exec(after);
  if (!m) return null;
  const next = after.slice(m[0].length);
  if (TRAILING_JUNK.test(next)) return 'unclear';
  if (COUNT_UNIT.test(next) || /^\s?分/.test(next)) return null;
  const arabic = /^\d/.test(m[0]);
  // A lone Chinese digit is a word far more often than minutes: 1小时一起讨论, 两小时一次.
  if (!arabic && m[0].length === 1 && m[0] !== '十') return null;
  const n = parseChineseNumber(m[0]);
  if (n === null || n >= 60 || (arabic && m[0].length < 2)) return 'unclear';
  if (n < 10 && !arabic) return null;
  return { minutes: n, length: m[0].length };
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
// A duration unit no piece took: "小时候" and "学时代" are words, not units.
const LEFTOVER_UNIT = /小时(?!候)|分钟|学时(?!代)|钟头|刻钟/;

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
  const found = findPieces(work, xueshi);
  const pieces = found.pieces;
  let problem = found.problem;
  let minutes: number | null = null;
  let durationText: string | null = null;
  let bareNumber = false;
  let bareAs: CheckinParse['bareAs'] = null;

  if (pieces.length > 0) {
    minutes = Math.round(pieces.reduce((sum, p) => sum + p.minutes, 0));
    durationText = pieces.map((p) => p.text.trim()).join('+');
    for (const p of pieces) removed.push(withLeadIn(work, p));
  } else {
    const bare = findBareNumber(work);
    if (bare && bare.value < 0) {
      problem ??= { kind: 'negative', text: bare.text };
    } else if (bare) {
      // "打卡 45" in 学时 would be 33 hours: nobody studies that in a day, so it means minutes.
      bareAs = bare.value * opts.bareUnit.minutes > DAY_LIMIT_MINUTES ? 'minutes' : 'unit';
      minutes = Math.round(bare.value * (bareAs === 'minutes' ? 1 : opts.bareUnit.minutes));
      durationText = bare.text;
      bareNumber = true;
      removed.push(withLeadIn(work, bare));
    }
  }

  // 4b. A unit left over that no piece took ("2x小时", "几个小时", "一两个小时") means a duration
  //     was meant but not understood: ask rather than record the message without it.
  if (!problem) {
    let left = work;
    for (const p of pieces) left = mask(left, p.start, p.end);
    const u = LEFTOVER_UNIT.exec(left);
    if (u) {
      const start = u.index - (TOKEN_AROUND.exec(left.slice(0, u.index))?.[0].length ?? 0);
      const end = u.index + u[0].length + (TOKEN_AHEAD.exec(left.slice(u.index + u[0].length))?.[0].length ?? 0);
      problem = { kind: 'unclear', text: left.slice(start, end) };
    }
  }

  // 5. Content: the duration and the reflection cut out, titles kept as typed.
  const cut = (spans: { start: number; end: number }[]) => {
    let out = t;
    for (const r of spans) out = mask(out, r.start, r.end);
    return out.split(MASK).join('').replace(/\s+/g, ' ').replace(EDGE_SEPARATORS, '').trim();
  };
  const reflectionSpan = reflectionStart >= 0 ? [{ start: reflectionStart, end: t.length }] : [];
  const content = studyContent(cut([...removed, ...reflectionSpan]));

  // 6. Rest: as content, and the material's title cut out too: "学习《党章》第3章" → "学习第3章".
  if (materialTitle && (reflectionStart < 0 || materialTitle.start < reflectionStart)) {
    removed.push(materialTitle);
  }
  const rest = cut([...removed, ...reflectionSpan]).replace(/\s+/g, ' ');

  return {
    minutes,
    title: materialTitle ? materialTitle.inner : null,
    content,
    reflection,
    durationText,
    bareNumber,
    bareAs,
    problem,
    rest,
  };
}

// Words that say nothing of what was studied: "打卡 今天学习 1小时" has no content to keep.
const FILLER = /^(?:今天|今日|上午|下午|晚上|晚间|刚才|刚刚|本人)?(?:在线)?(?:学习了?|自学了?|学了|已学习|学)?$/;
// A leading label of the content itself: "学习内容：党章，时长：2小时".
const CONTENT_LABEL = /^(?:学习)?内容\s*[:：]\s*/;

function studyContent(s: string): string | null {
  // A dash left where the duration was cut out: "学习党章-1小时", "观看专题片——40分钟".
  const c = s.replace(CONTENT_LABEL, '').replace(/[\s\-—–~]+$/, '').replace(EDGE_SEPARATORS, '').trim();
  return c === '' || FILLER.test(c) ? null : c;
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
    const value = bareValue(tok.text);
    if (value === null) return;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    // Only a token right beside this one (one space apart) can qualify it.
    if (prev && prev.end === tok.start - 1 && /第$/.test(prev.text)) return;
    if (next && next.start === tok.end + 1 && COUNT_UNIT.test(next.text)) return;
    found.push({ ...tok, value });
  });
  return found.length === 1 ? found[0] : null;
}

/**
 * A whole token read as a number: "2", "1.5", "-1", and voice input's "1点5" / "一点五" (one digit
 * after 点; "3点30" is a clock time, not a number).
 */
function bareValue(text: string): number | null {
  if (/^-?(\d+(\.\d+)?|\.\d+)$/.test(text)) return Number(text);
  if (/^\d+点\d$/.test(text)) return Number(text.replace('点', '.'));
  if (/^[一二两三四五六七八九十]+点[零〇一二三四五六七八九]$/.test(text)) return parseChineseNumber(text);
  return null;
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
  const { pieces, problem } = findPieces(t, defaultXueshi(opts));
  if (pieces.length === 0 || problem) return null;
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

/** How a campaign counts study time: in hours, or in 学时 of so many minutes. */
export interface StudyUnit { targetUnit: string; xueshiMinutes: number }

/**
 * The one way replies write an amount of study: hours and minutes, with the 学时 beside it when
 * the campaign counts in 学时 — 270 → "4小时30分钟（6学时）"; never "4.5小时".
 */
export function formatStudyTime(minutes: number, unit: StudyUnit | null): string {
  const hm = formatMinutes(minutes);
  if (!unit || unit.targetUnit !== 'xueshi') return hm;
  const x = Math.round((minutes / unit.xueshiMinutes) * 10) / 10;
  return `${hm}（${x}学时）`;
}
