// The shapes of the chat layer in one file: a command's declaration and what its handler sees
// (they refer to each other, so they live together rather than in an import cycle).
import type { Session } from '../session.ts';
import type { Tx } from '../db/client.ts';
import type { Duty, Role } from '../domain/roles.ts';
import type { MemberRow, UnitRow } from '../domain/directory.ts';
import type { CampaignRow, PhaseRow } from '../domain/campaigns.ts';
import type { MessageClaim, ReadingRef } from '../domain/checkins.ts';
import type { CheckinWriter } from '../domain/checkin-writer.ts';
import type { AcceptedAttachment } from '../domain/attachments.ts';
import type { ZodType } from 'zod';
import type { JobRegistry } from '../scheduling/registry.ts';
import type { PlatformCatalog } from '../platform-catalog.ts';
import type { EphemeralStore } from '../infra/ephemeral.ts';

export type ArgType = 'word' | 'rest' | 'date' | 'duration' | 'int' | 'choice' | 'unit' | 'member';

export interface ArgSpec {
  name: string;
  /** The Chinese name shown in usage and errors. */
  label: string;
  type: ArgType;
  optional?: boolean;
  /** Given as `标签：值` instead of by position. */
  labelled?: boolean;
  /** Extra Chinese labels accepted for a labelled argument. */
  labelAliases?: readonly string[];
  choices?: readonly string[];
  /** Which way an undated year points: past for 补卡, future for deadlines. */
  direction?: 'past' | 'future' | 'nearest';
  /**
   * The command's own reading of a 'word' or 'rest' value (打卡's 内容 时长 心得): its result is the
   * argument, a UserError its refusal. Run once per message, like every argument's parsing.
   */
  parse?(raw: string, ctx: ArgsCtx): unknown;
}

/** What a command proposes before 确认: the preview shown, and the payload stored until then. */
export interface Proposal<P = unknown> { preview: string; payload: P }

/** An argument's value as its declaration's type parses it. */
type ArgValue<S extends ArgSpec> =
  S extends { parse(raw: string, ctx: ArgsCtx): infer R } ? Awaited<R>
  : S extends { type: 'int' | 'duration' } ? number
  : S extends { type: 'unit' } ? UnitRow
  : S extends { type: 'member' } ? MemberRow
  : S extends { type: 'choice'; choices: readonly (infer C extends string)[] } ? C
  : string;

/**
 * A command's arguments, inferred from its declaration (as Koishi infers them from its
 * signature): required names are always there, optional ones may be missing.
 */
export type ArgsOf<T extends readonly ArgSpec[]> = {
  [S in T[number] as S extends { optional: true } ? never : S['name']]: ArgValue<S>
} & {
  [S in T[number] as S extends { optional: true } ? S['name'] : never]?: ArgValue<S>
};

export interface CommandDef<A = Record<string, any>, P = any> {
  /** Stable English id, also the English alias: `/phase open`. */
  name: string;
  /** Chinese keyword paths; the first is the canonical one shown in help. */
  keywords: string[][];
  english?: string[][];
  summary: string;
  /**
   * Who may run it; admins may run everything. 'unbound' also admits people not yet bound;
   * 'liaison' a unit's 联络员 whatever their role (unit reporting, never approving or closing).
   */
  roles: (Duty | 'unbound')[];
  args: readonly ArgSpec[];
  examples: string[];
  /** Shown as a slash command in help (admin commands). */
  slash?: boolean;
  /** The keyword may be glued to its text: 打卡学习1小时. */
  glue?: boolean;
  /** Hidden from the help list (确认/取消 are explained in previews). */
  hidden?: boolean;
  /** The text may hold a secret (a webhook key): a refusal is audited without it. */
  sensitive?: boolean;
  /**
   * Records something anonymous. Its message leaves no trace tied to the sender or the time: no
   * de-duplication row (it is de-duplicated in memory), no group row, no audit row, no Redis
   * counter; it is refused in groups, where everyone saw who sent it. 'submits' counts against
   * the account's daily anonymous quota (memory only); 'reads' (查询 with a 查询码) does not.
   */
  anonymous?: 'submits' | 'reads';
  /** What an anonymous command says when sent in a group (its catalogue's words); the 匿名意见 wording by default. */
  anonymousInGroup?: () => string;
  /** Group in the help list. */
  section: string;
  run(ctx: Ctx, args: A): Promise<string | Proposal<P>>;
  /**
   * The 确认 payload's schema, required with commit(): the stored payload is checked against it
   * when read back (a payload stored by an older version, or altered, is refused, not run).
   */
  payload?: ZodType<P>;
  /** When present, run() proposes and commit() does the work after 确认. */
  commit?(ctx: Ctx, payload: P): Promise<string>;
  /**
   * A file (or photo) sent with no command: the command may take it as its own — an xlsx 问题清单
   * sent alone is 整改 上报 — taking it out of ctx.attachments (splice). Asked only of people who
   * may run the command; null leaves the message's files to the bot (linked to a recent record).
   */
  takesFile?(ctx: Ctx): Promise<string | Proposal<P> | null>;
  /**
   * A one-statement path for the busiest command, tried before run() when the sender and the
   * campaign are known in memory: no transaction, the message's claim instead. Returns undefined
   * to take the ordinary path — for anything unusual (an error to word, memory out of date).
   */
  fast?(ctx: FastCtx, args: A): Promise<string | null | undefined>;
}

