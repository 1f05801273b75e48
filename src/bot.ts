// The bot: one Session in, one reply out. Every message is handled in one database
// transaction that first records its platform message id (so a redelivery does nothing),
// one message at a time per sender — in this process by a keyed queue, across processes by
// an advisory lock on the sender.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { isConnectionError, type Database, type Tx } from './db/client.ts';
import { RetryLaterError, type Session } from './session.ts';
import { stripLeadingMention } from './session.ts';
import { Registry, canRun, parseArgs, rolesText, type Proposal, type CommandDef } from './commands/registry.ts';
import type { Match } from './commands/types.ts';
import { durationOptionsFor, type Ctx } from './commands/context.ts';
import { isUserFacing, UserError } from './commands/errors.ts';
import { suggestCommand } from './commands/suggest.ts';
import { chatMessages, ROLE_CN } from './commands/messages.ts';
import { normalizeText } from './parse/normalize.ts';
import { resolveMember, resolveUnit } from './domain/directory.ts';
import { ContextCache, readDataVersions, type DataVersions } from './domain/context-cache.ts';
import { claimMessage, type InboundClaim } from './domain/inbound.ts';
import { keepPending, takePending } from './domain/confirmations.ts';
import { rememberGroup } from './domain/groups.ts';
import { CheckinWriter } from './domain/checkin-writer.ts';
import { inProgressOn } from './domain/campaigns.ts';
import { audit } from './domain/audit.ts';
import { enqueueOutbox } from './delivery/outbox-store.ts';
import { dayOf, type Clock } from './time.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { fetchAttachments, type FetchedAttachments } from './domain/attachments.ts';
import { attachmentProblemCn } from './domain/messages/attachments.ts';
import { attachLeftovers } from './commands/attachment-replies.ts';
import { InboundThrottle, DEFAULT_THROTTLE } from './throttle.ts';
import { JobRegistry } from './scheduling/registry.ts';
import { platformCatalog, type PlatformCatalog } from './platform-catalog.ts';
import type { EphemeralStore } from './infra/ephemeral.ts';

export const CONFIRM_TTL_MS = 5 * 60_000;
/**
 * Longest message read (characters, before any parsing): a 提交 of up to 20,000 characters fits.
 * A longer one is answered with the cap and nothing else is done with it.
 */
export const MAX_INBOUND_CHARS = 20_500;
/** How long an anonymous message's id is remembered (in memory only) against redelivery. */
const ANONYMOUS_DEDUPE_MS = 15 * 60_000;
/**
 * A message's command as read once: the match, and — once the one-statement path has parsed them —
 * its arguments (or the refusal parsing gave), with the data counters they were read under. The
 * ordinary path reuses them while the counters are unchanged: a message is matched and parsed once.
 */
interface Reading {
  match: Match | null;
  parsed?: { versions: DataVersions } & ({ args: Record<string, any> } | { refusal: unknown });
}

const SMALL_TALK = /^(好的?|好滴|嗯+|哦+|ok|OK|收到|明白了?|知道了|谢谢|多谢|感谢|辛苦了|👍)[!！。.~～]*$/;

export interface BotDeps {
  database: Database;
  clock: Clock;
  log: Logger;
  botNames: string[];
  /** HMAC key for message ids: the database keeps a keyed hash, never the platform's id. */
  dedupeSecret: string;
  /** Called after commit when a command changed the schedule settings. */
  onScheduleChanged?: () => void;
  /** Called after commit with the outbox rows this message created. */
  onOutbox?: (ids: number[]) => void;
  /** Inbound limits (messages a minute, anonymous a day, pushes an hour); none when absent. */
  throttle?: InboundThrottle;
  /** The installed features' commands (src/features.ts), in help order. */
  commands: CommandDef<any>[];
  /** The installed scheduled jobs (/提醒 reads them). */
  jobs?: JobRegistry;
  /** The installed platforms' names and webhook kinds. */
  platforms?: PlatformCatalog;
  /** Short-lived keys in Redis for commands (one-time links); none: such commands say so. */
  ephemeral?: EphemeralStore;
  /** PUBLIC_BASE_URL. */
  publicBaseUrl?: string;
}

