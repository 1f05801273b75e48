// One way to call WeCom's HTTPS APIs: a timeout on every call, and transport trouble
// (timeouts, resets, 5xx, a body that is not JSON) reported as RetryableError so the delivery
// queue backs off instead of failing the message. errcode handling is the caller's.
import { RetryableError } from './errors.ts';

export type Fetch = typeof fetch;

export interface WecomHttpOptions { fetch?: Fetch; timeoutMs?: number }

export interface WecomAnswer { errcode?: number; errmsg?: string; [k: string]: unknown }

export async function wecomRequest(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, what: string,
  opts: WecomHttpOptions = {}): Promise<WecomAnswer> {
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(url, {
      method: init.method,
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const timeout = (err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError';
    throw new RetryableError(`${what}${timeout ? '超时' : `网络错误：${(err as Error)?.message ?? err}`}`);
  }
  if (res.status >= 500 || res.status === 429) throw new RetryableError(`${what}失败：HTTP ${res.status}`);
  const text = await res.text();
  try {
    return JSON.parse(text) as WecomAnswer;
  } catch {
    throw new RetryableError(`${what}失败：HTTP ${res.status}，应答不是 JSON`);
  }
}

/** The URL with secrets in the query string replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|corpsecret|key)=)[^&]*/g, '$1***');
}
