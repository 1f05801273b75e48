// inbound_messages: every identified message's keyed hash, so that a platform's redelivery does
// nothing. The claim is one SQL function (claim_message) on every path the bot takes.
import { lt, sql } from 'drizzle-orm';
import { rowsOf, type Tx } from '../db/client.ts';
import { inboundMessages } from '../db/schema.ts';

/** The data counters a process's memory of the directory and the campaign is checked against. */
export interface DataVersions { directory: number; campaign: number }

/** A message to claim: the sender's lock, its keyed hash, the day it came (Asia/Shanghai). */
export interface InboundClaim { lockKey: string; dedupeKey: string; receivedOn: string }

/**
 * Takes the sender's lock (to the end of the transaction) and records the message; `fresh` false
 * means it was seen before. Also returns the data counters, for the caller's memory.
 */
export async function claimMessage(tx: Tx, c: InboundClaim): Promise<{ fresh: boolean; versions: DataVersions }> {
  const [r] = rowsOf<{ fresh: boolean; directory: number; campaign: number }>(await tx.execute(sql`
    select * from claim_message(${c.lockKey}::text, ${c.dedupeKey}::text, ${c.receivedOn}::date)`));
  return { fresh: !!r.fresh, versions: { directory: Number(r.directory), campaign: Number(r.campaign) } };
}

/**
 * Platforms redeliver within minutes (WeCom retries three times in ~20 s, DingTalk's stream
 * within its ack window): days-old hashes guard nothing. Returns how many were removed.
 */
export async function purgeInbound(tx: Tx, before: string): Promise<number> {
  const gone = await tx.delete(inboundMessages).where(lt(inboundMessages.receivedOn, before)).returning({ key: inboundMessages.key });
  return gone.length;
}
