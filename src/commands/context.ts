// What a handler sees: the person, their role, the time, the active campaign, and the
// transaction every write of this message goes into.
import type { Session } from '../session.ts';
import type { Tx } from '../db/client.ts';
import type { Role } from '../domain/roles.ts';
import type { MemberRow, UnitRow } from '../domain/directory.ts';
import type { CampaignRow, PhaseRow } from '../domain/campaigns.ts';
import type { MessageClaim, ReadingRef } from '../domain/checkins.ts';
import type { CheckinWriter } from '../domain/checkin-writer.ts';
import type { Registry } from './registry.ts';
import type { AcceptedAttachment } from '../domain/attachments.ts';

export interface Ctx {
  session: Session;
  tx: Tx;
  member: MemberRow | null;
  role: Role | 'unbound';
  now: Date;
  /** Today in Asia/Shanghai, YYYY-MM-DD. */
  today: string;
  campaign: CampaignRow | null;
  phase: PhaseRow | null;
  /** The open phase's required readings (loaded with it: every check-in looks at them). */
  phaseReadings: ReadingRef[];
  registry: Registry;
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
export interface FastCtx extends Pick<Ctx, 'session' | 'now' | 'today' | 'campaign' | 'phase' | 'phaseReadings' | 'durationOptions' | 'resolveUnit' | 'resolveMember'> {
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

/** How a bare number and 学时 are read for a campaign (打卡 1.5 → hours or 学时). */
export function durationOptionsFor(campaign: CampaignRow | null): ReturnType<Ctx['durationOptions']> {
  return {
    bareUnit: campaign?.targetUnit === 'xueshi' ? { name: '学时', minutes: campaign.xueshiMinutes } : { name: '小时', minutes: 60 },
    xueshiMinutes: campaign?.xueshiMinutes ?? 45,
  };
}
