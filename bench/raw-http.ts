// A lean HTTP/1.1 client for the paced run: requests serialised before the clock starts, written
// to keep-alive sockets, answers read by Content-Length. The load generator shares the machine's
// two cores with the service and PostgreSQL, so every millisecond it spends is one the service
// does not get: fetch() costs ~0.4 ms of CPU per request here, this ~0.1 ms.
import net from 'node:net';

export interface RawRequest { path: string; body: string }
export interface RawAnswer { status: number; body: Buffer }

class Conn {
  private socket: net.Socket;
  private buf = Buffer.alloc(0);
  private pending: ((a: RawAnswer | Error) => void) | null = null;
  closed = false;
  /** When the last answer came: a connection idle past the server's keep-alive timeout is not reused. */
  freedAt = 0;
  constructor(host: string, port: number, private onFree: (c: Conn) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d) => { this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d; this.parse(); });
    this.socket.on('error', (e) => this.fail(e));
    this.socket.on('close', () => this.fail(new Error('connection closed')));
  }
  private fail(e: Error) { this.closed = true; const p = this.pending; this.pending = null; p?.(e); }
  send(head: Buffer, body: Buffer, done: (a: RawAnswer | Error) => void) {
    this.pending = done;
    this.socket.cork(); this.socket.write(head); this.socket.write(body); this.socket.uncork();
  }
  private parse() {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = this.buf.subarray(0, end).toString('latin1');
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    // The service always answers with a length; anything else is a failure to see, not to guess at.
    if (!m) { this.close(); this.fail(new Error(`answer without Content-Length: ${head.split('\r\n')[0]}`)); return; }
    const len = Number(m[1]);
    if (this.buf.length < end + 4 + len) return;
    const status = Number(head.slice(9, 12));
    const body = this.buf.subarray(end + 4, end + 4 + len);
    this.buf = this.buf.subarray(end + 4 + len);
    if (/\r\nconnection:\s*close/i.test(head)) this.close();
    const p = this.pending; this.pending = null;
    this.freedAt = performance.now();
    p?.({ status, body });
    this.onFree(this);
  }
  close() { this.closed = true; this.socket.destroy(); }
}

const KEEP_ALIVE_MS = 4000;

/** A pool of keep-alive connections to one server: a request takes an idle one or opens another. */
export class RawHttpPool {
  private idle: Conn[] = [];
  private all = new Set<Conn>();
  private host: string;
  private port: number;
  constructor(baseUrl: string) {
    const u = new URL(baseUrl);
    this.host = u.hostname; this.port = Number(u.port);
  }
  /** Serialise a POST of JSON before the clock starts. */
  prepare(r: RawRequest): { head: Buffer; body: Buffer } {
    const body = Buffer.from(r.body);
    const head = Buffer.from(`POST ${r.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`, 'latin1');
    return { head, body };
  }
  post(req: { head: Buffer; body: Buffer }): Promise<RawAnswer> {
    let c = this.idle.pop();
    // Node's server closes a keep-alive connection after 5 s idle; writing as it closes loses the
    // request. Like undici, give up on a connection a second before that instead.
    const stale = performance.now() - KEEP_ALIVE_MS;
    while (c && (c.closed || c.freedAt < stale)) { if (!c.closed) c.close(); c = this.idle.pop(); }
    if (!c) { c = new Conn(this.host, this.port, (x) => { if (!x.closed) this.idle.push(x); }); this.all.add(c); }
    const conn = c;
    return new Promise((resolve, reject) => conn.send(req.head, req.body, (a) => (a instanceof Error ? reject(a) : resolve(a))));
  }
  /** Connections opened so far. */
  get connections() { return this.all.size; }
  close() { for (const c of this.all) c.close(); this.all.clear(); this.idle = []; }
}
