// Who is speaking and which campaign and phase are running: every message needs them, they change
// a few times a day. A process keeps them until a counter in data_versions moves — triggers bump
// 'directory' on members/identities/units and 'campaign' on campaigns/phases/readings (migration
// 0007). The counters come back with a message's first statement, so a hit costs no round trip,
// and a change committed by any process is seen by the next message everywhere.
import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { dataVersions } from '../db/schema.ts';
import { currentCampaign, type CampaignSetup } from './campaigns.ts';
import { memberByIdentity, type MemberRow } from './directory.ts';
import { rowsOf } from '../db/client.ts';
import type { DataVersions } from './inbound.ts';

export type { DataVersions } from './inbound.ts';
/** The active campaign, its open phases and their readings (inProgressOn picks today's). */
export type CurrentCampaign = CampaignSetup;

/** SQL for the two counters (0 before the first change), to put in a statement a message runs anyway. */
export const dataVersionsSql = sql`(select coalesce(json_object_agg(name, version), '{}'::json) from ${dataVersions})`;

export function parseDataVersions(v: unknown): DataVersions {
  const o = (typeof v === 'string' ? JSON.parse(v) : v ?? {}) as Partial<DataVersions>;
  return { directory: Number(o.directory ?? 0), campaign: Number(o.campaign ?? 0) };
}

/** The counters now, as a statement of their own (where no claim brings them back). */
export async function readDataVersions(tx: Tx): Promise<DataVersions> {
  const [row] = rowsOf<{ versions: unknown }>(await tx.execute(sql`select ${dataVersionsSql} as versions`));
  return parseDataVersions(row.versions);
}

/** A copy: a handler may not change what the next message sees. */
const copyOf = (c: CurrentCampaign): CurrentCampaign => ({
  campaign: c.campaign && { ...c.campaign }, phases: c.phases.map((p) => ({ ...p })), readings: c.readings,
});

/** Enough for every bound person of a large bureau; beyond it the map starts over. */
const MAX_MEMBERS = 50_000;

export class ContextCache {
  private campaignVersion = -1;
  private campaign: CurrentCampaign | null = null;
  private directoryVersion = -1;
  private readonly members = new Map<string, MemberRow | null>();
  /** Active people per unit, as a check-in's statement last counted them (the reply's 共 N 人). */
  private readonly unitSizes = new Map<number, number>();

  async currentCampaign(tx: Tx, v: DataVersions): Promise<CurrentCampaign> {
    if (!this.campaign || this.campaignVersion !== v.campaign) {
      // Read after v was (same transaction, later statement): at worst newer than v, which only
      // costs a reload on the next message.
      this.campaign = await currentCampaign(tx);
      this.campaignVersion = v.campaign;
    }
    return copyOf(this.campaign);
  }

  /**
   * The sender and the campaign as last loaded, with the counters they were loaded at — no
   * database: for a fast path whose statement checks the counters. Undefined when either is not in
   * memory or the sender is not bound.
   */
  peek(platform: string, platformUserId: string): { versions: DataVersions; member: MemberRow; current: CurrentCampaign; unitSize: number | null } | undefined {
    const m = this.members.get(`${platform}\n${platformUserId}`);
    if (!m || !this.campaign) return undefined;
    return {
      versions: { directory: this.directoryVersion, campaign: this.campaignVersion },
      member: { ...m }, current: copyOf(this.campaign),
      unitSize: this.unitSizes.get(m.unitId) ?? null,
    };
  }

  /** Whether this sender was looked up under the current directory counter (found or not). */
  looked(platform: string, platformUserId: string): boolean {
    return this.members.has(`${platform}\n${platformUserId}`);
  }

  /** A unit's size as counted by a statement that found the directory at counter `directory`. */
  rememberUnitSize(directory: number, unitId: number, size: number) {
    if (this.directoryVersion === directory) this.unitSizes.set(unitId, size);
  }

  async member(tx: Tx, v: DataVersions, platform: string, platformUserId: string): Promise<MemberRow | null> {
    if (this.directoryVersion !== v.directory || this.members.size >= MAX_MEMBERS) {
      this.members.clear();
      this.unitSizes.clear();
      this.directoryVersion = v.directory;
    }
    const key = `${platform}\n${platformUserId}`;
    let m = this.members.get(key);
    if (m === undefined) {
      m = await memberByIdentity(tx, platform, platformUserId);
      // Kept only under the counter it was read after: if another message moved the label while
      // this one waited, the row may be older than the label says, and a fast path would trust it.
      if (this.directoryVersion === v.directory) this.members.set(key, m);
    }
    // A copy: a handler may not change what the next message sees.
    return m && { ...m };
  }
}
