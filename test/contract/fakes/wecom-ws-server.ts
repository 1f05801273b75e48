// A fake WeCom AI-bot long-connection server on loopback that the OFFICIAL
// @wecom/aibot-node-sdk client connects to (through its wsUrl option). It speaks the protocol as
// the SDK expects it: JSON frames { cmd, headers: { req_id }, body }, acks { headers: { req_id },
// errcode, errmsg } for subscribe, ping and every respond/send frame (the SDK waits for them),
// callbacks pushed with a fresh req_id, and "a new connection kicks the old one". Frames that
// break the protocol are answered with an errcode and recorded in `violations`.
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import { streamHuge, type HugeStats } from './huge-body.ts';

// `ws` comes with the SDK; loaded untyped (no @types/ws in the project).
interface Socket {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(ev: 'message', fn: (data: Buffer) => void): void;
  on(ev: 'close', fn: () => void): void;
}
interface Server {
  on(ev: 'connection', fn: (ws: Socket) => void): void;
  on(ev: 'listening', fn: () => void): void;
  address(): { port: number };
  close(cb?: () => void): void;
  clients: Set<Socket>;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (o: { port: number; host: string; verifyClient?: (info: unknown, cb: (ok: boolean, code?: number) => void) => void }) => Server;
};

export interface Frame { cmd?: string; headers: { req_id: string; [k: string]: unknown }; body?: any; errcode?: number; errmsg?: string }

export const STREAM_LIMIT = 20480;
const bytes = (s: unknown) => Buffer.byteLength(String(s ?? ''), 'utf8');
const rid = (p: string) => `${p}_${Date.now()}_${randomBytes(4).toString('hex')}`;

interface Conn { ws: Socket; authed: boolean; id: number }
interface Pending { kind: 'msg' | 'enter_chat' | 'event'; at: number; finished: boolean; welcomed: boolean }

