// app_secrets: random keys made once and kept in the database, so every process of the service
// shares them (the message-id HMAC key, the export-link key). Never logged.
import { eq } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import type { Tx } from '../db/client.ts';
import { appSecrets } from '../db/schema.ts';

/** The secret called `name`, made on first use. */
export async function sharedSecret(tx: Tx, name: string): Promise<string> {
  await tx.insert(appSecrets).values({ name, value: randomBytes(32).toString('base64url') }).onConflictDoNothing();
  const [row] = await tx.select().from(appSecrets).where(eq(appSecrets.name, name));
  return row.value;
}
