// Drill: kill -9 of the service during a 2,000-message fan-out. The real service (src/main.ts,
// ROLE=worker) on a fresh PostgreSQL database and a Redis database of its own delivers through
// the WeCom self-built app to the fake WeCom API (behind a tap that records every send and
// holds it a little, so several are in flight); halfway it is killed with SIGKILL and started
// again. Every message must be delivered, and only those handed to WeCom but not yet recorded
// as sent at the kill may go out twice (WeCom's duplicate check then drops the repeat).
import { inArray } from 'drizzle-orm';
import { outbox } from '../src/db/schema.ts';
import { Scope, scopes } from '../test/support/service-scope.ts';
import { killMidFanOut } from '../test/support/delivery-proof.ts';

export interface Kill9Options { messages: number; delayMs: number; killAt: number }
export interface Kill9Result {
  messages: number; sentBeforeKill: number; inFlightAtKill: number; sent: number; failed: number;
  missing: number; twice: number; twiceNotInFlight: number; shownTwice: number;
  killToAllSentMs: number | null; totalMs: number; achievedPerSecond: number;
}

export async function runKill9(o: Kill9Options): Promise<Kill9Result> {
  const scope = new Scope();
  scopes.add(scope); // disposed by drills/run.ts on Ctrl-C
  try {
    const r = await killMidFanOut(scope, {
      tag: 'kill9', title: 'kill9演练', dbName: 'drill_kill9', messages: o.messages, delayMs: o.delayMs, killAt: o.killAt,
      killWithinMs: 600_000, allSentWithinMs: 600_000,
    });
    const rows = await r.db.select({ status: outbox.status }).from(outbox).where(inArray(outbox.id, r.ids));
    const totalMs = (r.doneAt ?? Date.now()) - r.t0;
    return {
      messages: o.messages, sentBeforeKill: r.sentByFirst.size, inFlightAtKill: Math.max(r.heldAtKill, r.inFlight.size),
      sent: rows.filter((x) => x.status === 'sent').length, failed: rows.filter((x) => x.status === 'failed').length,
      missing: r.texts.filter((t) => !r.sendCount.get(t)).length,
      // In flight = not yet recorded as sent when the process died; the tap's own timestamps are not
      // exact enough under load (the test in platform-proofs judges the same way).
      twice: r.repeated.length, twiceNotInFlight: r.repeated.filter((t) => r.sentByFirst.has(t)).length,
      shownTwice: r.api.messages.length - new Set(r.api.messages.map((m) => m.content)).size,
      killToAllSentMs: r.doneAt ? r.doneAt - r.goneAt : null, totalMs, achievedPerSecond: o.messages / (totalMs / 1000),
    };
  } finally {
    await scope.dispose();
    scopes.delete(scope);
  }
}

export const kill9Passed = (r: Kill9Result) => r.sent === r.messages && r.missing === 0 && r.twiceNotInFlight === 0 && r.shownTwice === 0;

export function kill9Summary(r: Kill9Result): string {
  return `${r.messages} pushes, SIGKILL after ${r.sentBeforeKill} sent (${r.inFlightAtKill} in flight), restarted: sent ${r.sent}, failed ${r.failed}, missing ${r.missing}; `
    + `sent twice ${r.twice} (not in flight at the kill: ${r.twiceNotInFlight}; shown twice after WeCom's duplicate check: ${r.shownTwice}); `
    + `all sent ${r.killToAllSentMs === null ? 'NEVER' : `${(r.killToAllSentMs / 1000).toFixed(1)} s after the kill`}; whole fan-out ${(r.totalMs / 1000).toFixed(0)} s (${r.achievedPerSecond.toFixed(1)}/s, sender limit 20/s)`;
}
