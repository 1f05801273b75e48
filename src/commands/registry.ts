// The command registry: every command is declared once (keywords, typed arguments, who may
// run it, examples) and help, usage and argument errors are generated from the declaration.
import { chatMessages } from './messages.ts';
import type { ZodType } from 'zod';
import type { ArgsCtx, ArgSpec, ArgsOf, CommandDef, CommandIndex, Ctx, Match } from './types.ts';
import { DUTY_CN, holdsDuty, type Duty, type Role } from '../domain/roles.ts';
import { extractLabels, textAfterTokens, tokenize } from '../parse/normalize.ts';
import { parseDate } from '../parse/date.ts';
import { parseDurationArg } from '../parse/duration.ts';
import { UserError } from './errors.ts';

export type { ArgSpec, ArgsOf, ArgType, CommandDef, Match, Proposal } from './types.ts';

/**
 * Declare a command once: the arguments' types are inferred from `args` (no second declaration to
 * drift), and a command that asks for 确认 declares its payload's schema, which types commit()
 * and is checked when the stored payload is read back.
 */
export function defineCommand<const T extends readonly ArgSpec[], P = never>(
  def: Omit<CommandDef<ArgsOf<T>, P>, 'args' | 'payload' | 'commit'> & { args: T } & (
    | { payload: ZodType<P>; commit(ctx: Ctx, payload: P): Promise<string> }
    | { payload?: undefined; commit?: undefined }),
): CommandDef<ArgsOf<T>, P> {
  return def as CommandDef<ArgsOf<T>, P>;
}

/** Whether someone may run a command: by their role, or as their unit's 联络员 (`liaison`) where the command lists it. */
export function canRun(def: CommandDef, role: Role | 'unbound', liaison = false): boolean {
  if (role === 'unbound') return def.roles.includes('unbound');
  return holdsDuty({ role, liaison }, def.roles);
}

export function rolesText(def: CommandDef): string {
  const named = def.roles.filter((r): r is Duty => r !== 'unbound');
  const all = [...new Set([...named, 'admin' as Duty])];
  return all.map((r) => DUTY_CN[r]).join('、');
}

export function usage(def: CommandDef): string {
  const head = (def.slash ? '/' : '') + def.keywords[0].join(' ');
  const parts = def.args.map((a) => {
    const inner = a.labelled ? `${a.label}：${a.choices ? a.choices.join('|') : '…'}` : a.choices ? a.choices.join('|') : a.label;
    return a.optional ? `[${inner}]` : a.labelled ? inner : `<${inner}>`;
  });
  return [head, ...parts].join(' ');
}

export function helpFor(def: CommandDef): string {
  const lines = [`【${def.keywords[0].join(' ')}】${def.summary}`, `用法：${usage(def)}`];
  const aliases = [...def.keywords.slice(1), ...(def.english ?? [])].map((k) => k.join(' '));
  if (aliases.length) lines.push(`也可以说：${aliases.join('、')}`);
  if (def.examples.length) lines.push('例如：', ...def.examples.map((e) => `  ${e}`));
  if (!(def.roles.includes('staff') || def.roles.includes('unbound'))) lines.push(`权限：${rolesText(def)}`);
  return lines.join('\n');
}