export interface Match { def: CommandDef; rest: string; keyword: string }

/** The installed commands as a handler sees them (help, suggestions). */
export interface CommandIndex {
  readonly commands: CommandDef[];
  match(text: string): Match | null;
  find(name: string): CommandDef | undefined;
}

export interface Ctx {
  session: Session;
  tx: Tx;
  member: MemberRow | null;
  role: Role | 'unbound';
  now: Date;
  /** Today in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
  campaign: CampaignRow | null;
  /** The phase running today that a check-in counts for (本阶段; campaigns.ts phaseOrder), or null. */
  phase: PhaseRow | null;
  /** Every phase running today (phases may overlap), `phase` first. */
  runningPhases: PhaseRow[];
  /** The running phases' required readings (loaded with them: every check-in looks at them). */
  phaseReadings: ReadingRef[];
  registry: CommandIndex;
  /** The installed scheduled jobs and how a campaign's settings read (/提醒). */
  jobs: JobRegistry;
  /** The installed platforms' names and group-webhook kinds. */
  platforms: PlatformCatalog;
  /** Short-lived keys in Redis (one-time links): not part of the transaction, so a rolled-back message may leave one behind until it expires. */
  ephemeral: EphemeralStore;
  /** PUBLIC_BASE_URL (no trailing slash), or null when the service has no public address. */
  publicBaseUrl: string | null;
  /** The keyword path the person used (意见 or 建议 …), set when a command matched. */
  invokedAs: string;
  /**
   * Photos and files of this message, already fetched and checked. A handler that keeps them
   * (打卡, 提交) takes them out (splice); whatever is left the bot links to a recent record.
   */
  attachments: AcceptedAttachment[];
  durationOptions(): { bareUnit: { name: '小时' | '学时'; minutes: number }; xueshiMinutes: number };
  resolveUnit(name: string): Promise<UnitRow>;
  resolveMember(text: string): Promise<MemberRow>;
  audit(action: string, target: string | null, before?: unknown, after?: unknown): Promise<void>;
  /** Queue a message to a member or a group through the outbox (sent after the reply). */
  notify(key: string, to: { memberId: number } | { groupId: number }, text: string): Promise<void>;
  /** Schedule settings changed: re-register the schedulers once this message commits. */
  scheduleChanged(): void;
  requireMember(): MemberRow;
  requireCampaign(): CampaignRow;
}

/** What parsing a command's arguments needs. */
export type ArgsCtx = Pick<Ctx, 'now' | 'durationOptions' | 'resolveUnit' | 'resolveMember'>;

/**
 * What a command's fast path sees (CommandDef.fast): the sender and the campaign as this process
 * last loaded them, and no transaction — its one statement must check, with `claim`, that this
 * memory is still current.
 */
export interface FastCtx extends Pick<Ctx, 'session' | 'now' | 'today' | 'campaign' | 'phase' | 'runningPhases' | 'phaseReadings' | 'durationOptions' | 'resolveUnit' | 'resolveMember'> {
  member: MemberRow;
  db: Tx;
  claim: MessageClaim;
  /** Writes check-in messages together with other senders' (one statement for those waiting). */
  checkins: CheckinWriter;
  /** Active people in the sender's unit, if known for claim.versions; else the statement counts them… */
  unitSize: number | null;
  /** …and this keeps its count for the next message. */
  rememberUnitSize(size: number): void;
}