export class Bot {
  readonly registry: Registry;
  readonly jobs: JobRegistry;
  readonly platforms: PlatformCatalog;
  private readonly queue = new KeyedQueue();
  private readonly cache = new ContextCache();
  /** Groups whose name is already on record: the upsert is skipped for them. */
  private readonly knownGroups = new Set<string>();
  /** Set by a command that changed schedule settings; re-registration is idempotent. */
  private scheduleDirty = false;
  /**
   * Messages answered by a command's one-statement path, by the ordinary transaction, and of
   * those the fast path tried and handed on (memory out of date, the day's limit, a mistake to word).
   */
  readonly paths = { fast: 0, ordinary: 0, handedOn: 0 };

  private readonly checkins: CheckinWriter;
  private readonly throttle: InboundThrottle;
  /**
   * Anonymous messages' ids (platform + id → when forgotten), in memory only: the de-duplication
   * row every other message gets would be a trace. A redelivery to another process is recorded
   * twice, never lost.
   */
  private readonly anonymousSeen = new Map<string, number>();

  constructor(private readonly deps: BotDeps) {
    this.registry = new Registry().add(...deps.commands);
    this.jobs = deps.jobs ?? new JobRegistry();
    this.platforms = deps.platforms ?? platformCatalog([]);
    this.throttle = deps.throttle ?? new InboundThrottle(null, '', DEFAULT_THROTTLE);
    // PGlite runs one statement at a time; PostgreSQL's pool (10) also serves everything else.
    this.checkins = new CheckinWriter(deps.database.db, deps.database.kind === 'pglite' ? 1 : 4);
  }

  /** Handle one inbound message; null means "say nothing" (a duplicate, or small talk). */
  handle(session: Session): Promise<string | null> {
    return this.queue.run(`${session.platform}:${session.senderId}`, () => this.process(session));
  }

  /** Was this message (platform + id) an anonymous one? For retrying its reply without a trace. */
  wasAnonymous(session: Pick<Session, 'platform' | 'messageId'>): boolean {
    return (this.anonymousSeen.get(`${session.platform}\n${session.messageId}`) ?? 0) > Date.now();
  }

  private async process(session: Session): Promise<string | null> {
    // Capped before anything reads it: every parser below is linear, but nothing needs more.
    if (session.text.length > MAX_INBOUND_CHARS) {
      return chatMessages.tooLong({ max: MAX_INBOUND_CHARS });
    }
    const text = normalizeText(stripLeadingMention(session.text, this.deps.botNames));
    const reading: Reading = { match: text ? this.registry.match(text) : null };
    if (reading.match?.def.anonymous) return this.processAnonymous(session, text, reading, reading.match.def.anonymous, reading.match.def.anonymousInGroup);
    const verdict = await this.throttle.message(session.platform, session.senderId, this.deps.clock());
    if (verdict === 'over') return chatMessages.tooMany({ perMinute: this.throttle.limits.messagesPerMinute });
    if (verdict === 'silent') return null;
    const created: number[] = [];
    const notes: string[] = [];
    // Media first, outside the transaction: the platform's links expire within minutes.
    const media = await fetchAttachments(session.attachments);
    const hadMedia = !!session.attachments?.length;
    const mediaNotes = media.problems.map(attachmentProblemCn);
    let reply: string | null | undefined;
    let groupKey: string | null = null;
    try {
      reply = hadMedia ? undefined : await this.oneStatement(session, reading);
      this.paths[reply === undefined ? 'ordinary' : 'fast']++;
      if (reply === undefined) reply = await this.deps.database.db.transaction(async (tx) => {
        // The same claim as the one-statement path's (claim_message): the sender's lock, the
        // message id, and the cache counters, in one round trip.
        const claim = await claimMessage(tx, this.claimOf(session));
        if (!claim.fresh) return null;
        // Arguments read under other counters (a campaign's 学时 changed meanwhile) are read again.
        if (reading.parsed && !sameVersions(reading.parsed.versions, claim.versions)) delete reading.parsed;
        if (session.chatType === 'group') groupKey = await this.rememberGroup(tx, session);
        const ctx = await this.context(tx, session, claim.versions, created, notes, media);
        if (!hadMedia) return withNotes(await this.dispatch(ctx, text, reading), notes);
        return withNotes(await this.dispatchWithMedia(ctx, text, reading), [...notes, ...mediaNotes]);
      });
    } catch (err) {
      if (isUserFacing(err)) {
        return hadMedia ? withNotes(media.accepted.length ? `${err.message}\n${chatMessages.mediaNotKept}` : err.message, mediaNotes) : err.message;
      }
      // Nothing was recorded: let the adapter ask the platform for a redelivery.
      if (isConnectionError(err)) {
        this.deps.log.warn({ platform: session.platform }, 'database unavailable; message not recorded');
        throw new RetryLaterError(err);
      }
      // No sender or message id in the log: the message may have been anonymous feedback.
      this.deps.log.error({ err, platform: session.platform }, 'message handling failed');
      return chatMessages.failed;
    }
    if (groupKey) {
      if (this.knownGroups.size >= 10_000) this.knownGroups.clear();
      this.knownGroups.add(groupKey);
    }
    if (created.length) this.deps.onOutbox?.(created);
    if (this.scheduleDirty) { this.scheduleDirty = false; this.deps.onScheduleChanged?.(); }
    return reply;
  }

