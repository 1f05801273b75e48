// Workarounds for dingtalk-stream 2.1.5 (the latest release), kept in one place. Checked
// against node_modules/dingtalk-stream/dist/client.mjs:
// 1. Reconnect storm: when the WebSocket fails to open, both its 'error' path (connect()'s
//    catch) and its 'close' handler schedule a reconnect, so attempts double every second
//    (1, 3, 7, 15, 31, 63 gateway calls in 6 s against a blocked wss host). So the package's
//    autoReconnect is switched off and the adapter reconnects itself, with backoff.
// 2. With keepAlive, a socket closed by the server leaves its heartbeat interval running; each
//    reconnect would add one more, and two of them can kill a healthy socket. Clear it before
//    reconnecting.
// 3. A WebSocket handshake that hangs never settles connect(): terminate it after a while.
// 4. connect() replaces `socket` without closing the old one. After DingTalk's `disconnect`
//    notice the old socket is still open (the server closes it ~10 s later): left alone it keeps
//    its listeners, so its close marks the new connection down (a second reconnect orphans that
//    one) and whatever it receives is ACKed on the other socket. Close it, deaf, first.
import { DWClient } from 'dingtalk-stream';

interface Socket {
  readyState: number;
  terminate(): void;
  close(): void;
  removeAllListeners(): void;
  on(ev: 'error', fn: () => void): void;
  once(ev: 'close', fn: () => void): void;
}
interface Internals { heartbeatIntervallId?: NodeJS.Timeout; socket?: Socket }

const CLOSED = 3; // WebSocket.CLOSED

/** Close the client's socket with its listeners removed first, and wait (a while) until it is closed. */
export async function dropSocket(client: DWClient, waitMs = 5_000): Promise<void> {
  const internals = client as unknown as Internals;
  const old = internals.socket;
  if (!old) return;
  internals.socket = undefined;
  old.removeAllListeners();
  old.on('error', () => {}); // a late error on a socket nobody listens to must not crash the process
  if (old.readyState === CLOSED) return;
  const closed = new Promise<void>((r) => old.once('close', r));
  old.close();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((r) => { timer = setTimeout(() => { old.terminate(); r(); }, waitMs); });
  await Promise.race([closed, late]);
  clearTimeout(timer);
}

export function newClient(clientId: string, clientSecret: string): DWClient {
  // keepAlive: ping every 8 s and drop a half-open socket (then the adapter reconnects).
  // debug stays off: the package's debug output prints every frame (message text, sender ids)
  // to the console, past our logger.
  const client = new DWClient({ clientId, clientSecret, keepAlive: true, debug: false });
  takeOverReconnects(client);
  return client;
}

export function takeOverReconnects(client: DWClient) {
  client.config.autoReconnect = false;
}

/** One connection attempt (gateway ticket, then the socket); never rejects. */
export async function openOnce(client: DWClient, handshakeTimeoutMs = 30_000): Promise<void> {
  const internals = client as unknown as Internals;
  if (internals.heartbeatIntervallId) clearInterval(internals.heartbeatIntervallId);
  internals.heartbeatIntervallId = undefined;
  await dropSocket(client);
  client.connected = false;
  const guard = setTimeout(() => internals.socket?.terminate(), handshakeTimeoutMs);
  try {
    await client.connect();
  } finally {
    clearTimeout(guard);
  }
}
