// A loopback proxy in front of the fake WeCom API (test/contract/fakes/wecom-api.ts) that
// simulates an outage: while it lasts, every message/send is answered with one of WeCom's
// failures in turn — HTTP 500, a hang (no answer until the client gives up or the outage
// ends, then the socket is dropped), errcode 45009 (frequency limit) and 42001 (token expired,
// which also makes the sender fetch a new token and try once more). gettoken is always passed
// through, so the drill measures the send path. Every message/send is recorded with its time.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { forward } from '../../test/fixtures/wecom-taps.ts';

export type OutageFailure = 'http500' | 'timeout' | 45009 | 42001;

export interface OutageProxy {
  url: string;
  /** message/send requests: when, to whom, and whether the outage answered it. */
  sends: { at: number; touser: string; failed: OutageFailure | null }[];
  start(ms: number): void;
  /** End time of the outage (ms since epoch), or null before start. */
  endsAt(): number | null;
  down(): boolean;
  close(): Promise<void>;
}

export async function startOutageProxy(upstreamUrl: string, failures: OutageFailure[] = ['http500', 'timeout', 45009, 42001]): Promise<OutageProxy> {
  const sends: OutageProxy['sends'] = [];
  let until: number | null = null;
  let turn = 0;
  const hanging = new Set<ServerResponse>();
  const down = () => until !== null && Date.now() < until;
  let endTimer: NodeJS.Timeout | null = null;

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (req.url?.startsWith('/cgi-bin/message/send')) {
        let touser = '';
        try { touser = String(JSON.parse(body.toString('utf8')).touser); } catch { /* recorded as '' */ }
        if (down()) {
          const how = failures[turn++ % failures.length];
          sends.push({ at: Date.now(), touser, failed: how });
          if (how === 'timeout') { hanging.add(res); res.on('close', () => hanging.delete(res)); return; }
          if (how === 'http500') { res.writeHead(500, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>'); return; }
          const errmsg = how === 45009 ? 'api freq out of limit' : 'access_token expired';
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: how, errmsg }));
          return;
        }
        sends.push({ at: Date.now(), touser, failed: null });
      }
      await forward(upstreamUrl, req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    sends,
    start(ms) {
      until = Date.now() + ms;
      // Requests still hanging when the outage ends are dropped (the client sees a reset).
      endTimer = setTimeout(() => { for (const r of hanging) r.socket?.destroy(); hanging.clear(); }, ms);
    },
    endsAt: () => until,
    down,
    close: () => new Promise<void>((resolve) => {
      if (endTimer) clearTimeout(endTimer);
      for (const r of hanging) r.socket?.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