export interface FakeWecomWsServer {
  url: string;
  /** Every frame any client sent, in order. */
  received: Frame[];
  /** Frames answered with an errcode because they broke the protocol (tests expect none). */
  violations: string[];
  /** Successful aibot_subscribe count (1 + reconnects). */
  authCount(): number;
  /** Refuse WebSocket upgrades (HTTP 503): lets a client exhaust its reconnects. */
  refuseConnections: boolean;
  /** Answer every aibot_subscribe with 40058 (the bot disabled in the admin console, say). */
  rejectAuth: boolean;
  /** Answer the next aibot_send_msg frames with this errcode. */
  failSends(errcode: number, times?: number): void;
  /** Answer the next aibot_respond_msg frames with this errcode (e.g. 846608: the reply window has passed). */
  failReplies(errcode: number, times?: number): void;
  /** Send raw text as a frame on the live connection (broken or unknown frames). */
  pushRaw(data: string): void;
  pushMessage(body: Record<string, unknown>): string;
  pushEvent(eventtype: string, body?: Record<string, unknown>): string;
  /** aibot_respond_msg / aibot_respond_welcome_msg frames (optionally for one req_id). */
  replies(reqId?: string): Frame[];
  /** aibot_send_msg frames. */
  sends(): Frame[];
  /** Media uploaded over the connection (aibot_upload_media_init → chunk × N → finish), by media_id. */
  media: Map<string, { type: string; filename: string; data: Buffer }>;
  waitFor(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Drop the live connection(s) without a goodbye (network failure). */
  drop(): void;
  close(): Promise<void>;
}

export async function startFakeWecomWsServer(creds: { botId: string; secret: string }): Promise<FakeWecomWsServer> {
  const conns = new Set<Conn>();
  const pending = new Map<string, Pending>();
  const received: Frame[] = [];
  const violations: string[] = [];
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  let auths = 0;
  let nextId = 0;
  let sendFailures: { errcode: number; times: number } | null = null;
  let replyFailures: { errcode: number; times: number } | null = null;

  const fake = {} as FakeWecomWsServer;
  const wss = new WebSocketServer({
    port: 0, host: '127.0.0.1',
    verifyClient: (_info, cb) => (fake.refuseConnections ? cb(false, 503) : cb(true)),
  });
  await new Promise<void>((resolve) => wss.on('listening', resolve));

  const send = (ws: Socket, f: Frame) => { if (ws.readyState === 1) ws.send(JSON.stringify(f)); };
  const uploads = new Map<string, { type: string; filename: string; total: number; chunks: number; md5?: string; parts: Map<number, Buffer> }>();
  const ack = (c: Conn, reqId: string, errcode = 0, errmsg = 'ok') => send(c.ws, { headers: { req_id: reqId }, errcode, errmsg });
  const violate = (c: Conn, reqId: string, why: string) => { violations.push(why); ack(c, reqId, 40000, why); };
  const live = () => [...conns].find((c) => c.authed && c.ws.readyState === 1);

  wss.on('connection', (ws) => {
    const c: Conn = { ws, authed: false, id: ++nextId };
    conns.add(c);
    ws.on('close', () => conns.delete(c));
    ws.on('message', (data) => {
      let f: Frame;
      try { f = JSON.parse(data.toString()); } catch { violations.push('frame is not JSON'); return; }
      received.push(f);
      for (const w of [...waiters]) if (w.pred(f)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(f); }
      handle(c, f);
    });
  });

  function handle(c: Conn, f: Frame) {
    const reqId = f.headers?.req_id;
    if (typeof reqId !== 'string' || !reqId) { violations.push(`${f.cmd}: no headers.req_id`); return; }
    if (f.cmd === 'aibot_subscribe') {
      if (fake.rejectAuth || f.body?.bot_id !== creds.botId || f.body?.secret !== creds.secret) return ack(c, reqId, 40058, 'invalid bot_id or secret');
      // One live connection per bot: the old one is told and closed, as the real server does.
      for (const old of conns) {
        if (old !== c && old.authed) {
          send(old.ws, { cmd: 'aibot_event_callback', headers: { req_id: rid('event') }, body: { msgid: rid('msg'), msgtype: 'event', create_time: Math.floor(Date.now() / 1000), aibotid: creds.botId, event: { eventtype: 'disconnected_event' } } });
          old.authed = false;
          setTimeout(() => old.ws.close(1000, 'new connection'), 20);
        }
      }
      c.authed = true;
      auths++;
      return ack(c, reqId);
    }
    if (!c.authed) return violate(c, reqId, `${f.cmd} before aibot_subscribe`);
    switch (f.cmd) {
      case 'ping': return ack(c, reqId);
      case 'aibot_respond_msg': {
        const p = pending.get(reqId);
        if (!p) return violate(c, reqId, 'aibot_respond_msg: req_id of no callback');
        if (p.finished) return violate(c, reqId, 'aibot_respond_msg: stream already finished');
        const b = f.body ?? {};
        if (b.msgtype === 'stream') {
          if (typeof b.stream?.id !== 'string' || !b.stream.id) return violate(c, reqId, 'stream.id missing');
          if (bytes(b.stream.content) > STREAM_LIMIT) return violate(c, reqId, 'stream.content over 20480 bytes');
          if (b.stream.finish) p.finished = true;
        } else if (b.msgtype !== 'template_card' && b.msgtype !== 'stream_with_template_card') {
          return violate(c, reqId, `aibot_respond_msg: msgtype ${b.msgtype}`);
        }
        if (replyFailures && replyFailures.times > 0) {
          replyFailures.times--;
          p.finished = false;
          return ack(c, reqId, replyFailures.errcode, 'fail on demand');
        }
        return ack(c, reqId);
      }
      case 'aibot_respond_welcome_msg': {
        const p = pending.get(reqId);
        if (!p || p.kind !== 'enter_chat') return violate(c, reqId, 'welcome: req_id of no enter_chat event');
        if (p.welcomed || Date.now() - p.at > 5000) return violate(c, reqId, 'welcome: late or repeated');
        const b = f.body ?? {};
        if (!(b.msgtype === 'text' && typeof b.text?.content === 'string') && b.msgtype !== 'template_card') return violate(c, reqId, 'welcome: bad body');
        p.welcomed = true;
        return ack(c, reqId);
      }
      // Temporary media in three steps: init (type, filename, total_size, total_chunks ≤ 100, md5),
      // chunks of at most 512 kB before base64 (chunk_index from 0, as the SDK numbers them), finish:
      // the parts must add up to total_size and match the md5; an image is a PNG or JPG of ≤ 2 MB.
      case 'aibot_upload_media_init': {
        const b = f.body ?? {};
        if (!['image', 'file', 'voice', 'video'].includes(b.type)) return violate(c, reqId, `upload init: type ${b.type}`);
        if (typeof b.filename !== 'string' || !b.filename) return violate(c, reqId, 'upload init: filename missing');
        if (!(Number.isInteger(b.total_size) && b.total_size > 0 && Number.isInteger(b.total_chunks) && b.total_chunks >= 1 && b.total_chunks <= 100)) return violate(c, reqId, 'upload init: sizes');
        if (b.type === 'image' && b.total_size > 2 * 1024 * 1024) return ack(c, reqId, 40009, 'invalid image size');
        const id = rid('upload');
        uploads.set(id, { type: b.type, filename: b.filename, total: b.total_size, chunks: b.total_chunks, md5: b.md5, parts: new Map() });
        return send(c.ws, { headers: { req_id: reqId }, errcode: 0, errmsg: 'ok', body: { upload_id: id } });
      }
      case 'aibot_upload_media_chunk': {
        const b = f.body ?? {};
        const u = uploads.get(b.upload_id);
        if (!u) return violate(c, reqId, 'upload chunk: unknown upload_id');
        if (!(Number.isInteger(b.chunk_index) && b.chunk_index >= 0 && b.chunk_index < u.chunks)) return violate(c, reqId, `upload chunk: index ${b.chunk_index}`);
        const part = Buffer.from(String(b.base64_data ?? ''), 'base64');
        if (!part.length || part.length > 512 * 1024) return violate(c, reqId, `upload chunk: ${part.length} bytes`);
        u.parts.set(b.chunk_index, part);
        return ack(c, reqId);
      }
      case 'aibot_upload_media_finish': {
        const u = uploads.get(f.body?.upload_id);
        if (!u) return violate(c, reqId, 'upload finish: unknown upload_id');
        if (u.parts.size !== u.chunks) return violate(c, reqId, `upload finish: ${u.parts.size} of ${u.chunks} chunks`);
        const data = Buffer.concat([...u.parts.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => p));
        if (data.length !== u.total) return violate(c, reqId, 'upload finish: size differs from total_size');
        if (u.md5 && createHash('md5').update(data).digest('hex') !== u.md5) return violate(c, reqId, 'upload finish: md5 differs');
        const pic = data.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) || data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
        if (u.type === 'image' && !pic) return ack(c, reqId, 40005, 'invalid file type');
        uploads.delete(f.body.upload_id);
        const mediaId = rid('media');
        fake.media.set(mediaId, { type: u.type, filename: u.filename, data });
        return send(c.ws, { headers: { req_id: reqId }, errcode: 0, errmsg: 'ok', body: { type: u.type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) } });
      }
      case 'aibot_send_msg': {
        const b = f.body ?? {};
        if (typeof b.chatid !== 'string' || !b.chatid) return violate(c, reqId, 'send: chatid missing');
        if (b.msgtype === 'image' && fake.media.get(b.image?.media_id)?.type !== 'image') return violate(c, reqId, 'send: image media_id of no uploaded image');
        if (b.msgtype === 'markdown' && (typeof b.markdown?.content !== 'string' || bytes(b.markdown.content) > STREAM_LIMIT)) return violate(c, reqId, 'send: bad markdown');
        if (sendFailures && sendFailures.times > 0) {
          sendFailures.times--;
          return ack(c, reqId, sendFailures.errcode, 'fail on demand');
        }
        return ack(c, reqId);
      }
      default:
        return violate(c, reqId, `unknown cmd ${f.cmd}`);
    }
  }

  function push(cmd: string, kind: Pending['kind'], body: Record<string, unknown>): string {
    const c = live();
    if (!c) throw new Error('fake WeCom: no authenticated connection to push to');
    const reqId = rid(cmd);
    pending.set(reqId, { kind, at: Date.now(), finished: false, welcomed: false });
    send(c.ws, { cmd, headers: { req_id: reqId }, body });
    return reqId;
  }

  Object.assign(fake, {
    media: new Map(),
    url: `ws://127.0.0.1:${wss.address().port}`,
    received,
    violations,
    refuseConnections: false,
    rejectAuth: false,
    authCount: () => auths,
    failSends(errcode: number, times = 1) { sendFailures = { errcode, times }; },
    failReplies(errcode: number, times = 1) { replyFailures = { errcode, times }; },
    pushRaw(data: string) {
      const c = live();
      if (!c) throw new Error('fake WeCom: no authenticated connection to push to');
      c.ws.send(data);
    },
    pushMessage(body: Record<string, unknown>) {
      return push('aibot_msg_callback', 'msg', {
        msgid: rid('msg'), aibotid: creds.botId, chattype: 'single', create_time: Math.floor(Date.now() / 1000),
        from: { userid: 'zhangsan' }, msgtype: 'text', ...body,
      });
    },
    pushEvent(eventtype: string, body: Record<string, unknown> = {}) {
      return push('aibot_event_callback', eventtype === 'enter_chat' ? 'enter_chat' : 'event', {
        msgid: rid('msg'), aibotid: creds.botId, chattype: 'single', create_time: Math.floor(Date.now() / 1000),
        from: { userid: 'zhangsan' }, msgtype: 'event', event: { eventtype }, ...body,
      });
    },
    replies: (reqId?: string) => received.filter((f) => (f.cmd === 'aibot_respond_msg' || f.cmd === 'aibot_respond_welcome_msg') && (!reqId || f.headers.req_id === reqId)),
    sends: () => received.filter((f) => f.cmd === 'aibot_send_msg'),
    waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000) {
      const seen = received.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<Frame>((resolve, reject) => {
        const w = { pred, resolve: (f: Frame) => { clearTimeout(t); resolve(f); } };
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error('fake WeCom: no matching frame in time')); }, timeoutMs);
        waiters.push(w);
      });
    },
    drop() { for (const c of conns) c.ws.terminate(); },
    close: () => new Promise<void>((resolve) => { for (const c of conns) c.ws.terminate(); wss.close(() => resolve()); }),
  });
  return fake;
}