  /**
   * An anonymous command (匿名意见, 查询 with a 查询码): nothing about the message is kept — no
   * de-duplication row, no group, no Redis counter, no audit, no log line with its text — and it
   * is refused in groups. The daily quota and the redelivery check live in this process's memory.
   */
  private async processAnonymous(session: Session, text: string, reading: Reading, kind: 'submits' | 'reads', inGroup?: () => string): Promise<string | null> {
    if (session.chatType === 'group') {
      if (inGroup) return inGroup();
      return kind === 'submits'
        ? chatMessages.anonymousInGroup
        : chatMessages.anonymousQueryInGroup;
    }
    const now = this.deps.clock();
    this.forgetAnonymous(Date.now());
    const seenKey = `${session.platform}\n${session.messageId}`;
    if (this.anonymousSeen.has(seenKey)) return null;
    let retryLater = false;
    try {
      if (kind === 'submits' && this.throttle.anonymousLeft(session.platform, session.senderId, now) <= 0) {
        return chatMessages.anonymousDayLimit({ perDay: this.throttle.limits.anonymousPerDay });
      }
      const reply = await this.deps.database.db.transaction(async (tx) => {
        const ctx = await this.context(tx, session, await readDataVersions(tx), [], []);
        return this.dispatch(ctx, text, reading);
      });
      if (kind === 'submits' && reply?.startsWith('✅')) this.throttle.anonymousAccepted(session.platform, session.senderId, now);
      return session.attachments?.length ? withNotes(reply, [chatMessages.anonymousMediaNotKept]) : reply;
    } catch (err) {
      if (isUserFacing(err)) return err.message;
      if (isConnectionError(err)) { retryLater = true; throw new RetryLaterError(); }
      // Only the error's class and code: its message or parameters could carry the text.
      const e = err as { name?: string; code?: string };
      this.deps.log.error({ errName: e?.name, errCode: e?.code }, 'anonymous message handling failed');
      return chatMessages.failed;
    } finally {
      // Every answer to it (the 查询码, a refusal that says how many were sent today) is retried
      // from memory only if the platform does not take it (wasAnonymous); a redelivery is ignored.
      // Not when nothing was recorded for lack of the database: the platform should send it again.
      if (!retryLater) this.anonymousSeen.set(seenKey, Date.now() + ANONYMOUS_DEDUPE_MS);
    }
  }

  private forgetAnonymous(nowMs: number) {
    if (this.anonymousSeen.size < 1000) return;
    for (const [k, until] of this.anonymousSeen) if (until <= nowMs) this.anonymousSeen.delete(k);
  }

