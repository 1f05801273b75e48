// The load: WeCom AI-bot callbacks exactly as WeCom sends them (JSON { encrypt }, signed in the
// query string with @wecom/crypto), prepared before the clock starts, sent by autocannon over
// keep-alive connections. Each connection speaks for its own senders, so the bot's per-sender
// ordering (and advisory lock) never makes two connections wait for each other.
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { RawHttpPool } from './raw-http.ts';

export const BENCH_TOKEN = 'BenchT0ken';
export const BENCH_AES_KEY = 'kWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
export const CALLBACK_PATH = '/wecom/aibot/callback';

/** One signed, encrypted callback: the query string and the body. */
export function signedCallback(payload: unknown, nowSeconds = Math.floor(Date.now() / 1000)) {
  const ciphertext = encrypt(BENCH_AES_KEY, JSON.stringify(payload), '');
  const timestamp = String(nowSeconds);
  const nonce = randomBytes(5).toString('hex');
  const q = new URLSearchParams({ msg_signature: getSignature(BENCH_TOKEN, timestamp, nonce, ciphertext), timestamp, nonce });
  return { path: `${CALLBACK_PATH}?${q}`, body: JSON.stringify({ encrypt: ciphertext }) };
}

/** A 1:1 text message from a WeCom user, as the AI bot receives it. */
export function checkinMessage(userid: string, msgid: string, minutes = 10) {
  return {
    msgid, aibotid: 'aib-bench', chattype: 'single', from: { userid },
    msgtype: 'text', text: { content: `打卡 学习《中国共产党章程》 ${minutes}分钟 心得：对照检查，立行立改` },
  };
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  messages: number;
  /** The WeCom userids connection c sends as (it rotates through them). */
  sendersOf: (connection: number) => string[];
  /** Prefix of the msgids: the bench counts the check-ins it made by it. */
  msgPrefix: string;
  /** Open and check one reply in this many (decrypting every one would load the client). */
  checkEvery?: number;
}

export interface LoadResult {
  messages: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Replies opened (verified + decrypted): how many, and how many said the check-in was recorded. */
  repliesChecked: number;
  repliesRecorded: number;
  sampleReply: string | null;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const C = Math.min(o.connections, o.messages);
  // autocannon splits `amount` evenly: connection c sends share(c) requests.
  const share = (c: number) => Math.floor(o.messages / C) + (c < o.messages % C ? 1 : 0);
  const now = Math.floor(Date.now() / 1000);
  const prepared: { path: string; body: string }[][] = [];
  for (let c = 0; c < C; c++) {
    const senders = o.sendersOf(c);
    // A few spare: autocannon builds a connection's next request before it knows it is done.
    prepared.push(Array.from({ length: share(c) + 3 }, (_, k) =>
      signedCallback(checkinMessage(senders[k % senders.length], `${o.msgPrefix}-${c}-${k}`), now)));
  }
  const next = new Array<number>(C).fill(0);
  const checkEvery = o.checkEvery ?? 50;
  let seen = 0;
  let repliesChecked = 0;
  let repliesRecorded = 0;
  let sampleReply: string | null = null;