const BOUNDARY = /^($|[\s:：,，、。!！?？《"“(（]|\d)/;

export class Registry implements CommandIndex {
  readonly commands: CommandDef[] = [];

  add(...defs: CommandDef<any>[]): this {
    this.commands.push(...defs);
    return this;
  }

  /** Find the command whose keyword path is the longest prefix of the text. */
  match(text: string): Match | null {
    let t = text.trim();
    if (t.startsWith('/')) t = t.slice(1).trimStart();
    let best: { def: CommandDef; rest: string; len: number; keyword: string } | null = null;
    for (const def of this.commands) {
      const paths = [...def.keywords, ...(def.english ?? [])];
      for (const path of paths) {
        const rest = matchPath(t, path, def.glue === true);
        if (rest !== null) {
          const len = path.join(' ').length;
          if (!best || len > best.len) best = { def, rest, len, keyword: path.join(' ') };
        }
      }
    }
    return best && { def: best.def, rest: best.rest, keyword: best.keyword };
  }

  find(name: string): CommandDef | undefined {
    return this.commands.find((c) => c.name === name || c.keywords.some((k) => k.join(' ') === name || k.join('') === name));
  }
}

/**
 * How much of `t` the keyword `word` takes, or -1. Between two Chinese characters of a keyword,
 * spaces are allowed (ideographic ones too): phones and voice input write "匿名 意见", "匿名　建议".
 */
function keywordLength(t: string, word: string): number {
  if (t.toLowerCase().startsWith(word.toLowerCase())) return word.length;
  let j = 0;
  for (let k = 0; k < word.length; k++) {
    if (k > 0 && /\p{Script=Han}/u.test(word[k - 1]) && /\p{Script=Han}/u.test(word[k])) {
      while (j < t.length && /\s/.test(t[j])) j++;
    }
    if (t[j] === undefined || t[j].toLowerCase() !== word[k].toLowerCase()) return -1;
    j++;
  }
  return j;
}

function matchPath(text: string, path: string[], glue: boolean): string | null {
  let t = text;
  for (let i = 0; i < path.length; i++) {
    const word = path[i];
    const taken = keywordLength(t, word);
    if (taken < 0) return null;
    const after = t.slice(taken);
    const last = i === path.length - 1;
    const ascii = /^[a-z]/i.test(word);
    // Chinese keywords may be glued to their text (打卡学习1小时) only when the command says so.
    if (!BOUNDARY.test(after) && !(last && glue && !ascii)) return null;
    t = after.replace(/^[\s:：,，、]+/, '');
  }
  return t.trim();
}

/** Parse the text after the keywords into typed arguments, or throw a UserError naming the problem. */
export async function parseArgs(ctx: ArgsCtx, def: CommandDef, rest: string): Promise<Record<string, any>> {
  const labelled = def.args.filter((a) => a.labelled);
  const labelNames = labelled.flatMap((a) => [a.label, ...(a.labelAliases ?? [])]);
  const extracted = labelNames.length ? extractLabels(rest, labelNames) : { fields: {} as Record<string, string>, rest };
  const fields = { ...extracted.fields };
  let positionalText = extracted.rest;
  // Only free-text labels run to the next label; a unit, date or number is one word, and what
  // follows it belongs to the rest of the message (单位：县中医院 公开投诉电话).
  for (const spec of labelled) {
    if (spec.type === 'rest') continue;
    for (const l of [spec.label, ...(spec.labelAliases ?? [])]) {
      const v = fields[l];
      if (v === undefined) continue;
      const [first = '', ...more] = tokenize(v);
      fields[l] = first;
      if (more.length) positionalText = [more.join(' '), positionalText].filter(Boolean).join(' ');
    }
  }
  const out: Record<string, any> = {};
  const tokens = tokenize(positionalText);
  const positional = def.args.filter((a) => !a.labelled);
  let i = 0;
  for (const spec of positional) {
    let raw: string | undefined;
    if (spec.type === 'rest') {
      // Free text is taken as typed: its quotation marks are content (学习“两学一做”文件).
      raw = textAfterTokens(positionalText, i);
      i = tokens.length;
      if (raw === '') raw = undefined;
    } else {
      raw = tokens[i];
      if (raw !== undefined) i++;
    }
    if (raw === undefined) {
      if (spec.optional) continue;
      throw new UserError(chatMessages.argMissing({ label: spec.label, usage: usage(def), keyword: def.keywords[0].join(' ') }));
    }
    out[spec.name] = await convert(ctx, def, spec, raw);
  }
  if (i < tokens.length) {
    throw new UserError(chatMessages.argExtra({ extra: tokens.slice(i).join(' '), usage: usage(def) }));
  }
  for (const spec of labelled) {
    const key = [spec.label, ...(spec.labelAliases ?? [])].find((l) => fields[l] !== undefined);
    const raw = key === undefined ? undefined : fields[key];
    if (raw === undefined || raw === '') {
      if (spec.optional) continue;
      throw new UserError(chatMessages.labelMissing({ label: spec.label, usage: usage(def) }));
    }
    out[spec.name] = await convert(ctx, def, spec, raw);
  }
  return out;
}

async function convert(ctx: ArgsCtx, def: CommandDef, spec: ArgSpec, raw: string): Promise<unknown> {
  if (spec.parse) return spec.parse(raw, ctx);
  switch (spec.type) {
    case 'word':
    case 'rest':
      return raw;
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new UserError(chatMessages.notAnInteger({ label: spec.label, raw }));
      return n;
    }
    case 'choice': {
      if (!spec.choices!.includes(raw)) {
        throw new UserError(chatMessages.notAChoice({ label: spec.label, raw, choices: spec.choices! }));
      }
      return raw;
    }
    case 'date': {
      const d = parseDate(raw, { now: ctx.now, direction: spec.direction ?? 'nearest' });
      if (!d) throw new UserError(chatMessages.badDate({ label: spec.label, raw }));
      return d;
    }
    case 'duration': {
      const minutes = parseDurationArg(raw, ctx.durationOptions());
      if (minutes === null || minutes <= 0) {
        throw new UserError(chatMessages.badDuration({ label: spec.label, raw }));
      }
      return minutes;
    }
    case 'unit':
      return ctx.resolveUnit(raw);
    case 'member':
      return ctx.resolveMember(raw);
  }
}
