// The one schema, shared by PGlite (embedded) and PostgreSQL. Records are appended;
// statistics are computed from them, never kept as counters.
import { sql } from 'drizzle-orm';
import {
  pgTable, serial, integer, text, boolean, timestamp, date, jsonb, uniqueIndex, index, primaryKey, customType, doublePrecision, type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/** bytea: node-postgres returns a Buffer, PGlite a Uint8Array — both come out as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const units = pgTable('units', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  active: boolean('active').notNull().default(true),
  /** 单位类型 (the 名单's column): hospital 医院 | health_center 卫生院 | community 社区卫生服务中心 | public_health 公共卫生机构 | office 机关 | other 其他; null: not given. */
  kind: text('kind'),
  createdAt: createdAt(),
});

/** role: staff 职工 | head 负责人 | leader 分管领导 | admin 管理员 */
export const members = pgTable('members', {
  id: serial('id').primaryKey(),
  unitId: integer('unit_id').notNull().references(() => units.id),
  name: text('name').notNull(),
  role: text('role').notNull().default('staff'),
  phone: text('phone'),
  wecomUserId: text('wecom_userid'),
  dingtalkUserId: text('dingtalk_userid'),
  /** 党员 and 班子成员 (the 名单's columns): people a task may be aimed at. */
  partyMember: boolean('party_member').notNull().default(false),
  leadership: boolean('leadership').notNull().default(false),
  /** 联络员: does the unit's reporting beside its head (集中学习, 请假, unit submissions, 整改 进展/完成), never approves or closes. */
  liaison: boolean('liaison').notNull().default(false),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('members_phone_uq').on(t.phone).where(sql`${t.phone} is not null`),
  index('members_unit_idx').on(t.unitId),
  index('members_name_idx').on(t.name),
]);

/** Units a leader (分管领导) is in charge of. */
export const leaderUnits = pgTable('leader_units', {
  memberId: integer('member_id').notNull().references(() => members.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
}, (t) => [primaryKey({ columns: [t.memberId, t.unitId] })]);

/** A platform account linked to a member (from the directory or from 绑定). */
export const identities = pgTable('identities', {
  platform: text('platform').notNull(),
  platformUserId: text('platform_user_id').notNull(),
  memberId: integer('member_id').notNull().references(() => members.id),
  source: text('source').notNull(), // directory | bind | console
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.platform, t.platformUserId] }), index('identities_member_idx').on(t.memberId)]);

export const bindAttempts = pgTable('bind_attempts', {
  id: serial('id').primaryKey(),
  platform: text('platform').notNull(),
  platformUserId: text('platform_user_id').notNull(),
  ok: boolean('ok').notNull(),
  /** The directory person the attempt named (when the name matched someone): failures are counted per target too. */
  targetMemberId: integer('target_member_id').references(() => members.id),
  at: createdAt(),
}, (t) => [index('bind_attempts_who_idx').on(t.platform, t.platformUserId, t.at), index('bind_attempts_target_idx').on(t.targetMemberId, t.at)]);

/**
 * A 绑定 to a 负责人, 分管领导 or 管理员 waits here for an admin (/绑定 待审, /绑定 通过|拒绝 编号).
 * status: pending | approved | rejected | cancelled
 */
export const bindRequests = pgTable('bind_requests', {
  id: serial('id').primaryKey(),
  platform: text('platform').notNull(),
  platformUserId: text('platform_user_id').notNull(),
  memberId: integer('member_id').notNull().references(() => members.id),
  status: text('status').notNull().default('pending'),
  createdAt: createdAt(),
  decidedBy: integer('decided_by').references(() => members.id),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
}, (t) => [index('bind_requests_status_idx').on(t.status, t.createdAt)]);

/** A person locked for 绑定 after too many failed attempts naming them; an admin unlocks. */
export const bindLocks = pgTable('bind_locks', {
  memberId: integer('member_id').primaryKey().references(() => members.id),
  lockedAt: timestamp('locked_at', { withTimezone: true }).notNull(),
});

