import { DomainError } from '../domain/errors.ts';

/** A problem the person can fix: its message is the reply, and nothing they sent is written. */
export class UserError extends Error {}

/** An error whose message is the reply: a handler's UserError or the domain's DomainError. */
export function isUserFacing(err: unknown): err is UserError | DomainError {
  return err instanceof UserError || err instanceof DomainError;
}
