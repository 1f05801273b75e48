// Pieces of 确认 payload schemas (CommandDef.payload): what a stored proposal may hold.
import { z } from 'zod';

/** A row id. */
export const rowId = z.number().int().positive();
/** A date as stored: YYYY-MM-DD. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export { z };