export const groups = pgTable('groups', {
  id: serial('id').primaryKey(),
  platform: text('platform').notNull(),
  chatId: text('chat_id').notNull(),
  name: text('name'),
  scope: text('scope'), // campaign | unit | null (just remembered)
  unitId: integer('unit_id').references(() => units.id),
  /** A push-only webhook attached with /群 绑定webhook: 'wecom' (群机器人) | 'dingtalk' (自定义机器人) | null. */
  webhookKind: text('webhook_kind'),
  /** WeCom: the webhook key; DingTalk: the full robot/send URL with its access_token. A secret: never logged or echoed. */
  webhookUrl: text('webhook_url'),
  /** DingTalk 加签 secret (SEC…), when the robot uses signing. A secret. */
  webhookSecret: text('webhook_secret'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('groups_chat_uq').on(t.platform, t.chatId)]);

/** targetUnit: 'hour' | 'xueshi' — what a bare number and the target are counted in. */
export const campaigns = pgTable('campaigns', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  targetMinutes: integer('target_minutes'),
  targetUnit: text('target_unit').notNull().default('hour'),
  xueshiMinutes: integer('xueshi_minutes').notNull().default(45),
  makeupDays: integer('makeup_days').notNull().default(3),
  /** Rectification categories this campaign uses (the seeds' four plus 长期坚持 by default). */
  categories: jsonb('categories').$type<string[]>().notNull().default(['立即整改', '限期整改', '说明原因', '多部门协同', '长期坚持']),
  /** Schedule settings (times, cadence, quiet hours…); missing keys take the defaults in jobs/settings.ts. */
  schedule: jsonb('schedule').$type<Record<string, unknown>>().notNull().default({}),
  status: text('status').notNull().default('active'),
  createdAt: createdAt(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
}, (t) => [uniqueIndex('campaigns_one_active_uq').on(t.status).where(sql`${t.status} = 'active'`)]);

export const phases = pgTable('phases', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  seq: integer('seq').notNull(),
  name: text('name').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  targetMinutes: integer('target_minutes'),
  /** 工作内容 and 工作标准 (the plan's 工作安排 / 工作要求), as the plan import or the office gives them. */
  workContent: text('work_content'),
  workStandard: text('work_standard'),
  /**
   * open | closed. Several phases may be open at once and overlap: a phase is 未开始 / 进行中 /
   * 已结束 by its dates (campaigns.ts phaseState); 'closed' is set when it is ended early by
   * command, or by the phase-schedule job on the day after its end date.
   */
  status: text('status').notNull().default('open'),
  /** The day its start was announced to the groups and heads (by 阶段 开启 / 调整 / the plan import, or the phase-schedule job); null: not yet. */
  announcedOn: date('announced_on', { mode: 'string' }),
  createdAt: createdAt(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
}, (t) => [index('phases_campaign_idx').on(t.campaignId, t.status)]);

/**
 * audience: all | heads | leadership 班子成员 | party 党员 | units (one submission per unit, by its
 * head or 联络员). unitKind narrows 'units' to the units of one 单位类型 (units.kind). Who a task is
 * due from is decided in one place: src/domain/audiences.ts.
 */
export const tasks = pgTable('tasks', {
  id: serial('id').primaryKey(),
  phaseId: integer('phase_id').notNull().references(() => phases.id),
  name: text('name').notNull(),
  audience: text('audience').notNull().default('all'),
  unitKind: text('unit_kind'),
  dueDate: date('due_date', { mode: 'string' }).notNull(),
  minChars: integer('min_chars'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('tasks_phase_name_uq').on(t.phaseId, t.name)]);

export const readings = pgTable('readings', {
  id: serial('id').primaryKey(),
  phaseId: integer('phase_id').notNull().references(() => phases.id),
  title: text('title').notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('readings_phase_title_uq').on(t.phaseId, t.title)]);

export const groupSessions = pgTable('group_sessions', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  studyDate: date('study_date', { mode: 'string' }).notNull(),
  minutes: integer('minutes').notNull(),
  material: text('material'),
  recordedBy: integer('recorded_by').notNull().references(() => members.id),
  createdAt: createdAt(),
});

/** kind: self | makeup | group;  status: valid | revoked (撤销) | void (作废) */
export const checkins = pgTable('checkins', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  phaseId: integer('phase_id').references(() => phases.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  studyDate: date('study_date', { mode: 'string' }).notNull(),
  minutes: integer('minutes'),
  material: text('material'),
  reflection: text('reflection'),
  rawText: text('raw_text').notNull(),
  kind: text('kind').notNull().default('self'),
  groupSessionId: integer('group_session_id').references(() => groupSessions.id),
  platform: text('platform').notNull(),
  messageId: text('message_id'),
  status: text('status').notNull().default('valid'),
  statusReason: text('status_reason'),
  createdAt: createdAt(),
}, (t) => [
  index('checkins_member_date_idx').on(t.memberId, t.studyDate),
  index('checkins_campaign_unit_idx').on(t.campaignId, t.unitId, t.studyDate),
  // Covering indexes over valid check-ins (index-only scans; measured in bench/): a person's and
  // unit's standing after each check-in (80 ms → ~4 ms at a million rows), and the circular's
  // per-person sums over a period.
  index('checkins_member_campaign_valid_idx').on(t.memberId, t.campaignId, t.phaseId, t.minutes).where(sql`${t.status} = 'valid'`),
  index('checkins_campaign_date_valid_idx').on(t.campaignId, t.studyDate, t.memberId, t.minutes).where(sql`${t.status} = 'valid'`),
  // The few valid check-ins without minutes: participation that study_totals cannot see (progress-totals.ts).
  index('checkins_no_minutes_idx').on(t.campaignId, t.phaseId, t.memberId, t.studyDate).where(sql`${t.status} = 'valid' and coalesce(${t.minutes}, 0) = 0`),
]);

/**
 * Valid minutes per person and campaign: one row per phase (0: outside every phase) and one for
 * the whole campaign (phase -1), with the person's unit while they are active. Derived: kept by
 * triggers on checkins and members (migration 0007), so the reply to a check-in ranks a unit of
 * 600 by counting index entries instead of summing 20,000 records. Never written by the app.
 */
export const studyTotals = pgTable('study_totals', {
  memberId: integer('member_id').notNull(),
  campaignId: integer('campaign_id').notNull(),
  phaseId: integer('phase_id').notNull(),
  unitId: integer('unit_id'),
  minutes: integer('minutes').notNull(),
}, (t) => [
  primaryKey({ columns: [t.memberId, t.campaignId, t.phaseId] }),
  index('study_totals_rank_idx').on(t.campaignId, t.phaseId, t.unitId, t.minutes),
]);

/**
 * Per campaign, half-month (starting the 1st or the 16th) and person: valid check-ins and their
 * minutes, kept by the same statement triggers as study_totals (src/db/functions/). The console's
 * half-month trend reads one row per person and period instead of every check-in.
 */
export const studyPeriods = pgTable('study_periods', {
  campaignId: integer('campaign_id').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  memberId: integer('member_id').notNull(),
  checkins: integer('checkins').notNull(),
  minutes: integer('minutes').notNull(),
}, (t) => [primaryKey({ columns: [t.campaignId, t.periodStart, t.memberId] })]);

export const readingsDone = pgTable('readings_done', {
  memberId: integer('member_id').notNull().references(() => members.id),
  readingId: integer('reading_id').notNull().references(() => readings.id),
  checkinId: integer('checkin_id').references(() => checkins.id),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.memberId, t.readingId] })]);

