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
import { DWClient } from 'dingtalk-stream';

interface Internals { heartbeatIntervallId?: NodeJS.Timeout; socket?: { terminate(): void } }

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
  const guard = setTimeout(() => internals.socket?.terminate(), handshakeTimeoutMs);
  try {
    await client.connect();
  } finally {
    clearTimeout(guard);
  }
}
