// The bot: one Session in, one reply out. Every message is handled in one database
// transaction that first records its platform message id (so a redelivery does nothing),
// one message at a time per sender — in this process by a keyed queue, across processes by
// an advisory lock on the sender.
import { createHmac } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { isConnectionError, rowsOf, type Database, type Tx } from './db/client.ts';
import { groups, inboundMessages, pendingConfirmations } from './db/schema.ts';
import { RetryLaterError, type Session } from './session.ts';
import { stripLeadingMention } from './session.ts';
import { Registry, canRun, parseArgs, rolesText, type Proposal, type CommandDef } from './commands/registry.ts';
import { durationOptionsFor, type Ctx } from './commands/context.ts';
import { isUserFacing, UserError } from './commands/errors.ts';
import { suggestCommand } from './commands/suggest.ts';
import { normalizeText } from './parse/normalize.ts';
import { resolveMember, resolveUnit } from './domain/directory.ts';
import { ContextCache, dataVersionsSql, parseDataVersions, type DataVersions } from './domain/context-cache.ts';
import { CheckinWriter } from './domain/checkin-writer.ts';
import { inProgressOn } from './domain/campaigns.ts';
import { audit } from './domain/audit.ts';
import { enqueueOutbox } from './delivery/outbox-store.ts';
import { dayOf, type Clock } from './time.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { fetchAttachments, type FetchedAttachments } from './domain/attachments.ts';
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
      return `消息太长（超过 ${MAX_INBOUND_CHARS.toLocaleString('en-US')} 字），没有处理。长篇材料请分几次「提交」，或作为文件（Word、PDF）发给我。`;
    }
    const text = normalizeText(stripLeadingMention(session.text, this.deps.botNames));
    const match = text ? this.registry.match(text) : null;
    if (match?.def.anonymous) return this.processAnonymous(session, text, match.def.anonymous);
    const verdict = await this.throttle.message(session.platform, session.senderId, this.deps.clock());
    if (verdict === 'over') return `你一分钟内发了超过 ${this.throttle.limits.messagesPerMinute} 条消息，请稍等一分钟再发。这条和之后一分钟内的消息都没有处理。`;
    if (verdict === 'silent') return null;
    const created: number[] = [];
    const notes: string[] = [];
    // Media first, outside the transaction: the platform's links expire within minutes.
    const media = await fetchAttachments(session.attachments);
    const hadMedia = !!session.attachments?.length;
    let reply: string | null | undefined;
    let groupKey: string | null = null;
    try {
      reply = hadMedia ? undefined : await this.fast(session, text);
      this.paths[reply === undefined ? 'ordinary' : 'fast']++;
      if (reply === undefined) reply = await this.deps.database.db.transaction(async (tx) => {
        // The sender's lock, then the message id, in one round trip (the insert selects from the
        // lock, so it comes second); the cache counters come back with it.
        const [claim] = rowsOf<{ fresh: number; versions: unknown }>(await tx.execute(sql`
          with sender_lock as (select pg_advisory_xact_lock(hashtext(${lockKeyOf(session)}))),
          fresh as (
            insert into ${inboundMessages} (key, received_on)
            select ${this.dedupeKey(session)}::text, ${dayOf(this.deps.clock())}::date from sender_lock
            on conflict do nothing returning key)
          select (select count(*) from fresh)::int as fresh, ${dataVersionsSql} as versions`));
        if (!claim.fresh) return null;
        const versions = parseDataVersions(claim.versions);
        if (session.chatType === 'group') groupKey = await this.rememberGroup(tx, session);
        const ctx = await this.context(tx, session, versions, created, notes, media);
        if (!hadMedia) return withNotes(await this.dispatch(ctx, text), notes);
        return withNotes(await this.dispatchWithMedia(ctx, text), [...notes, ...media.notes]);
      });
    } catch (err) {
      if (isUserFacing(err)) {
        return hadMedia ? withNotes(media.accepted.length ? `${err.message}\n照片/文件没有保存。` : err.message, media.notes) : err.message;
      }
      // Nothing was recorded: let the adapter ask the platform for a redelivery.
      if (isConnectionError(err)) {
        this.deps.log.warn({ platform: session.platform }, 'database unavailable; message not recorded');
        throw new RetryLaterError(err);
      }
      // No sender or message id in the log: the message may have been anonymous feedback.
      this.deps.log.error({ err, platform: session.platform }, 'message handling failed');
      return '抱歉，处理这条消息时出错了，没有记录任何内容。请稍后再发一次。';
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
  private async processAnonymous(session: Session, text: string, kind: 'submits' | 'reads'): Promise<string | null> {
    if (session.chatType === 'group') {
      return kind === 'submits'
        ? '匿名意见不能在群里发：群里的人都看得到是谁发的。这条没有记录。请私聊我，发送「匿名意见 内容」。'
        : '请私聊我查询：在群里查询，大家会看到是谁提的这条意见。';
    }
    const now = this.deps.clock();
    this.forgetAnonymous(Date.now());
    const seenKey = `${session.platform}\n${session.messageId}`;
    if (this.anonymousSeen.has(seenKey)) return null;
    let retryLater = false;
    try {
      if (kind === 'submits' && this.throttle.anonymousLeft(session.platform, session.senderId, now) <= 0) {
        return `今天已经收到你 ${this.throttle.limits.anonymousPerDay} 条匿名意见，达到每天的上限。这条没有记录，请明天再发；也可以署名发「意见 内容」。`;
      }
      const reply = await this.deps.database.db.transaction(async (tx) => {
        const [row] = rowsOf<{ versions: unknown }>(await tx.execute(sql`select ${dataVersionsSql} as versions`));
        const ctx = await this.context(tx, session, parseDataVersions(row.versions), [], []);
        return this.dispatch(ctx, text);
      });
      if (kind === 'submits' && reply?.startsWith('✅')) this.throttle.anonymousAccepted(session.platform, session.senderId, now);
      return session.attachments?.length ? withNotes(reply, ['照片和文件没有保存：匿名意见只收文字。']) : reply;
    } catch (err) {
      if (isUserFacing(err)) return err.message;
      if (isConnectionError(err)) { retryLater = true; throw new RetryLaterError(); }
      // Only the error's class and code: its message or parameters could carry the text.
      const e = err as { name?: string; code?: string };
      this.deps.log.error({ errName: e?.name, errCode: e?.code }, 'anonymous message handling failed');
      return '抱歉，处理这条消息时出错了，没有记录任何内容。请稍后再发一次。';
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
   * process's memory and the message needs nothing else first; undefined to take the ordinary path.
   */
  private async fast(session: Session, text: string): Promise<string | null | undefined> {
    if (session.chatType === 'group' && !this.knownGroups.has(groupKeyOf(session))) return undefined;
    const match = text ? this.registry.match(text) : null;
    if (!match?.def.fast) return undefined;
    const db = this.deps.database.db;
    // Someone looked up and not bound stays on the ordinary path (it asks them to bind).
    const known = this.cache.peek(session.platform, session.senderId)
      ?? (this.cache.looked(session.platform, session.senderId) ? undefined : await this.warm(session));
    if (!known || !canRun(match.def, known.member.role as Ctx['role'])) return undefined;
    const now = this.deps.clock();
    const today = dayOf(now);
    const { campaign, phase, readings } = inProgressOn(known.current, today);
    const ctx = {
      session, now, today, campaign, phase, phaseReadings: readings, member: known.member, db, checkins: this.checkins,
      unitSize: known.unitSize,
      rememberUnitSize: (size: number) => this.cache.rememberUnitSize(known.versions.directory, known.member.unitId, size),
      claim: { lockKey: lockKeyOf(session), dedupeKey: this.dedupeKey(session), receivedOn: today, versions: known.versions },
      durationOptions: () => durationOptionsFor(campaign),
      resolveUnit: (name: string) => resolveUnit(db, name),
      resolveMember: (t: string) => resolveMember(db, t),
    };
    let args;
    try {
      args = await parseArgs(ctx, match.def, match.rest);
    } catch (err) {
      if (!isUserFacing(err)) throw err;
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
    const [row] = rowsOf<{ versions: unknown }>(await db.execute(sql`select ${dataVersionsSql} as versions`));
    const versions = parseDataVersions(row.versions);
    await this.cache.member(db, versions, session.platform, session.senderId);
    await this.cache.currentCampaign(db, versions);
    return this.cache.peek(session.platform, session.senderId);
  }

  /** The message's keyed hash (as stored for de-duplication): names it without its platform id. */
  messageKey(s: Pick<Session, 'platform' | 'messageId'>): string {
    return this.dedupeKey(s);
  }

  private dedupeKey(s: Pick<Session, 'platform' | 'messageId'>): string {
    return createHmac('sha256', this.deps.dedupeSecret).update(`${s.platform}\n${s.messageId}`).digest('base64url');
  }

  /** Returns the key to mark known once the transaction commits. */
  private async rememberGroup(tx: Tx, s: Session): Promise<string | null> {
    const key = groupKeyOf(s);
    if (this.knownGroups.has(key)) return null;
    await tx.insert(groups).values({ platform: s.platform, chatId: s.chatId, name: s.chatName ?? null })
      .onConflictDoUpdate({ target: [groups.platform, groups.chatId], set: { name: sql`coalesce(${s.chatName ?? null}, ${groups.name})` } });
    return key;
  }

  /** A message with photos or files: 打卡/提交 keep them; otherwise they go to a recent record. */
  private async dispatchWithMedia(ctx: Ctx, text: string): Promise<string | null> {
    const commandMatched = text !== '' && !!this.registry.match(text);
    const reply = commandMatched ? await this.dispatch(ctx, text) : null;
    const linked = await attachLeftovers(ctx, !commandMatched);
    return [reply, linked].filter(Boolean).join('\n') || null;
  }

  private async context(tx: Tx, session: Session, versions: DataVersions, created: number[], notes: string[], media?: FetchedAttachments): Promise<Ctx> {
    const now = this.deps.clock();
    const member = await this.cache.member(tx, versions, session.platform, session.senderId);
    const { campaign, phase, readings } = inProgressOn(await this.cache.currentCampaign(tx, versions), dayOf(now));
    const ctx: Ctx = {
      session, tx, member, now, campaign, phase, phaseReadings: readings, registry: this.registry, jobs: this.jobs, platforms: this.platforms, invokedAs: '', attachments: [...(media?.accepted ?? [])],
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
            const note = `（这一小时里由你触发、发给同一人或同一群的提醒已达 ${this.throttle.limits.pushesPerRecipientPerHour} 条，这次不再单独推送，对方在列表里能看到。）`;
            if (!notes.includes(note)) notes.push(note);
            return;
          }
        }
        const id = await enqueueOutbox(tx, key, to, text);
        if (id !== null) created.push(id);
      },
      scheduleChanged: () => { this.scheduleDirty = true; },
      requireMember: () => {
        if (!member) throw new UserError('请先绑定身份：发送「绑定 姓名 手机号后四位」。');
        return member;
      },
      requireCampaign: () => {
        if (!campaign) throw new UserError('当前没有进行中的活动。请管理员先用「/活动 新建」创建活动。');
        return campaign;
      },
    };
    return ctx;
  }

  async dispatch(ctx: Ctx, text: string): Promise<string | null> {
    if (text === '') return ctx.session.chatType === 'group' ? '在的。发送「帮助」看看我能做什么。' : null;
    if (SMALL_TALK.test(text)) return null;
    if (/^\/?(确认|确定|confirm)$/i.test(text)) return this.confirm(ctx);
    if (/^\/?(取消|cancel)$/i.test(text)) return this.cancel(ctx);
    const match = this.registry.match(text);
    if (!match) {
      if (!ctx.member) return '你好！我是学习整改助手。请先绑定身份：发送「绑定 姓名 手机号后四位」，例如：绑定 张三 1234。';
      const said = `没看懂「${text.length > 20 ? text.slice(0, 20) + '…' : text}」。`;
      const guess = suggestCommand(this.registry, text, ctx.role);
      return guess
        ? `${said}你是不是想发「${guess}」？发送「帮助」查看可用的命令。`
        : `${said}发送「帮助」查看可用的命令，例如：打卡 学习《党章》 1小时。`;
    }
    const { def, rest } = match;
    ctx.invokedAs = match.keyword;
    if (!canRun(def, ctx.role)) {
      await ctx.audit('command.refused', def.name, null, def.sensitive ? { role: ctx.role } : { text, role: ctx.role });
      if (ctx.role === 'unbound') return `请先绑定身份再使用「${def.keywords[0].join(' ')}」：发送「绑定 姓名 手机号后四位」。`;
      return `「${def.keywords[0].join(' ')}」仅限${rolesText(def)}使用，你的角色是${roleName(ctx.role)}。`;
    }
    const args = await parseArgs(ctx, def, rest);
    const result = await def.run(ctx, args);
    if (typeof result === 'string') return result;
    return this.propose(ctx, def, result);
  }

  private async propose(ctx: Ctx, def: CommandDef, p: Proposal): Promise<string> {
    const member = ctx.requireMember();
    // Expired proposals may hold secrets in their payload: clear them out whenever a new one is made.
    await ctx.tx.delete(pendingConfirmations).where(lt(pendingConfirmations.expiresAt, ctx.now));
    const expiresAt = new Date(ctx.now.getTime() + CONFIRM_TTL_MS);
    // One pending operation per person: a new one replaces the one waiting, and says so.
    const [waiting] = await ctx.tx.select().from(pendingConfirmations).where(eq(pendingConfirmations.memberId, member.id));
    const values = { memberId: member.id, command: def.name, payload: p.payload as object, preview: p.preview, expiresAt };
    await ctx.tx.insert(pendingConfirmations).values(values)
      .onConflictDoUpdate({ target: pendingConfirmations.memberId, set: values });
    const replaced = waiting
      ? `（你上一个等待确认的操作「${this.pendingName(waiting)}」已取消，没有执行；要做的话，处理完这一个后重新发送。）\n\n`
      : '';
    return `${replaced}${p.preview}\n\n请回复「确认」执行，或「取消」放弃（5 分钟内有效）。`;
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
    const [pending] = await ctx.tx.delete(pendingConfirmations).where(eq(pendingConfirmations.memberId, member.id)).returning();
    if (!pending) return '没有等待确认的操作。';
    if (pending.expiresAt.getTime() < ctx.now.getTime()) return `上一个操作「${this.pendingName(pending)}」已超过 5 分钟没有确认，已作废，没有执行。请重新发送命令。`;
    const def = this.registry.find(pending.command);
    if (!def?.commit) return '没有等待确认的操作。';
    // Permission is checked again: the role may have changed since the preview.
    if (!canRun(def, ctx.role)) return `「${def.keywords[0].join(' ')}」仅限${rolesText(def)}使用。`;
    // Checked as it comes back: a payload stored by an older version (or altered in the
    // database) is refused rather than run with fields that mean something else now.
    const payload = def.payload?.safeParse(pending.payload);
    if (!payload?.success) {
      this.deps.log.warn({ command: def.name, fields: payload?.error.issues.map((i) => i.path.join('.')) ?? null }, 'stored confirmation did not match its schema; not run');
      return `上一个操作「${this.pendingName(pending)}」的内容已失效（可能是程序升级了），没有执行。请重新发送命令。`;
    }
    // Named first: the person sees which of their operations 确认 carried out.
    return `已确认「${this.pendingName(pending)}」。\n${await def.commit(ctx, payload.data)}`;
  }

  private async cancel(ctx: Ctx): Promise<string> {
    const member = ctx.requireMember();
    const [gone] = await ctx.tx.delete(pendingConfirmations).where(eq(pendingConfirmations.memberId, member.id)).returning();
    if (!gone) return '没有等待确认的操作。';
    return gone.expiresAt.getTime() < ctx.now.getTime() ? `没有等待确认的操作：上一个「${this.pendingName(gone)}」已超过 5 分钟没有确认，早已作废。` : `已取消「${this.pendingName(gone)}」，未做任何更改。`;
  }
}

/** A bot without Redis for short-lived keys: a command that needs one fails as a bug would (logged, apologised for). */
const NO_EPHEMERAL: EphemeralStore = {
  put: async () => { throw new Error('no ephemeral store'); }, get: async () => null, take: async () => null,
  touch: async () => false, del: async () => {},
};

/** The sender's advisory lock: one message at a time per sender across processes. */
function lockKeyOf(s: Session): string {
  return `${s.platform}:${s.senderId}`;
}

function groupKeyOf(s: Session): string {
  return `${s.platform}\n${s.chatId}\n${s.chatName ?? ''}`;
}

function withNotes(reply: string | null, notes: string[]): string | null {
  return [reply, ...notes].filter(Boolean).join('\n') || null;
}

function roleName(r: Ctx['role']): string {
  return r === 'unbound' ? '未绑定' : ({ staff: '职工', head: '负责人', leader: '分管领导', admin: '管理员' } as const)[r];
}