  /**
   * A command's one-statement path (CommandDef.fast), when the sender and the campaign are in this
   * process's memory and the message needs nothing else first; undefined to take the ordinary path,
   * which goes on with what was read here (`reading`).
   */
  private async oneStatement(session: Session, reading: Reading): Promise<string | null | undefined> {
    if (session.chatType === 'group' && !this.knownGroups.has(groupKeyOf(session))) return undefined;
    const match = reading.match;
    if (!match?.def.fast) return undefined;
    const db = this.deps.database.db;
    // Someone looked up and not bound stays on the ordinary path (it asks them to bind).
    const known = this.cache.peek(session.platform, session.senderId)
      ?? (this.cache.looked(session.platform, session.senderId) ? undefined : await this.warm(session));
    if (!known || !canRun(match.def, known.member.role as Ctx['role'], known.member.liaison)) return undefined;
    const now = this.deps.clock();
    const today = dayOf(now);
    const { campaign, phase, phases: runningPhases, readings } = inProgressOn(known.current, today);
    const ctx = {
      session, now, today, campaign, phase, runningPhases, phaseReadings: readings, member: known.member, db, checkins: this.checkins,
      unitSize: known.unitSize,
      rememberUnitSize: (size: number) => this.cache.rememberUnitSize(known.versions.directory, known.member.unitId, size),
      claim: { ...this.claimOf(session), versions: known.versions },
      durationOptions: () => durationOptionsFor(campaign),
      resolveUnit: (name: string) => resolveUnit(db, name),
      resolveMember: (t: string) => resolveMember(db, t),
    };
    let args;
    try {
      args = await parseArgs(ctx, match.def, match.rest);
      reading.parsed = { versions: known.versions, args };
    } catch (err) {
      if (!isUserFacing(err)) throw err;
      reading.parsed = { versions: known.versions, refusal: err };
      this.paths.handedOn++; // worded by the ordinary path, after the claim
      return undefined;
    }
    const reply = await match.def.fast(ctx, args);
    if (reply === undefined) this.paths.handedOn++;
    return reply;
  }

  /**
   * Someone not in memory yet (their first message since start, or since the directory changed):
   * load them and the campaign with short single statements — the counters first, so what is
   * loaded is at least that new — rather than in a transaction that holds a connection for longer.
   */
  private async warm(session: Session) {
    const db = this.deps.database.db;
    const versions = await readDataVersions(db);
    await this.cache.member(db, versions, session.platform, session.senderId);
    await this.cache.currentCampaign(db, versions);
    return this.cache.peek(session.platform, session.senderId);
  }

  /** The message's keyed hash (as stored for de-duplication): names it without its platform id. */
  messageKey(s: Pick<Session, 'platform' | 'messageId'>): string {
    return this.dedupeKey(s);
  }

  /** What claim_message takes for this message, on either path. */
  private claimOf(session: Session): InboundClaim {
    return { lockKey: lockKeyOf(session), dedupeKey: this.dedupeKey(session), receivedOn: dayOf(this.deps.clock()) };
  }

  private dedupeKey(s: Pick<Session, 'platform' | 'messageId'>): string {
    return createHmac('sha256', this.deps.dedupeSecret).update(`${s.platform}\n${s.messageId}`).digest('base64url');
  }

  /** Returns the key to mark known once the transaction commits. */
  private async rememberGroup(tx: Tx, s: Session): Promise<string | null> {
    const key = groupKeyOf(s);
    if (this.knownGroups.has(key)) return null;
    await rememberGroup(tx, s.platform, s.chatId, s.chatName ?? null);
    return key;
  }

  /**
   * A message with photos or files: 打卡/提交 keep them; with no command, one that takes files
   * (takesFile: an xlsx 问题清单 is 整改 上报) may; otherwise they go to a recent record.
   */
  private async dispatchWithMedia(ctx: Ctx, text: string, reading: Reading): Promise<string | null> {
    const commandMatched = !!reading.match;
    const reply = commandMatched ? await this.dispatch(ctx, text, reading) : text ? null : await this.offerFile(ctx);
    const linked = await attachLeftovers(ctx, !commandMatched);
    return [reply, linked].filter(Boolean).join('\n') || null;
  }

