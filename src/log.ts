// pino, with every secret-looking field redacted wherever it appears, and database errors
// stripped of the values they carry (a statement's parameters are people's words and names).
import pino, { type Logger } from 'pino';

const HIDDEN = '[已隐藏]';

// PostgreSQL messages that quote the value they refused (class 22, data exceptions), e.g.
// invalid input syntax for type integer: "…", value "…" is out of range for type integer.
const VALUE_IN_MESSAGE = [
  /(invalid input syntax for type [\w ]+: )"(?:[^"]|"")*"/g,
  /(invalid input value for enum [\w."]+: )"(?:[^"]|"")*"/g,
  /(malformed [\w ]+ literal: )"(?:[^"]|"")*"/g,
  /(out of range: )"(?:[^"]|"")*"/g,
  /(value )"(?:[^"]|"")*"( is out of range)/g,
  /(invalid [\w ]+ value: )"(?:[^"]|"")*"/g,
];

/** Text that may hold a failed statement's parameters, with them removed. */
export function scrubText(text: string): string {
  // drizzle's DrizzleQueryError: "Failed query: <sql>\nparams: <values>" (values to the end).
  let s = text.replace(/\nparams: [\s\S]*?(?=\ncaused by: |$)/g, `\nparams: ${HIDDEN}`);
  for (const re of VALUE_IN_MESSAGE) s = s.replace(re, (_m, a: string, b?: string) => `${a}${HIDDEN}${typeof b === 'string' ? b : ''}`);
  return s;
}

// Fields of pg / PGlite / drizzle errors that carry values: the parameters, the failing row
// (detail: "Key (name)=(…) already exists", "Failing row contains (…)"), the context lines.
const VALUE_FIELDS = new Set(['params', 'parameters', 'values', 'detail', 'where', 'internalQuery', 'internalPosition', 'hint']);

type Serialized = Record<string, unknown> & { type: string; message: string; stack: string };

/** An Error as pino's std serializer shows it, with its causes, and never a statement's values. */
export function serializeError(err: unknown): unknown {
  if (typeof err === 'string') return scrubText(err);
  if (!(err instanceof Error)) return err;
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 5 && !chain.includes(e); e = e.cause) chain.push(e);
  const messages: string[] = [];
  const stacks: string[] = [];
  for (const e of chain) {
    // Rebuilt from the frames: the stack's first lines repeat the message (and the params).
    const message = scrubText(e.message);
    const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
    messages.push(message);
    stacks.push([`${e.name}: ${message}`, ...frames].join('\n'));
  }
  // PGlite's bundle minifies class names ("O"): say "DatabaseError" rather than that.
  const ctor = err.constructor?.name ?? '';
  const type = ctor.length > 2 ? ctor : 'severity' in err ? 'DatabaseError' : err.name;
  const out: Serialized = { type, message: messages.join(': '), stack: stacks.join('\ncaused by: ') };
  for (const [k, v] of Object.entries(err)) {
    if (k === 'cause' || k in out) continue;
    if (VALUE_FIELDS.has(k)) continue;
    out[k] = typeof v === 'string' ? scrubText(v) : v instanceof Error ? serializeError(v) : v;
  }
  // The SQLSTATE of the database error underneath (drizzle wraps it), to tell kinds apart.
  const db = chain.find((e) => typeof (e as { code?: unknown }).code === 'string' && 'severity' in e) as { code?: string } | undefined;
  if (db && out.code === undefined) out.code = db.code;
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every level, every logger made from this one (child loggers inherit serializers).
    serializers: { err: serializeError, error: serializeError, reason: serializeError, cause: serializeError },
    hooks: {
      // A message built from err.message ("…failed: " + err.message) is scrubbed too.
      logMethod(args, method) {
        // pino takes the message from err.message when none is given: give the scrubbed one.
        const first = args[0] as unknown;
        if (first instanceof Error) args.splice(0, 1, { err: first } as never);
        const err = (args[0] as { err?: unknown } | null)?.err;
        if (err instanceof Error && typeof args[1] !== 'string') args.splice(1, 0, err.message as never);
        for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubText(args[i] as string);
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
    redact: {
      paths: ['*.secret', '*.token', '*.password', '*.authorization', 'ADMIN_API_TOKEN', 'config.ADMIN_API_TOKEN',
        'req.headers.authorization', '*.headers.authorization'],
      censor: HIDDEN,
    },
  }, destination);
}
