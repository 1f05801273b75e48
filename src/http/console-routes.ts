// What every console API route of a feature shares: a refusal is a 4xx with a code and a Chinese
// message the page shows as it is; a domain rule broken is a 409 in the domain's own words; list
// queries page the same way. (Features' routes import this; the core never imports them.)
import type { Response } from 'express';
import { z } from 'zod';
import { isDomainError } from '../domain/errors.ts';

export const refuse = (res: Response, status: number, error: string, message: string) => void res.status(status).json({ error, message });

/** Thrown inside a route's work, answered by answerError as it is. */
export class Refusal extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(message); }
}

/** A Refusal as itself, a DomainError as 409 with its wording; anything else goes on (a 500, logged). */
export function answerError(res: Response, err: unknown): void {
  if (err instanceof Refusal) return refuse(res, err.status, err.code, err.message);
  if (isDomainError(err)) return refuse(res, 409, err.code, err.message);
  throw err;
}

/** A list's unit filter and its page (1-based) and page size (at most 100), as query strings. */
export const listPaging = {
  unitId: z.string().regex(/^\d{1,9}$/, '单位编号不对').transform(Number).optional(),
  page: z.string().regex(/^\d{1,6}$/, '页码应为正整数').transform(Number).pipe(z.number().int().min(1, '页码至少为 1')).default(1),
  pageSize: z.string().regex(/^\d{1,3}$/, '每页条数应为 1～100').transform(Number).pipe(z.number().int().min(1, '每页至少 1 条').max(100, '每页最多 100 条')).default(20),
};
