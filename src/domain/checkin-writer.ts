// Check-in messages from many people, written together (group commit). While statements are at the
// database, the messages that arrive wait and go in the next one: one statement and one commit for
// many instead of one each. When the database is idle a message goes at once, on its own, so a
// quiet hour costs no latency; at 08:00 the batches grow with the load.
import { isConnectionError, type Tx } from '../db/client.ts';
import { writeCheckinMessages, type CheckinMessage, type CheckinMessageOutcome } from './checkins.ts';

interface Waiting { message: CheckinMessage; resolve(o: CheckinMessageOutcome): void; reject(err: unknown): void }

export class CheckinWriter {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  /**
   * @param maxInFlight statements at the database at once: 1 for PGlite (it runs one at a time
   *   anyway), a few for PostgreSQL (its pool also serves everything else).
   * @param maxBatch messages per statement: bounds one transaction's locks and its latency.
   */
  constructor(private readonly db: Tx, private readonly maxInFlight: number, private readonly maxBatch = 64) {}

  write(message: CheckinMessage): Promise<CheckinMessageOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ message, resolve, reject });
      this.pump();
    });
  }

  private pump() {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => { this.inFlight--; this.pump(); });
    }
  }

  private async run(batch: Waiting[]) {
    let results: CheckinMessageOutcome[];
    try {
      results = await writeCheckinMessages(this.db, batch.map((w) => w.message));
    } catch (err) {
      // Unreachable database: every message is refused for redelivery, as the ordinary path does.
      if (isConnectionError(err)) { for (const w of batch) w.reject(err); return; }
      // One message's error fails the whole statement (nothing of it was written): each goes on to
      // its own ordinary transaction, where only that one fails, and is logged there.
      for (const w of batch) w.resolve({ outcome: 'retry' });
      return;
    }
    batch.forEach((w, i) => w.resolve(results[i] ?? { outcome: 'retry' }));
  }
}
