// What the domain refuses: a typed code and its data. The words are the feature's message
// catalogue (./messages); .message is that wording, so chat can reply with it as it is and the
// web console can show the same text or its own from the code. Nothing here knows about chat.
import { catalogue, type Catalogue } from './messages/index.ts';

export type DomainErrorCode = keyof Catalogue;
/** What a code's message takes: nothing, or one object of typed fields. */
export type DomainErrorArgs<C extends DomainErrorCode> = Parameters<Catalogue[C]>;
export type DomainErrorParams<C extends DomainErrorCode> = DomainErrorArgs<C> extends [infer P] ? P : Record<string, never>;

/** A refusal the person can fix; nothing they sent was written. */
export class DomainError<C extends DomainErrorCode = DomainErrorCode> extends Error {
  override readonly name = 'DomainError';
  readonly code: C;
  readonly params: DomainErrorParams<C>;
  constructor(code: C, ...args: DomainErrorArgs<C>) {
    super((catalogue[code] as (...a: DomainErrorArgs<C>) => string)(...args));
    this.code = code;
    this.params = (args[0] ?? {}) as DomainErrorParams<C>;
  }
}

/** Throw the DomainError for `code`. */
export function fail<C extends DomainErrorCode>(code: C, ...args: DomainErrorArgs<C>): never {
  throw new DomainError(code, ...args);
}

/** A DomainError, of one of `codes` when given. */
export function isDomainError<C extends DomainErrorCode>(err: unknown, ...codes: C[]): err is DomainError<C> {
  return err instanceof DomainError && (!codes.length || codes.includes(err.code as C));
}