  /** Files sent alone, offered to the commands that take files and that this person may run; the first to take them answers. */
  private async offerFile(ctx: Ctx): Promise<string | null> {
    if (!ctx.member || !ctx.attachments.length) return null;
    for (const def of this.registry.commands) {
      if (!def.takesFile || !canRun(def, ctx.role, !!ctx.member.liaison)) continue;
      const result = await def.takesFile(ctx);
      if (result === null) continue;
      ctx.invokedAs = def.keywords[0].join(' ');
      return typeof result === 'string' ? result : this.propose(ctx, def, result);
    }
    return null;
  }

  private async context(tx: Tx, session: Session, versions: DataVersions, created: number[], notes: string[], media?: FetchedAttachments): Promise<Ctx> {
    const now = this.deps.clock();
    const member = await this.cache.member(tx, versions, session.platform, session.senderId);
    const { campaign, phase, phases: runningPhases, readings } = inProgressOn(await this.cache.currentCampaign(tx, versions), dayOf(now));
    const ctx: Ctx = {
      session, tx, member, now, campaign, phase, runningPhases, phaseReadings: readings, registry: this.registry, jobs: this.jobs, platforms: this.platforms, invokedAs: '', attachments: [...(media?.accepted ?? [])],
      ephemeral: this.deps.ephemeral ?? NO_EPHEMERAL, publicBaseUrl: this.deps.publicBaseUrl?.replace(/\/+$/, '') || null,
      role: member ? (member.role as Ctx['role']) : 'unbound',
      today: dayOf(now),
      durationOptions: () => durationOptionsFor(campaign),
      resolveUnit: (name) => resolveUnit(tx, name),
      resolveMember: (t) => resolveMember(tx, t),
      audit: (action, target, before, after) =>
        audit(tx, { id: member?.id ?? null, label: member?.name ?? `${session.platform}:未绑定` }, action, target, before, after),
      notify: async (key, to, text) => {
        // What one person's commands can push to one recipient is limited (admins excepted): the
        // record stands, the recipient sees it in their lists, the sender is told once.
        if (member && member.role !== 'admin') {
          const recipient = 'memberId' in to ? `m${to.memberId}` : `g${to.groupId}`;
          if (!(await this.throttle.push(member.id, recipient, now))) {
            const note = chatMessages.pushLimit({ perHour: this.throttle.limits.pushesPerRecipientPerHour });
            if (!notes.includes(note)) notes.push(note);
            return;
          }
        }
        const id = await enqueueOutbox(tx, key, to, text);
        if (id !== null) created.push(id);
      },
      scheduleChanged: () => { this.scheduleDirty = true; },
      requireMember: () => {
        if (!member) throw new UserError(chatMessages.bindFirst);
        return member;
      },
      requireCampaign: () => {
        if (!campaign) throw new UserError(chatMessages.noCampaign);
        return campaign;
      },
    };
    return ctx;
  }

  private async dispatch(ctx: Ctx, text: string, reading: Reading): Promise<string | null> {
    if (text === '') return ctx.session.chatType === 'group' ? chatMessages.here : null;
    if (SMALL_TALK.test(text)) return null;
    if (/^\/?(确认|确定|confirm)$/i.test(text)) return this.confirm(ctx);
    if (/^\/?(取消|cancel)$/i.test(text)) return this.cancel(ctx);
    const match = reading.match;
    if (!match) {
      if (!ctx.member) return chatMessages.greetUnbound;
      return chatMessages.notUnderstood({ text, guess: suggestCommand(this.registry, text, ctx.role, !!ctx.member?.liaison) });
    }
    const { def, rest } = match;
    ctx.invokedAs = match.keyword;
    if (!canRun(def, ctx.role, !!ctx.member?.liaison)) {
      await ctx.audit('command.refused', def.name, null, def.sensitive ? { role: ctx.role } : { text, role: ctx.role });
      if (ctx.role === 'unbound') return chatMessages.bindBeforeCommand({ keyword: def.keywords[0].join(' ') });
      return chatMessages.notAllowed({ keyword: def.keywords[0].join(' '), roles: rolesText(def), role: ROLE_CN[ctx.role] });
    }
    const args = await argsOf(ctx, def, rest, reading);
    const result = await def.run(ctx, args);
    if (typeof result === 'string') return result;
    return this.propose(ctx, def, result);
  }