/**
 * WeCom's media download, as the AI bot's long connection hands it out: a URL (valid for minutes)
 * serving the file encrypted with AES-256-CBC under a per-URL aeskey (base64 of 32 bytes; the IV
 * is the key's first 16 bytes; PKCS#7 padding to a multiple of 32 bytes) — what the SDK's
 * WSClient.downloadFile(url, aeskey) fetches and decrypts.
 */
export interface FakeWecomMedia {
  /**
   * Serve `data` encrypted; returns the message's url and aeskey. `encodingAesKey`: encrypt with
   * the callback-mode bot's EncodingAESKey instead (43 characters, base64 without its "=").
   */
  serve(data: Buffer, opts?: { filename?: string; expired?: boolean; encodingAesKey?: string }): { url: string; aeskey: string };
  /** A URL serving `total` bytes (see huge-body.ts); `stats()` says how much was sent once it is fetched. */
  serveHuge(total: number, o: { declareLength: boolean }): { url: string; aeskey: string; stats(): HugeStats | undefined };
  /** How many downloads were made. */
  downloads(): number;
  close(): Promise<void>;
}

export async function startFakeWecomMedia(): Promise<FakeWecomMedia> {
  const { createServer } = await import('node:http');
  const { createCipheriv } = await import('node:crypto');
  const files = new Map<string, { body: Buffer; filename?: string; expired: boolean }>();
  const huge = new Map<string, { total: number; declareLength: boolean; stats?: HugeStats }>();
  let count = 0;
  const server = createServer((req, res) => {
    count++;
    const id = new URL(req.url ?? '/', 'http://x').pathname.split('/').pop() ?? '';
    const h = huge.get(id);
    if (h) { h.stats = streamHuge(res, h.total, { declareLength: h.declareLength }); return; }
    const f = files.get(id);
    if (!f || f.expired) { res.writeHead(403, { 'content-type': 'text/plain' }).end('url expired'); return; }
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(f.body.length) };
    if (f.filename) headers['content-disposition'] = `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`;
    res.writeHead(200, headers).end(f.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    serve(data, opts = {}) {
      const key = opts.encodingAesKey ? Buffer.from(`${opts.encodingAesKey}=`, 'base64') : randomBytes(32);
      const pad = 32 - (data.length % 32);
      const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
      cipher.setAutoPadding(false);
      const body = Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()]);
      const id = randomBytes(8).toString('hex');
      files.set(id, { body, filename: opts.filename, expired: !!opts.expired });
      return { url: `${base}/cgi-bin/media/${id}`, aeskey: key.toString('base64') };
    },
    serveHuge(total, o) {
      const id = randomBytes(8).toString('hex');
      huge.set(id, { total, declareLength: o.declareLength });
      return { url: `${base}/cgi-bin/media/${id}`, aeskey: randomBytes(32).toString('base64'), stats: () => huge.get(id)!.stats };
    },
    downloads: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