export const submissions = pgTable('submissions', {
  id: serial('id').primaryKey(),
  taskId: integer('task_id').notNull().references(() => tasks.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  content: text('content').notNull(),
  chars: integer('chars').notNull(),
  platform: text('platform').notNull(),
  createdAt: createdAt(),
  /** submitted (待审阅) | approved (已通过) | returned (退回修改). Each resubmission is a new row: the versions. */
  reviewStatus: text('review_status').notNull().default('submitted'),
  reviewedBy: integer('reviewed_by').references(() => members.id),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  reviewComment: text('review_comment'),
}, (t) => [index('submissions_task_member_idx').on(t.taskId, t.memberId)]);

/** A photo or document (读书有笔记, 剖析材料) attached to a check-in or a submission. kind: image | file */
export const attachments = pgTable('attachments', {
  id: serial('id').primaryKey(),
  checkinId: integer('checkin_id').references(() => checkins.id),
  submissionId: integer('submission_id').references(() => submissions.id),
  /** A 督查 finding's photo (督查 发现, sent with it or right after). */
  inspectionFindingId: integer('inspection_finding_id').references(() => inspectionFindings.id),
  /** 佐证材料: evidence sent with (or right after) 整改 完成, linked to the item and to that report in its history. */
  rectificationId: integer('rectification_id').references(() => rectifications.id),
  rectHistoryId: integer('rect_history_id').references(() => rectificationHistory.id),
  /** A 典型案例 or 制度成果 (cases) it documents. */
  caseId: integer('case_id').references((): AnyPgColumn => cases.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  kind: text('kind').notNull(),
  mime: text('mime').notNull(),
  name: text('name'),
  size: integer('size').notNull(),
  data: bytea('data').notNull(),
  createdAt: createdAt(),
}, (t) => [
  index('attachments_checkin_idx').on(t.checkinId), index('attachments_submission_idx').on(t.submissionId),
  index('attachments_finding_idx').on(t.inspectionFindingId).where(sql`${t.inspectionFindingId} is not null`),
  index('attachments_rect_idx').on(t.rectificationId), index('attachments_case_idx').on(t.caseId),
]);

/**
 * Every inbound message, recorded once, ever: the de-duplication key. The key is an HMAC of the
 * platform message id (never the id itself) and the time is the day only, so an anonymous
 * message leaves nothing here that leads back to its sender.
 */
export const inboundMessages = pgTable('inbound_messages', {
  key: text('key').primaryKey(),
  receivedOn: date('received_on', { mode: 'string' }).notNull(),
});

/**
 * Counters that triggers bump whenever the directory (members, identities, units) or the
 * campaign set-up (campaigns, phases, readings) changes (migration 0008): a process may keep
 * either in memory until its counter moves (src/domain/context-cache.ts).
 */
export const dataVersions = pgTable('data_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

/** Secrets the processes share, generated once in the database (e.g. the dedupe HMAC key). */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
});

/** A side-effecting admin command waiting for 确认 / 取消 (one per person). */
export const pendingConfirmations = pgTable('pending_confirmations', {
  memberId: integer('member_id').primaryKey().references(() => members.id),
  command: text('command').notNull(),
  payload: jsonb('payload').notNull(),
  preview: text('preview').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

export const auditLog = pgTable('audit_log', {
  id: serial('id').primaryKey(),
  at: createdAt(),
  actorMemberId: integer('actor_member_id'),
  actor: text('actor').notNull(), // a readable label: member name, 'cli', 'system', 'anonymous'
  action: text('action').notNull(),
  target: text('target'),
  before: jsonb('before'),
  after: jsonb('after'),
}, (t) => [index('audit_action_idx').on(t.action, t.at)]);

/** Everything the bot sends unprompted; idempotencyKey makes every send happen once. */
export const outbox = pgTable('outbox', {
  id: serial('id').primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  targetKind: text('target_kind').notNull(), // member | group
  memberId: integer('member_id').references(() => members.id),
  groupId: integer('group_id').references(() => groups.id),
  text: text('text').notNull(),
  status: text('status').notNull().default('queued'), // queued | sent | failed
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  /** Which sender delivered it (wecom-app, wecom, dingtalk, console…). */
  via: text('via'),
  /** Members to @mention in a group message, in the platform's own syntax where it has one. */
  mentions: jsonb('mentions').$type<number[]>(),
  /** A file to send with (or instead of) the text: an export the person asked for. */
  exportId: integer('export_id').references(() => exportFiles.id, { onDelete: 'set null' }),
  /**
   * An image to send instead of the text where the platform shows one (the circular's chart):
   * the text is its caption, sent with a link or a note where the platform cannot show it.
   */
  imageId: integer('image_id').references(() => images.id, { onDelete: 'set null' }),
  /** Failed rows are summarised to admins once, in a digest. */
  failureReported: boolean('failure_reported').notNull().default(false),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [index('outbox_status_idx').on(t.status, t.createdAt)]);

/**
 * 意见/建议/反馈. An anonymous row has no member, no platform, and the day only (createdAt null):
 * nothing in it, or anywhere else, says who sent it.
 * status: open 待处理 | forwarded 已转交 | answered 已答复 | closed 已办结
 */
export const feedback = pgTable('feedback', {
  id: serial('id').primaryKey(),
  kind: text('kind').notNull(), // 意见 | 建议 | 反馈
  anonymous: boolean('anonymous').notNull(),
  memberId: integer('member_id').references(() => members.id),
  unitId: integer('unit_id').references(() => units.id),
  content: text('content').notNull(),
  status: text('status').notNull().default('open'),
  answer: text('answer'),
  answeredAt: timestamp('answered_at', { withTimezone: true }),
  /** sha256 of the 查询码 an anonymous sender reads the answer with. */
  queryCodeHash: text('query_code_hash'),
  /**
   * An anonymous item's own random code (NM-…), shown instead of YJ-0012: it shares no
   * sequence with named items (its id is random too), so neither orders it among them.
   */
  code: text('code').unique(),
  /** Why an item was closed without an answer (办结 with no 答复 needs one); shown to its sender. */
  closeReason: text('close_reason'),
  createdOn: date('created_on', { mode: 'string' }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }),
}, (t) => [index('feedback_unit_idx').on(t.unitId, t.status), index('feedback_member_idx').on(t.memberId)]);

/**
 * 整改事项 with the 五落实: problem 项目, measures 措施, leader 分管领导, unit 责任单位, deadline 时限.
 * kind: item | commitment (一把手公开承诺).  status: not_started | in_progress | pending 待销号 | closed 已销号.
 * Overdue is computed from deadline and status, never stored.
 */
export const rectifications = pgTable('rectifications', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').references(() => campaigns.id),
  kind: text('kind').notNull().default('item'),
  unitId: integer('unit_id').notNull().references(() => units.id),
  problem: text('problem').notNull(),
  measures: text('measures').notNull(),
  leaderName: text('leader_name').notNull(),
  leaderMemberId: integer('leader_member_id').references(() => members.id),
  ownerMemberId: integer('owner_member_id').references(() => members.id),
  deadline: date('deadline', { mode: 'string' }).notNull(),
  category: text('category'),
  term: text('term'), // 近期 | 中期 | 远期
  status: text('status').notNull().default('not_started'),
  /** The opinion it was made from (/意见 转整改); one item per opinion. */
  feedbackId: integer('feedback_id').references(() => feedback.id),
  /** The 督查 finding it was made from (督查 转整改); one item per finding. */
  inspectionFindingId: integer('inspection_finding_id').references(() => inspectionFindings.id),
  /** 责任人 as the unit's 问题清单 wrote it (ownerMemberId when it names one person of the unit). */
  ownerName: text('owner_name'),
  createdAt: createdAt(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
}, (t) => [
  index('rect_unit_status_idx').on(t.unitId, t.status), index('rect_deadline_idx').on(t.status, t.deadline),
  uniqueIndex('rect_feedback_uq').on(t.feedbackId).where(sql`${t.feedbackId} is not null`),
  uniqueIndex('rect_finding_uq').on(t.inspectionFindingId).where(sql`${t.inspectionFindingId} is not null`),
]);

/** Every change to a rectification item, in order. */
export const rectificationHistory = pgTable('rectification_history', {
  id: serial('id').primaryKey(),
  itemId: integer('item_id').notNull().references(() => rectifications.id),
  at: createdAt(),
  actorMemberId: integer('actor_member_id'),
  actor: text('actor').notNull(),
  action: text('action').notNull(), // create | update | progress | complete | close | return | extend
  field: text('field'),
  before: text('before'),
  after: text('after'),
  note: text('note'),
}, (t) => [index('rect_history_item_idx').on(t.itemId, t.id)]);

/**
 * 问题清单: a problem a unit sends in (上报, by its head or 联络员: one line in chat or a row of an
 * xlsx file), waiting for the office (待审核) — not a ledger item, not chased, not counted, until
 * approved: then it becomes one (rectificationId). Returned with a comment, the unit may send it
 * again (整改 重报): `rounds` counts the sendings.
 * status: pending 待审核 | approved 已通过 | returned 已退回
 */
export const rectProposals = pgTable('rect_proposals', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').references(() => campaigns.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  /** Who sent it (上报人): told when it is approved or returned. */
  memberId: integer('member_id').notNull().references(() => members.id),
  problem: text('problem').notNull(),
  measures: text('measures').notNull(),
  deadline: date('deadline', { mode: 'string' }).notNull(),
  ownerName: text('owner_name'),
  ownerMemberId: integer('owner_member_id').references(() => members.id),
  category: text('category'),
  status: text('status').notNull().default('pending'),
  /** The file it came in (null: typed in chat) and its row there. */
  fileName: text('file_name'),
  line: integer('line'),
  rounds: integer('rounds').notNull().default(1),
  /** The office's last 退回 comment. */
  comment: text('comment'),
  reviewedBy: integer('reviewed_by').references(() => members.id),
  reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
  rectificationId: integer('rectification_id').references(() => rectifications.id),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  index('rect_proposals_unit_idx').on(t.unitId, t.status), index('rect_proposals_status_idx').on(t.status, t.id),
  uniqueIndex('rect_proposals_rect_uq').on(t.rectificationId).where(sql`${t.rectificationId} is not null`),
]);

/**
 * Corrections to the China holiday calendar (chinese-days' data ends at some year): a day made
 * a holiday ('off') or a working day ('work', e.g. a 调休 Saturday). Overrides win.
 */
export const holidayOverrides = pgTable('holiday_overrides', {
  day: date('day', { mode: 'string' }).primaryKey(),
  kind: text('kind').notNull(), // off | work
  note: text('note'),
  createdAt: createdAt(),
});

/** 请假: nobody on leave is named in a nudge for those days. */
export const leaves = pgTable('leaves', {
  id: serial('id').primaryKey(),
  memberId: integer('member_id').notNull().references(() => members.id),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  reason: text('reason'),
  createdBy: integer('created_by').references(() => members.id),
  createdAt: createdAt(),
}, (t) => [index('leaves_member_idx').on(t.memberId, t.endDate)]);

/**
 * One row per scheduled run's work, keyed by campaign + job + period: a second worker or a
 * re-run finds the key taken and sends nothing.
 */
export const jobRuns = pgTable('job_runs', {
  key: text('key').primaryKey(),
  job: text('job').notNull(),
  campaignId: integer('campaign_id').references(() => campaigns.id),
  period: text('period').notNull(),
  status: text('status').notNull().default('running'), // running | done | failed
  detail: jsonb('detail'),
  startedAt: createdAt(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/**
 * A generated export (.xlsx). Kept in the database so any process can serve its signed link
 * and send it; removed after it expires.
 */
export const exportFiles = pgTable('export_files', {
  id: serial('id').primaryKey(),
  kind: text('kind').notNull(), // checkins | feedback | rectifications | circular
  fileName: text('file_name').notNull(),
  mime: text('mime').notNull(),
  size: integer('size').notNull(),
  data: bytea('data').notNull(),
  requestedBy: integer('requested_by').references(() => members.id),
  /** What the export covered, for the audit trail: unit, dates, rows. */
  params: jsonb('params'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  downloads: integer('downloads').notNull().default(0),
}, (t) => [index('export_files_expires_idx').on(t.expiresAt)]);

/**
 * Pictures the bot sends (the circular's chart, kind 'chart'): kept for the outbox rows that show
 * them (outbox.image_id) and for their signed links (/images/:id, where a platform shows a picture
 * only from a link), until expiresAt.
 */
export const images = pgTable('images', {
  id: serial('id').primaryKey(),
  kind: text('kind').notNull(),
  fileName: text('file_name').notNull(),
  mime: text('mime').notNull(),
  size: integer('size').notNull(),
  data: bytea('data').notNull(),
  /** What it shows (the circular's period, a preview or not). */
  params: jsonb('params'),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
}, (t) => [index('images_expires_idx').on(t.expiresAt)]);

/** A circular (通报) as it was computed and sent, stored with its period. */
export const circulars = pgTable('circulars', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  periodKey: text('period_key').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  periodEnd: date('period_end', { mode: 'string' }).notNull(),
  data: jsonb('data').notNull(),
  text: text('text').notNull(),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [uniqueIndex('circulars_period_uq').on(t.campaignId, t.periodKey)]);

/**
 * 督查: a round of checks ("一月一督查", "由局领导成员分工带队"), numbered per campaign (DC-01). Its
 * checklist is copied from the campaign's default (campaigns.schedule.inspection) and may be edited
 * per round. leaderIds: the members named 带队, who record its findings. status: open | done.
 */
export const inspectionRounds = pgTable('inspection_rounds', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  seq: integer('seq').notNull(),
  name: text('name').notNull(),
  date: date('date', { mode: 'string' }).notNull(),
  leaderIds: jsonb('leader_ids').$type<number[]>().notNull(),
  checklist: jsonb('checklist').$type<string[]>().notNull(),
  status: text('status').notNull().default('open'),
  createdBy: integer('created_by').references(() => members.id),
  createdAt: createdAt(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
}, (t) => [uniqueIndex('inspection_rounds_seq_uq').on(t.campaignId, t.seq)]);

/** The units a round inspects. */
export const inspectionUnits = pgTable('inspection_units', {
  roundId: integer('round_id').notNull().references(() => inspectionRounds.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
}, (t) => [primaryKey({ columns: [t.roundId, t.unitId] }), index('inspection_units_unit_idx').on(t.unitId)]);

/**
 * A finding of a round at one unit (FX-0003), by a 带队 leader or the office: what was found, and
 * the unit's score when the campaign scores inspections. Its photos are attachments; the ledger
 * item it became names it (rectifications.inspection_finding_id).
 */
export const inspectionFindings = pgTable('inspection_findings', {
  id: serial('id').primaryKey(),
  roundId: integer('round_id').notNull().references(() => inspectionRounds.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  content: text('content').notNull(),
  score: doublePrecision('score'),
  recordedBy: integer('recorded_by').notNull().references(() => members.id),
  createdAt: createdAt(),
}, (t) => [index('inspection_findings_round_idx').on(t.roundId, t.unitId), index('inspection_findings_recorder_idx').on(t.recordedBy, t.createdAt)]);

/**
 * 典型案例 (kind 'case', AL-001: "典型案例征集", a unit's good practice the office may select for the
 * circular's 好的做法) and 制度成果 (kind 'rule', ZD-001: "形成一批制度性成果", a rule the unit adopted,
 * with its document). Numbered per kind (seq). A case: submitted 待选 | selected 已选用 |
 * declined 不选用; a rule: recorded 已记录 | returned 已退回 (not a real rule). `comment` is the
 * office's 点评, 意见 or reason; `circularId` the circular a selected case first appeared in.
 */
export const cases = pgTable('cases', {
  id: serial('id').primaryKey(),
  kind: text('kind').notNull(),
  seq: integer('seq').notNull(),
  campaignId: integer('campaign_id').references(() => campaigns.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  memberId: integer('member_id').notNull().references(() => members.id),
  title: text('title').notNull(),
  content: text('content').notNull(),
  status: text('status').notNull(),
  platform: text('platform').notNull(),
  createdAt: createdAt(),
  decidedBy: integer('decided_by').references(() => members.id),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  comment: text('comment'),
  circularId: integer('circular_id').references(() => circulars.id),
}, (t) => [
  uniqueIndex('cases_kind_seq_uq').on(t.kind, t.seq), index('cases_unit_idx').on(t.unitId, t.kind, t.status),
  index('cases_member_idx').on(t.memberId, t.createdAt),
]);

/**
 * 满意度测评 / 民主评议 / 群众评议 (S-01, numbered per campaign): a questionnaire per unit, answered by
 * respondent groups each with a weight (民主评议's 代表委员评、党员干部评、服务对象评、下级单位评).
 * kind: satisfaction | democratic | mass. status: draft (editable) | open | closed.
 * mode: open (one ballot per browser, rate limits per address) | codes (one-time ballot codes).
 * threshold: the satisfaction rate (%) under which a unit is flagged for 补课. parentId: the survey
 * a 复测 (round 2…) repeats for one unit.
 */
export const surveys = pgTable('surveys', {
  id: serial('id').primaryKey(),
  campaignId: integer('campaign_id').notNull().references(() => campaigns.id),
  seq: integer('seq').notNull(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  deadline: date('deadline', { mode: 'string' }).notNull(),
  status: text('status').notNull().default('draft'),
  mode: text('mode').notNull().default('open'),
  threshold: doublePrecision('threshold').notNull().default(80),
  items: jsonb('items').$type<string[]>().notNull(),
  groups: jsonb('groups').$type<{ name: string; weight: number }[]>().notNull(),
  round: integer('round').notNull().default(1),
  parentId: integer('parent_id').references((): AnyPgColumn => surveys.id),
  createdBy: integer('created_by').references(() => members.id),
  createdAt: createdAt(),
  openedOn: date('opened_on', { mode: 'string' }),
  closedOn: date('closed_on', { mode: 'string' }),
}, (t) => [uniqueIndex('surveys_seq_uq').on(t.campaignId, t.seq)]);

/** A unit's questionnaire in a survey: its questions (a 评议's are the unit's ledger items, rectId set). */
export const surveyUnits = pgTable('survey_units', {
  surveyId: integer('survey_id').notNull().references(() => surveys.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  questions: jsonb('questions').$type<{ text: string; rectId?: number }[]>().notNull(),
}, (t) => [primaryKey({ columns: [t.surveyId, t.unitId] })]);

/**
 * One ballot, anonymous: a random id (never serial), the day only (no time), no member, no
 * address, no code. answers: per question 2 满意 | 1 基本满意 | 0 不满意.
 */
export const surveyBallots = pgTable('survey_ballots', {
  id: integer('id').primaryKey(),
  surveyId: integer('survey_id').notNull().references(() => surveys.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  groupName: text('group_name').notNull(),
  answers: jsonb('answers').$type<number[]>().notNull(),
  comment: text('comment'),
  answeredOn: date('answered_on', { mode: 'string' }).notNull(),
}, (t) => [index('survey_ballots_unit_idx').on(t.surveyId, t.unitId)]);

/** Unused one-time ballot codes (sha256 of the code), per unit and group; deleted when used. */
export const surveyCodes = pgTable('survey_codes', {
  codeHash: text('code_hash').primaryKey(),
  surveyId: integer('survey_id').notNull().references(() => surveys.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  groupName: text('group_name').notNull(),
}, (t) => [index('survey_codes_survey_idx').on(t.surveyId, t.unitId)]);

/** That a directory member answered a unit's questionnaire in chat: no ballot id, no time. */
export const surveyAnswered = pgTable('survey_answered', {
  surveyId: integer('survey_id').notNull().references(() => surveys.id),
  unitId: integer('unit_id').notNull().references(() => units.id),
  memberId: integer('member_id').notNull().references(() => members.id),
}, (t) => [primaryKey({ columns: [t.surveyId, t.unitId, t.memberId] })]);