  // Our own clock: autocannon's duration counts whole seconds of its ticker, too coarse for a run of
  // a few seconds (4,000 messages at ~1,000/s came out as 4.0 or 5.0 s).
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    // One URL per connection: autocannon gives connection i the i-th URL, which tells setupRequest whose turn it is.
    url: Array.from({ length: C }, (_, c) => `${o.baseUrl}${CALLBACK_PATH}?conn=${c}`),
    connections: C,
    amount: o.messages,
    pipelining: 1,
    timeout: 30,
    requests: [{
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest(req) {
        const c = Number(/[?&]conn=(\d+)/.exec(String(req.path))?.[1] ?? 0);
        const list = prepared[c];
        const r = list[Math.min(next[c]++, list.length - 1)];
        return { ...req, path: r.path, body: r.body };
      },
      onResponse(status, body) {
        lastAnswer = performance.now();
        if (status !== 200 || ++seen % checkEvery !== 0 || !body) return;
        repliesChecked++;
        try {
          const env = JSON.parse(body) as { encrypt: string; msgsignature: string; timestamp: number; nonce: string };
          if (env.msgsignature !== getSignature(BENCH_TOKEN, env.timestamp, env.nonce, env.encrypt)) return;
          const reply = JSON.parse(decrypt(BENCH_AES_KEY, env.encrypt).message) as { stream?: { content?: string }; text?: { content?: string } };
          const content = reply.stream?.content ?? reply.text?.content ?? '';
          sampleReply ??= content;
          if (content.includes('已记录')) repliesRecorded++;
        } catch { /* counted as checked, not recorded */ }
      },
    }],
  });
  const answered = result['2xx'] + result.non2xx;
  return {
    messages: o.messages, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    seconds: (lastAnswer - started) / 1000, perSecond: answered / ((lastAnswer - started) / 1000),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
    repliesChecked, repliesRecorded, sampleReply,
  };
}

export interface PacedResult { messages: number; ok: number; /** Not answered 200: by status or error. */ failed: Record<string, number>; rate: number; achievedPerSecond: number; connections: number; latencyMs: { p50: number; p90: number; p99: number; max: number } }

/**
 * Messages sent at a steady `rate` per second, evenly spaced, whatever the answers take (an open
 * loop, as people's phones do): the latency of a service that is not saturated. autocannon's own
 * rate option sends each second's share in a burst at the start of the second, so it is not used;
 * nor is fetch(), which costs ~0.4 ms of CPU per request here — on a 2-core machine shared with the
 * service and PostgreSQL that was 20 % of what the service had at 1,000/s (bench/raw-http.ts).
 */
export async function runPaced(o: { baseUrl: string; messages: number; rate: number; senders: string[]; msgPrefix: string; warmPrefix?: string }): Promise<PacedResult> {
  const now = Math.floor(Date.now() / 1000);
  const pool = new RawHttpPool(o.baseUrl);
  // Consecutive messages come from different people: one person's messages are handled in turn.
  const prepared = Array.from({ length: o.messages }, (_, i) => pool.prepare(signedCallback(checkinMessage(o.senders[i % o.senders.length], `${o.msgPrefix}-${i}`), now)));
  const latencies: number[] = [];
  let ok = 0;
  const inFlight: Promise<void>[] = [];
  const failed: Record<string, number> = {};
  const tally = (why: string | number) => { failed[why] = (failed[why] ?? 0) + 1; };
  const send = async (i: number) => {
    const t = performance.now();
    try {
      const { status } = await pool.post(prepared[i]);
      if (status === 200) ok++; else tally(status);
    } catch (err) { tally((err as Error).message); }
    latencies.push(performance.now() - t);
  };
  try {
    // Each sender checks in once first, untimed (not again in a later run of the same people): on
    // a working morning the service has seen them before (someone new costs two more short
    // statements). This also opens the client's first connections.
    const warm = o.warmPrefix === undefined ? [] : o.senders.map((u, i) => pool.prepare(signedCallback(checkinMessage(u, `${o.warmPrefix}-${i}`), now)));
    for (let i = 0; i < warm.length; i += 25) await Promise.all(warm.slice(i, i + 25).map((r) => pool.post(r)));
    const t0 = performance.now();
    for (let i = 0; i < o.messages;) {
      const due = Math.min(o.messages, Math.floor(((performance.now() - t0) * o.rate) / 1000) + 1);
      while (i < due) inFlight.push(send(i++));
      await new Promise((r) => setTimeout(r, 1));
    }
    const sentIn = (performance.now() - t0) / 1000;
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
    return { messages: o.messages, ok, failed, rate: o.rate, achievedPerSecond: o.messages / sentIn, connections: pool.connections, latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(latencies.at(-1) ?? 0) } };
  } finally {
    pool.close();
  }
}