  private async propose(ctx: Ctx, def: CommandDef, p: Proposal): Promise<string> {
    const member = ctx.requireMember();
    // One pending operation per person: a new one replaces the one waiting, and says so.
    const waiting = await keepPending(ctx.tx, member.id, { command: def.name, payload: p.payload, preview: p.preview },
      ctx.now, new Date(ctx.now.getTime() + CONFIRM_TTL_MS));
    const replaced = waiting
      ? chatMessages.replacedPending({ name: this.pendingName(waiting) })
      : '';
    return `${replaced}${chatMessages.askConfirm({ preview: p.preview })}`;
  }

  /** What a pending operation is, for a reply: its preview's first line, else its command. */
  private pendingName(p: { command: string; preview: string }): string {
    const line = p.preview.split('\n')[0].trim().replace(/[：:。，,；;]+$/, '');
    if (line) return [...line].length > 60 ? `${[...line].slice(0, 60).join('')}…` : line;
    const def = this.registry.find(p.command);
    return def ? def.keywords[0].join(' ') : p.command;
  }

  private async confirm(ctx: Ctx): Promise<string> {
    const member = ctx.requireMember();
    const pending = await takePending(ctx.tx, member.id);
    if (!pending) return chatMessages.nothingPending;
    if (pending.expiresAt.getTime() < ctx.now.getTime()) return chatMessages.pendingExpired({ name: this.pendingName(pending) });
    const def = this.registry.find(pending.command);
    if (!def?.commit) return chatMessages.nothingPending;
    // Permission is checked again: the role may have changed since the preview.
    if (!canRun(def, ctx.role, !!ctx.member?.liaison)) return chatMessages.notAllowed({ keyword: def.keywords[0].join(' '), roles: rolesText(def) });
    // Checked as it comes back: a payload stored by an older version (or altered in the
    // database) is refused rather than run with fields that mean something else now.
    const payload = def.payload?.safeParse(pending.payload);
    if (!payload?.success) {
      this.deps.log.warn({ command: def.name, fields: payload?.error.issues.map((i) => i.path.join('.')) ?? null }, 'stored confirmation did not match its schema; not run');
      return chatMessages.pendingStale({ name: this.pendingName(pending) });
    }
    // Named first: the person sees which of their operations 确认 carried out.
    return chatMessages.confirmed({ name: this.pendingName(pending), result: await def.commit(ctx, payload.data) });
  }

  private async cancel(ctx: Ctx): Promise<string> {
    const member = ctx.requireMember();
    const gone = await takePending(ctx.tx, member.id);
    if (!gone) return chatMessages.nothingPending;
    return gone.expiresAt.getTime() < ctx.now.getTime() ? chatMessages.cancelledExpired({ name: this.pendingName(gone) }) : chatMessages.cancelled({ name: this.pendingName(gone) });
  }
}

/** A bot without Redis for short-lived keys: a command that needs one fails as a bug would (logged, apologised for). */
const NO_EPHEMERAL: EphemeralStore = {
  put: async () => { throw new Error('no ephemeral store'); }, get: async () => null, take: async () => null,
  touch: async () => false, del: async () => {}, incr: async () => { throw new Error('no ephemeral store'); },
};

/** The sender's advisory lock: one message at a time per sender across processes. */
function lockKeyOf(s: Session): string {
  return `${s.platform}:${s.senderId}`;
}

function sameVersions(a: DataVersions, b: DataVersions): boolean {
  return a.directory === b.directory && a.campaign === b.campaign;
}

/** A command's arguments: as the one-statement path read them (or refused them), else read now. */
async function argsOf(ctx: Ctx, def: CommandDef, rest: string, reading: Reading): Promise<Record<string, any>> {
  const p = reading.parsed;
  if (!p) return parseArgs(ctx, def, rest);
  if ('refusal' in p) throw p.refusal;
  return p.args;
}

function groupKeyOf(s: Session): string {
  return `${s.platform}\n${s.chatId}\n${s.chatName ?? ''}`;
}

function withNotes(reply: string | null, notes: string[]): string | null {
  return [reply, ...notes].filter(Boolean).join('\n') || null;
}
