// What of an error may reach the log from a message's path: its class and its status or error
// code, never its message. A failed query quotes its parameters (someone's text), a WeCom send
// error names the userid, and an anonymous opinion passes through the same code.
export function errLabel(err: unknown): { err: string; status?: number; code?: string | number } {
  if (!(err instanceof Error)) return { err: typeof err };
  const e = err as Error & { status?: unknown; code?: unknown; errcode?: unknown };
  const code = typeof e.errcode === 'number' ? e.errcode : typeof e.code === 'string' && /^[\w.-]{1,64}$/.test(e.code) ? e.code : undefined;
  return { err: e.name, ...(typeof e.status === 'number' ? { status: e.status } : {}), ...(code !== undefined ? { code } : {}) };
}
