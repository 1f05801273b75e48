// Runs the outbox sweep and the failure digest on their intervals in a delivery worker process,
// until the job registry runs them as scheduled jobs. Errors are logged; the next run tries again.
import type { Logger } from 'pino';
import { reportDeliveryFailures, type FailureDigestDeps } from './failure-digest.ts';
import { sweepOutbox, type SweepDeps } from './sweep.ts';

export const SWEEP_EVERY_MS = 60_000;
export const DIGEST_EVERY_MS = 5 * 60_000;
// The first sweep waits for the senders, added just after start-up (src/main.ts): without them
// no line is known, and rows waiting in one would be queued a second time.
const FIRST_SWEEP_AFTER_MS = 5_000;

/** Start both; returns the function that stops them. */
export function startDeliveryTimers(deps: SweepDeps & FailureDigestDeps, log: Logger): () => void {
  const sweep = () => sweepOutbox(deps, new Date()).catch((err) => log.warn({ err }, 'outbox sweep failed'));
  const digest = () => reportDeliveryFailures(deps, new Date()).catch((err) => log.warn({ err }, 'failure digest failed'));
  const timers = [setTimeout(sweep, FIRST_SWEEP_AFTER_MS), setInterval(sweep, SWEEP_EVERY_MS), setInterval(digest, DIGEST_EVERY_MS)];
  for (const t of timers) t.unref();
  return () => { for (const t of timers) clearInterval(t); };
}
