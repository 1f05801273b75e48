// A fake DingTalk Stream endpoint on loopback for the official `dingtalk-stream` client. It
// speaks the Stream protocol (open.dingtalk.com "Stream 模式协议接入说明"): downstream frames
// { specVersion, type: SYSTEM | EVENT | CALLBACK, headers: { messageId, topic, … }, data }, each
// answered by the client with { code: 200, headers: { messageId }, message, data }; SYSTEM `ping`
// (answered with the same headers and data) and SYSTEM `disconnect`, sent before the server closes
// a connection (about 10 s later) so that the client opens a new one in the meantime — the old
// connection carries no new messages after it. Every socket, its answers and the order in which
// sockets opened and closed are recorded, so a test can see which socket answered what.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { DWClient, type DWClientDownStream } from 'dingtalk-stream';

interface Socket {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(ev: 'message', fn: (data: Buffer) => void): void;
  on(ev: 'close', fn: () => void): void;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (o: { port: number; host: string }) => NodeJS.EventEmitter & {
    address(): { port: number }; clients: Set<Socket>; close(cb: () => void): void;
  };
};

export interface Answer { code: number; headers: { messageId: string; [k: string]: unknown }; message: string; data: string }

export interface StreamSocket {
  /** 1, 2, 3… in the order the client connected. */
  n: number;
  ticket: string;
  open: boolean;
  /** Closed by the client (a close frame or a drop it started), not by the server. */
  closedByClient: boolean;
  /** Everything the client sent on this socket (ACKs, ping answers). */
  answers: Answer[];
  /** messageIds of the frames sent down this socket. */
  delivered: string[];
  ws: Socket;
}

export interface FakeDingTalkStream {
  sockets: StreamSocket[];
  /** 'open 1', 'close 1', 'open 2'…: the order things happened in. */
  events: string[];
  /** The most sockets open at the same moment. */
  maxOpen: number;
  openSockets(): StreamSocket[];
  /** Push a frame down a socket (default: the newest open one); returns the frame. */
  send(frame: DWClientDownStream, on?: StreamSocket): DWClientDownStream;
  /** SYSTEM ping; the client must answer on the same socket. Returns its messageId. */
  ping(on?: StreamSocket): string;
  /** SYSTEM disconnect: the server will close this socket soon; the client should open another. */
  disconnectNotice(on?: StreamSocket): void;
  /** The server closes the socket (what it does ~10 s after the disconnect notice). */
  serverClose(on: StreamSocket): void;
  /** A DWClient whose gateway call (a fixed api.dingtalk.com URL) returns this endpoint and a fresh ticket. */
  client(clientId: string, clientSecret: string): DWClient;
  close(): Promise<void>;
}

export async function startFakeDingTalkStream(): Promise<FakeDingTalkStream> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${wss.address().port}`;
  const sockets: StreamSocket[] = [];
  const events: string[] = [];
  let serverClosing: StreamSocket | null = null;
  const fake: FakeDingTalkStream = {
    sockets, events, maxOpen: 0,
    openSockets: () => sockets.filter((s) => s.open),
    send(frame, on) {
      const s = on ?? newest();
      s.delivered.push(frame.headers.messageId);
      s.ws.send(JSON.stringify(frame));
      return frame;
    },
    ping(on) {
      const messageId = randomUUID();
      fake.send(system('ping', messageId, JSON.stringify({ opaque: messageId })), on);
      return messageId;
    },
    disconnectNotice(on) {
      fake.send(system('disconnect', randomUUID(), JSON.stringify({ reason: 'server maintenance' })), on);
    },
    serverClose(s) {
      if (!s.open) return;
      serverClosing = s;
      s.ws.close(1000, 'bye');
    },
    client(clientId, clientSecret) {
      const c = new DWClient({ clientId, clientSecret });
      (c as unknown as { getEndpoint(): Promise<unknown> }).getEndpoint = async function (this: { dw_url: string }) {
        this.dw_url = `${url}?ticket=${randomUUID()}`;
        return this;
      };
      return c;
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
  const newest = () => {
    const s = fake.openSockets().at(-1);
    if (!s) throw new Error('no open Stream socket');
    return s;
  };
  wss.on('connection', (ws: Socket, req: { url?: string }) => {
    const s: StreamSocket = {
      n: sockets.length + 1, ticket: new URL(req.url ?? '/', url).searchParams.get('ticket') ?? '',
      open: true, closedByClient: false, answers: [], delivered: [], ws,
    };
    sockets.push(s);
    events.push(`open ${s.n}`);
    fake.maxOpen = Math.max(fake.maxOpen, fake.openSockets().length);
    ws.on('message', (d) => { s.answers.push(JSON.parse(d.toString())); });
    ws.on('close', () => {
      s.open = false;
      s.closedByClient = serverClosing !== s;
      events.push(`close ${s.n}`);
    });
  });
  return fake;
}

function system(topic: string, messageId: string, data: string): DWClientDownStream {
  return {
    specVersion: '1.0', type: 'SYSTEM',
    headers: { appId: 'app-1', connectionId: 'conn-1', contentType: 'application/json', messageId, time: String(Date.now()), topic },
    data,
  };
}
