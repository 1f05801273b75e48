// Drill: fuzzed bodies on every inbound route of the real HTTP app (loadConfig → createPlatforms
// → createApp → createHttpApp, every callback platform on in HTTP mode, the REST API with a
// token, the CLI endpoint with its secret). Random bytes, truncated JSON and XML, huge fields,
// wrong encodings (GBK, UTF-16, invalid UTF-8), forged and borrowed signatures, stale timestamps
// and replays of captured requests, signed payloads with fields of the wrong type, from a seeded
// PRNG. Expected: every request refused with a 4xx — except an exact WeCom replay inside the
// signature window, which WeCom itself does when it retries, and which is answered 200 as a
// duplicate (DingTalk's sign covers only the timestamp, so a used DingTalk header pair is
// refused, with any body) — no 5xx, no crash, not one row written in any table. Then one valid
// 256 kB message on every inbound path: accepted, the longest event-loop stall under 50 ms,
// /healthz answering throughout.
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { encrypt, getSignature } from '@wecom/crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { eq } from 'drizzle-orm';
import type { Database } from '../src/db/client.ts';
import { identities, members } from '../src/db/schema.ts';
import { dingTalkSign } from '../src/platforms/dingtalk/http.ts';
import { startFakeWecomApi } from '../test/contract/fakes/wecom-api.ts';
import { startFakeDingTalk } from '../test/contract/fakes/dingtalk-api.ts';
import { countsDiff, startInProcessService, tableCounts } from './lib/inprocess.ts';
import { rng as seeded, type Rng } from './lib/prng.ts';

export interface FuzzOptions { count: number; seed: number; database: Database; redisUrl: string; concurrency?: number }

export interface FuzzResult {
  sent: number;
  /** route → status → count */
  statuses: Record<string, Record<string, number>>;
  /** kind → count */
  kinds: Record<string, number>;
  /** Requests answered outside what their kind expects (first 20). */
  unexpected: { route: string; kind: string; status: number | string }[];
  unexpectedCount: number;
  fiveXx: number;
  noResponse: number;
  /** Keep-alive sockets reset under the client and resent once (not failures of the route). */
  resets: number;
  replays: number;
  uncaught: number;
  healthyAfter: boolean;
  rowsWritten: Record<string, number>;
  tables: number;
  ms: number;
  /** Which optional routes existed when the drill ran. */
  optionalRoutes: Record<string, boolean>;
  /** After the fuzz: one valid 256 kB message on every inbound path, from a bound member. */
  big: BigResult;
}

export interface BigResult {
  /** route → status (200 expected: accepted at the transport; the bot caps the text). */
  statuses: Record<string, number | string>;
  /** The longest event-loop stall while they were handled (target: under 50 ms). */
  maxStallMs: number;
  /** /healthz answers while they were in flight, and the slowest of them. */
  healthzDuring: number;
  healthzMaxMs: number;
  /** 5xx or no answer from /healthz while they were in flight. */
  healthzFailed: number;
  ms: number;
}

/** The size of the long messages: 256 kB of UTF-8 text. */
export const BIG_TEXT_BYTES = 256 * 1024;
/**
 * 256 kB of text at its worst for a tokenizer: a check-in followed by nothing but unclosed 「
 * (the text that froze the process for 35 s at 120 kB).
 */
export function bigText(): string {
  const head = '打卡 学习「';
  return head + '「长'.repeat(Math.floor((BIG_TEXT_BYTES - Buffer.byteLength(head)) / Buffer.byteLength('「长')));
}

const WECOM_BOT = { token: 'drillBotToken', aes: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
const WECOM_APP = { token: 'drillAppToken', aes: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', corpId: 'wwdrillcorp', agentId: 1000002, secret: 'drill-app-secret' };
const ADMIN_TOKEN = 'drill-admin-token-0123456789abcdef';

interface Req { route: string; kind: string; method: string; path: string; headers?: Record<string, string>; body?: Buffer | string; expect: '4xx' | 'replay' }

const nowS = () => Math.floor(Date.now() / 1000);

/** WeCom's encryption with raw bytes as the message (invalid UTF-8, GBK…) and a chosen length field. */
function sealBytes(aes: string, msg: Buffer, receiveId: string, lengthField = msg.length): string {
  const key = Buffer.from(`${aes}=`, 'base64');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(lengthField >>> 0, 0);
  const plain = Buffer.concat([randomBytes(16), len, msg, Buffer.from(receiveId)]);
  const pad = 32 - (plain.length % 32);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]).toString('base64');
}

function wecomQuery(token: string, ciphertext: string, o: { timestamp?: string; nonce?: string; signature?: string | null } = {}) {
  const timestamp = o.timestamp ?? String(nowS());
  const nonce = o.nonce ?? randomBytes(5).toString('hex');
  const signature = o.signature === undefined ? getSignature(token, timestamp, nonce, ciphertext) : o.signature;
  return new URLSearchParams({ timestamp, nonce, ...(signature === null ? {} : { msg_signature: signature }) }).toString();
}

const aibotMessage = (r: Rng) => ({
  msgid: `fz-${r.str(16)}`, aibotid: 'aib-drill', chattype: 'single', from: { userid: `fuzz-${r.int(1, 50)}` },
  msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' },
});
const appXml = (r: Rng) => `<xml><ToUserName><![CDATA[${WECOM_APP.corpId}]]></ToUserName><FromUserName><![CDATA[fuzz-${r.int(1, 50)}]]></FromUserName>`
  + `<CreateTime>${nowS()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[打卡 学习《党章》 1小时]]></Content>`
  + `<MsgId>${r.int(1e9, 9e9)}${r.int(1e8, 9e8)}</MsgId><AgentID>${WECOM_APP.agentId}</AgentID></xml>`;
const appEnvelope = (ciphertext: string) =>
  `<xml><ToUserName><![CDATA[${WECOM_APP.corpId}]]></ToUserName><Encrypt><![CDATA[${ciphertext}]]></Encrypt><AgentID><![CDATA[${WECOM_APP.agentId}]]></AgentID></xml>`;
const dingMessage = (r: Rng) => ({
  conversationId: `cid${r.str(12)}==`, chatbotCorpId: 'dingcorp', msgId: `msg${r.str(24)}`, senderNick: '张三',
  senderStaffId: `fuzz-${r.int(1, 50)}`, sessionWebhookExpiredTime: Date.now() + 90 * 60_000, createAt: Date.now(),
  conversationType: '1', senderId: '$:LWCP_v1:$fuzz', robotCode: 'ding-app-key', msgtype: 'text', text: { content: '打卡 学习《党章》 1小时' },
});

/** Bytes that are not valid UTF-8: lone continuation, overlong, surrogate, truncated sequences, 0xFF. */
function invalidUtf8(r: Rng, n: number): Buffer {
  const bad = [[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe6, 0x89], [0xff], [0xfe], [0xc3, 0x28], [0xf8, 0x88, 0x80, 0x80, 0x80]];
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) parts.push(r.chance(0.5) ? Buffer.from(r.pick(bad)) : Buffer.from(r.str(r.int(1, 4))));
  return Buffer.concat(parts);
}

const truncate = (r: Rng, s: string | Buffer) => {
  const b = Buffer.isBuffer(s) ? s : Buffer.from(s);
  return b.subarray(0, r.int(0, Math.max(0, b.length - 1)));
};
const gbk = (s: string) => iconv.encode(s, 'gbk');
const contentTypes = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=gbk', 'text/xml', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '', 'application/json; charset=utf-16'];

/** One fuzzed request per call, chosen by the PRNG. */
function makeGenerators(captured: Captured, optional: { files: boolean; queues: boolean }) {
  const AIBOT = '/wecom/aibot/callback';
  const APP = '/wecom/app/callback';
  const DING = '/dingtalk/callback';
  type Gen = (r: Rng) => Req;

  const aibot: Gen[] = [
    (r) => ({ route: `POST ${AIBOT}`, kind: 'random bytes', method: 'POST', path: `${AIBOT}?${r.chance(0.5) ? wecomQuery(WECOM_BOT.token, r.str(40)) : r.str(20)}`,
      headers: { 'content-type': r.pick(contentTypes) }, body: r.bytes(r.int(0, 4096)), expect: '4xx' }),
    (r) => { // a real callback cut short
      const c = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      return { route: `POST ${AIBOT}`, kind: 'truncated JSON', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c)}`,
        headers: { 'content-type': 'application/json' }, body: truncate(r, JSON.stringify({ encrypt: c })), expect: '4xx' };
    },
    (r) => { // signed, but the encrypted payload is truncated JSON / an array / UTF-16 / GBK with a full-width space first
      const m = JSON.stringify(aibotMessage(r));
      const payload = r.pick([
        () => truncate(r, m), () => Buffer.from(`[${m}]`), () => Buffer.from(m, 'utf16le'), () => Buffer.concat([Buffer.from([0xa1, 0xa1]), gbk(m)]),
        () => invalidUtf8(r, 30), () => r.bytes(r.int(0, 300)), () => Buffer.from('null'), () => Buffer.from('"打卡"'),
      ])();
      const c = sealBytes(WECOM_BOT.aes, payload, '');
      return { route: `POST ${AIBOT}`, kind: 'signed, bad payload', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c)}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }), expect: '4xx' };
    },
    (r) => { // signed, ciphertext corrupted or with a lying length field / another receive id
      const m = Buffer.from(JSON.stringify(aibotMessage(r)));
      const c = r.pick([
        () => sealBytes(WECOM_BOT.aes, m, 'wwsomeothercorp'),
        () => sealBytes(WECOM_BOT.aes, m, '', r.int(0, m.length - 1)),
        () => r.bytes(r.int(1, 200)).toString('base64'),
        () => encrypt(WECOM_BOT.aes, m.toString(), '').slice(0, r.int(1, 100)),
        () => `${r.str(30)}!!${r.str(10)}`,
      ])();
      return { route: `POST ${AIBOT}`, kind: 'signed, bad ciphertext', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c)}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }), expect: '4xx' };
    },
    (r) => { // huge fields
      const which = r.int(0, 3);
      const c = which === 0 ? r.str(r.int(530_000, 800_000)) : encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      const q = which === 1 ? new URLSearchParams({ timestamp: String(nowS()), nonce: r.str(9000), msg_signature: r.str(40) }).toString()
        : which === 2 ? new URLSearchParams({ timestamp: r.str(5000, '0123456789'), nonce: 'x', msg_signature: r.str(40) }).toString()
          : wecomQuery(WECOM_BOT.token, c);
      const body = which === 3 ? JSON.stringify({ encrypt: c, pad: r.str(r.int(530_000, 800_000)) }) : JSON.stringify({ encrypt: c });
      return { route: `POST ${AIBOT}`, kind: 'huge fields', method: 'POST', path: `${AIBOT}?${q}`, headers: { 'content-type': 'application/json' }, body, expect: '4xx' };
    },
    (r) => { // wrong encodings of the envelope itself
      const c = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      const body = r.pick([
        () => gbk(JSON.stringify({ encrypt: `${c}打卡` })), () => Buffer.from(JSON.stringify({ encrypt: c }), 'utf16le'),
        () => Buffer.concat([Buffer.from('{"encrypt":"'), invalidUtf8(r, 20), Buffer.from('"}')]),
        () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ encrypt: c }))]),
      ])();
      return { route: `POST ${AIBOT}`, kind: 'wrong encoding', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c)}`,
        // The declared charset never matches the bytes (a UTF-16 body that says so is a valid request).
        headers: { 'content-type': r.pick(['application/json', 'application/json; charset=gbk', 'application/json; charset=utf-8']) }, body, expect: '4xx' };
    },
    (r) => { // a signature taken from another callback
      const a = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      const b = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      return { route: `POST ${AIBOT}`, kind: 'signature of another body', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, a)}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: b }), expect: '4xx' };
    },
    (r) => { // correctly signed, but the timestamp is outside the window (a capture replayed later, or a clock far off)
      const c = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      const ts = String(nowS() + (r.chance(0.8) ? -r.int(601, 30 * 86400) : r.int(601, 86400)));
      return { route: `POST ${AIBOT}`, kind: 'stale timestamp', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c, { timestamp: ts })}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }), expect: '4xx' };
    },
    (r) => { // forged or malformed query
      const c = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
      const q = r.pick([
        () => wecomQuery(WECOM_BOT.token, c, { signature: r.str(40, '0123456789abcdef') }),
        () => wecomQuery('not-the-token', c), () => wecomQuery(WECOM_BOT.token, c, { signature: null }),
        () => wecomQuery(WECOM_BOT.token, c, { timestamp: r.pick(['-1', '1e9', ' 17', '0x10', '']) }),
        () => `msg_signature=${r.str(40)}&timestamp=%ZZ&nonce=%E4%B8`, () => `msg_signature[]=a&msg_signature[]=b&timestamp=${nowS()}&nonce=n`,
      ])();
      return { route: `POST ${AIBOT}`, kind: 'forged signature', method: 'POST', path: `${AIBOT}?${q}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }), expect: '4xx' };
    },
    (r) => { // signed and encrypted, one field of the wrong type (text.content as an object answered 500 once)
      const m: Record<string, unknown> = aibotMessage(r);
      const [k, v] = r.pick<[string, unknown]>([['text', { content: { a: '打卡' } }], ['text', { content: ['打卡'] }], ['from', { userid: r.int(1, 99) }], ['msgid', r.int(1, 1e6)],
        ['chattype', 1], ['mixed', { msg_item: '打卡' }], ['image', { url: 5 }], ['response_url', { href: 'x' }], ['from', 'zhangsan'], ['text', '打卡']]);
      const c = encrypt(WECOM_BOT.aes, JSON.stringify({ ...m, [k]: v, ...(k === 'mixed' ? { msgtype: 'mixed' } : k === 'image' ? { msgtype: 'image' } : {}) }), '');
      return { route: `POST ${AIBOT}`, kind: 'signed, wrong field types', method: 'POST', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, c)}`,
        headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: c }), expect: '4xx' };
    },
    () => ({ ...captured.aibot, route: `POST ${AIBOT}`, kind: 'replay inside the window', expect: 'replay' }),
  ];

  const aibotGet: Gen[] = [
    (r) => ({ route: `GET ${AIBOT}`, kind: 'random query', method: 'GET', path: `${AIBOT}?${r.pick([
      () => r.str(r.int(0, 300)), () => `msg_signature=${r.str(40)}&timestamp=${nowS()}&nonce=${r.str(6)}&echostr=${r.str(r.int(0, 200))}`,
      () => `echostr=${encodeURIComponent(encrypt(WECOM_BOT.aes, '123', ''))}`, () => `echostr=%FF%FE&msg_signature=%C0%AF`,
    ])()}`, expect: '4xx' }),
    (r) => { // signed echostr that does not decrypt, or belongs to another receive id, or is huge
      // (Not random ciphertext: the AI bot's receive id is '', so @wecom/crypto's lenient decrypt can
      // "open" signed garbage and the URL check echoes it — harmless, only a token holder can sign.)
      const echostr = r.pick([() => r.bytes(r.int(1, 15)).toString('base64'), () => sealBytes(WECOM_BOT.aes, Buffer.from('123'), 'wwother'),
        () => sealBytes(WECOM_BOT.aes, Buffer.from('1234'), '', 2), () => sealBytes(WECOM_BOT.aes, r.bytes(r.int(7_000, 10_000)), 'wwother')])();
      return { route: `GET ${AIBOT}`, kind: 'signed, bad echostr', method: 'GET', path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, echostr)}&echostr=${encodeURIComponent(echostr)}`, expect: '4xx' };
    },
    (r) => {
      const echostr = encrypt(WECOM_BOT.aes, String(r.int(1, 1e9)), '');
      return { route: `GET ${AIBOT}`, kind: 'signature of another echostr', method: 'GET',
        path: `${AIBOT}?${wecomQuery(WECOM_BOT.token, encrypt(WECOM_BOT.aes, 'x', ''))}&echostr=${encodeURIComponent(echostr)}`, expect: '4xx' };
    },
  ];

  const app: Gen[] = [
    (r) => ({ route: `POST ${APP}`, kind: 'random bytes', method: 'POST', path: `${APP}?${r.chance(0.5) ? wecomQuery(WECOM_APP.token, r.str(40)) : r.str(10)}`,
      headers: { 'content-type': r.pick(contentTypes) }, body: r.bytes(r.int(0, 4096)), expect: '4xx' }),
    (r) => { // a real callback cut short
      const c = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      return { route: `POST ${APP}`, kind: 'truncated XML', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body: truncate(r, appEnvelope(c)), expect: '4xx' };
    },
    (r) => { // signed, the decrypted payload is no message: truncated, entities, another encoding
      const x = appXml(r);
      const payload = r.pick([
        () => truncate(r, x), () => Buffer.from(`<!DOCTYPE xml [<!ENTITY a "${'A'.repeat(50)}"><!ENTITY b "&a;&a;&a;&a;">]><xml>&b;</xml>`),
        () => Buffer.from(x, 'utf16le'), () => invalidUtf8(r, 40), () => r.bytes(r.int(0, 400)), () => Buffer.from('<notxml/>'),
        () => Buffer.from(`<xml>${'<a>'.repeat(r.int(100, 3000))}</xml>`),
      ])();
      const c = sealBytes(WECOM_APP.aes, payload, WECOM_APP.corpId);
      return { route: `POST ${APP}`, kind: 'signed, bad payload', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body: appEnvelope(c), expect: '4xx' };
    },
    (r) => { // signed ciphertext for another corp, or with a lying length
      const m = Buffer.from(appXml(r));
      const c = r.pick([() => sealBytes(WECOM_APP.aes, m, 'wwanothercorp'), () => sealBytes(WECOM_APP.aes, m, WECOM_APP.corpId, r.int(0, m.length - 1)),
        () => sealBytes(WECOM_APP.aes, m, ''), () => r.bytes(r.int(1, 300)).toString('base64')])();
      return { route: `POST ${APP}`, kind: 'signed, bad ciphertext', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body: appEnvelope(c), expect: '4xx' };
    },
    (r) => { // entity expansion and DOCTYPE in the envelope
      const c = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">`
        + `<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Encrypt>&lol3;</Encrypt></xml>`;
      const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt><![CDATA[${c}]]></Encrypt><x>&xxe;</x></xml>`;
      return { route: `POST ${APP}`, kind: 'XML entities', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body: r.chance(0.5) ? lol : xxe, expect: '4xx' };
    },
    (r) => { // huge
      const c = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      const body = r.chance(0.5) ? appEnvelope(c).replace('</xml>', `<Pad>${r.str(r.int(530_000, 800_000))}</Pad></xml>`) : appEnvelope(r.str(r.int(530_000, 600_000)));
      return { route: `POST ${APP}`, kind: 'huge fields', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body, expect: '4xx' };
    },
    (r) => { // GBK / invalid UTF-8 envelopes (with and without a charset that says so)
      const c = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      const body = r.pick([
        () => gbk(`<?xml version="1.0" encoding="GBK"?><xml><Encrypt><![CDATA[${c}中文]]></Encrypt></xml>`),
        () => Buffer.concat([Buffer.from('<xml><Encrypt><![CDATA['), invalidUtf8(r, 30), Buffer.from(']]></Encrypt></xml>')]),
        () => Buffer.from(appEnvelope(c), 'utf16le'),
      ])();
      return { route: `POST ${APP}`, kind: 'wrong encoding', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': r.pick(['text/xml', 'text/xml; charset=gbk', 'application/xml; charset=utf-8']) }, body, expect: '4xx' };
    },
    (r) => {
      const a = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      const b = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      return { route: `POST ${APP}`, kind: 'signature of another body', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, a)}`,
        headers: { 'content-type': 'text/xml' }, body: appEnvelope(b), expect: '4xx' };
    },
    (r) => {
      const c = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
      const ts = String(nowS() + (r.chance(0.8) ? -r.int(601, 30 * 86400) : r.int(601, 86400)));
      return { route: `POST ${APP}`, kind: 'stale timestamp', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c, { timestamp: ts })}`,
        headers: { 'content-type': 'text/xml' }, body: appEnvelope(c), expect: '4xx' };
    },
    (r) => { // signed and encrypted, a field the bot reads given as nested or repeated elements, or missing
      const from = `fuzz-${r.int(1, 50)}`;
      const fields = r.pick([
        () => '<MsgType>text</MsgType><Content><p>打卡 学习 1小时</p></Content>', () => `<FromUserName>${from}</FromUserName><MsgType>text</MsgType><Content>我的</Content>`,
        () => '<MsgType><a>text</a></MsgType><Content>我的</Content>', () => '<Content>打卡 学习 1小时</Content>', () => '<MsgType>image</MsgType><MediaId><x>1</x></MediaId>',
        () => '<MsgType>text</MsgType><Content>一</Content><Content>二</Content>',
      ])();
      const inner = `<xml><ToUserName><![CDATA[${WECOM_APP.corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${nowS()}</CreateTime>${fields}<MsgId>${r.int(1e9, 9e9)}</MsgId></xml>`;
      const c = encrypt(WECOM_APP.aes, inner, WECOM_APP.corpId);
      return { route: `POST ${APP}`, kind: 'signed, wrong field types', method: 'POST', path: `${APP}?${wecomQuery(WECOM_APP.token, c)}`,
        headers: { 'content-type': 'text/xml' }, body: appEnvelope(c), expect: '4xx' };
    },
    () => ({ ...captured.app, route: `POST ${APP}`, kind: 'replay inside the window', expect: 'replay' }),
  ];

  const appGet: Gen[] = [
    (r) => ({ route: `GET ${APP}`, kind: 'random query', method: 'GET', path: `${APP}?${r.str(r.int(0, 300))}`, expect: '4xx' }),
    (r) => {
      const echostr = r.pick([() => sealBytes(WECOM_APP.aes, Buffer.from('42'), 'wwother'), () => r.bytes(r.int(1, 64)).toString('base64')])();
      return { route: `GET ${APP}`, kind: 'signed, bad echostr', method: 'GET', path: `${APP}?${wecomQuery(WECOM_APP.token, echostr)}&echostr=${encodeURIComponent(echostr)}`, expect: '4xx' };
    },
  ];

  // Each signed request its own millisecond: a (timestamp, sign) pair is accepted once, and the
  // fuzz should reach the body checks, not only the replay check. Inside the hour's window.
  let dingTs = Date.now() - 10 * 60_000;
  const signedDing = (ts = String(dingTs++), secret = captured.dingSecret) => ({ timestamp: ts, sign: dingTalkSign(secret, ts) });
  const ding: Gen[] = [
    (r) => ({ route: `POST ${DING}`, kind: 'random bytes, unsigned', method: 'POST', path: DING, headers: { 'content-type': r.pick(contentTypes) }, body: r.bytes(r.int(0, 4096)), expect: '4xx' }),
    (r) => ({ route: `POST ${DING}`, kind: 'random bytes, signed', method: 'POST', path: DING,
      headers: { 'content-type': r.pick(contentTypes), ...signedDing() }, body: r.bytes(r.int(1, 4096)), expect: '4xx' }),
    (r) => ({ route: `POST ${DING}`, kind: 'truncated JSON', method: 'POST', path: DING,
      headers: { 'content-type': 'application/json', ...signedDing() }, body: truncate(r, JSON.stringify(dingMessage(r))), expect: '4xx' }),
    (r) => { // signed JSON that is no robot message
      const m: Record<string, unknown> = dingMessage(r);
      const body = r.pick([
        () => { const k = r.pick(['msgId', 'conversationId', 'msgtype', 'conversationType']); delete m[k]; return JSON.stringify(m); },
        () => { delete m.senderStaffId; delete m.senderId; return JSON.stringify(m); },
        () => JSON.stringify({ ...m, msgId: r.pick([0, null, [], {}, '']) }), () => JSON.stringify([m]), () => 'null', () => '"打卡"', () => '12',
        () => `${'['.repeat(r.int(500, 5000))}${']'.repeat(r.int(0, 10))}`,
        () => JSON.stringify({ ...m, text: { content: r.pick([1, null, ['打卡']]) } }),
      ])();
      return { route: `POST ${DING}`, kind: 'signed, not a message', method: 'POST', path: DING, headers: { 'content-type': 'application/json', ...signedDing() }, body, expect: '4xx' };
    },
    (r) => ({ route: `POST ${DING}`, kind: 'huge fields', method: 'POST', path: DING,
      headers: { 'content-type': 'application/json', ...signedDing() },
      body: JSON.stringify({ ...dingMessage(r), text: { content: r.str(r.int(530_000, 800_000)) } }), expect: '4xx' }),
    (r) => { // wrong encodings: the charset says so (refused), or the bytes are broken inside a message that is invalid anyway
      const m: Record<string, unknown> = dingMessage(r);
      delete m.msgId;
      const body = r.pick([() => gbk(JSON.stringify(m)), () => Buffer.from(JSON.stringify(dingMessage(r)), 'utf16le'),
        () => Buffer.concat([Buffer.from('{"msgId":"'), invalidUtf8(r, 20), Buffer.from('","text":')])])();
      return { route: `POST ${DING}`, kind: 'wrong encoding', method: 'POST', path: DING,
        headers: { 'content-type': r.pick(['application/json; charset=gbk', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1']), ...signedDing() }, body, expect: '4xx' };
    },
    (r) => { // forged: random sign, another secret, the sign of another timestamp, timestamp not a number
      const ts = String(Date.now());
      const headers = r.pick([
        () => ({ timestamp: ts, sign: r.bytes(32).toString('base64') }), () => signedDing(ts, 'not-the-secret'),
        () => ({ timestamp: ts, sign: dingTalkSign(captured.dingSecret, String(Date.now() - 1000)) }),
        () => signedDing(r.pick(['abc', '1e12', '-5', ' 1700000000000', `${ts}.5`])), () => ({ sign: dingTalkSign(captured.dingSecret, ts) }),
        () => ({ timestamp: ts, sign: r.str(r.int(0, 8000)) }),
      ])() as Record<string, string>;
      return { route: `POST ${DING}`, kind: 'forged signature', method: 'POST', path: DING,
        headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(dingMessage(r)), expect: '4xx' };
    },
    (r) => { // correctly signed with a timestamp over an hour away: a capture replayed later
      const ts = String(Date.now() + (r.chance(0.8) ? -r.int(3601, 30 * 86400) * 1000 : r.int(3601, 86400) * 1000));
      return { route: `POST ${DING}`, kind: 'stale timestamp', method: 'POST', path: DING,
        headers: { 'content-type': 'application/json', ...signedDing(ts) }, body: JSON.stringify(dingMessage(r)), expect: '4xx' };
    },
    // The genuine callback's headers were used once: the exact request again, or the captured
    // headers with another body (a forged sender, an admin command), are refused before parsing.
    () => ({ ...captured.ding, route: `POST ${DING}`, kind: 'exact replay of a used signature', expect: '4xx' }),
    (r) => ({ ...captured.ding, route: `POST ${DING}`, kind: 'replayed headers, new body', expect: '4xx',
      body: JSON.stringify({ ...dingMessage(r), senderStaffId: r.pick(['admin-1', `fuzz-${r.int(1, 50)}`]), conversationType: '2', text: { content: r.pick(['意见 列表', '/名单 未绑定', '匿名意见 伪造']) } }) }),
    (r) => { // signed, every field there, one of the wrong type
      const m: Record<string, unknown> = dingMessage(r);
      const [k, v] = r.pick<[string, unknown]>([['text', { content: { evil: '打卡' } }], ['senderStaffId', r.int(1, 99)], ['conversationType', 2],
        ['msgId', ['a']], ['sessionWebhookExpiredTime', 'soon'], ['conversationId', {}], ['msgtype', 7]]);
      const alt = r.chance(0.2) ? { msgtype: 'richText', content: { richText: r.pick(['x', 5, [{ text: 5 }]]) } } : r.chance(0.2) ? { msgtype: 'picture', content: { downloadCode: r.pick([5, [], {}]) } } : { [k]: v };
      return { route: `POST ${DING}`, kind: 'signed, wrong field types', method: 'POST', path: DING,
        headers: { 'content-type': 'application/json', ...signedDing() }, body: JSON.stringify({ ...m, ...alt }), expect: '4xx' };
    },
  ];

  const apiPaths = ['/campaigns', '/campaigns/1/progress', '/members', '/checkins', '/attachments/1', '/submissions', '/deliveries', '/feedback', '/rectifications', '/nope', '/../internal/cli'];
  const api: Gen[] = [
    (r) => {
      const auth = r.pick([
        () => undefined, () => `Bearer ${r.str(ADMIN_TOKEN.length)}`, () => `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, () => `Bearer ${ADMIN_TOKEN}x`,
        () => `bearer ${ADMIN_TOKEN.toUpperCase()}`, () => `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`, () => ADMIN_TOKEN,
        () => `Bearer ${r.str(r.int(1000, 7000))}`, () => `Bearer  ${ADMIN_TOKEN}`, () => Buffer.from(`Bearer ${ADMIN_TOKEN.slice(0, 10)}中文`).toString('latin1'), // raw UTF-8 bytes on the wire
      ])();
      const method = r.pick(['GET', 'GET', 'GET', 'POST', 'DELETE', 'PUT']);
      const query = r.chance(0.3) ? `?${r.pick(['limit=-1', 'cursor=1;drop table members', `unit=${encodeURIComponent('县人民医院')}`, r.str(50)])}` : '';
      return { route: `${method} /api/v1/*`, kind: 'bad token', method, path: `/api/v1${r.pick(apiPaths)}${query}`,
        headers: { ...(auth === undefined ? {} : { authorization: auth }), 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : r.bytes(r.int(0, 500)), expect: '4xx' };
    },
  ];

  const cli: Gen[] = [
    (r) => {
      const secret = r.pick([() => undefined, () => r.str(32, '0123456789abcdef'), () => '', () => r.str(r.int(1, 64)), () => captured.cliSecret.slice(0, -1)])();
      const body = r.pick([
        () => JSON.stringify({ op: r.pick(['directory.import', 'backup', 'ledger.import', 'holidays.import', r.str(8)]), args: { file: '/etc/passwd' } }),
        () => r.bytes(r.int(0, 2000)), () => truncate(r, JSON.stringify({ op: 'directory.import', rows: [] })),
      ])();
      return { route: 'POST /internal/cli', kind: 'no or wrong secret', method: 'POST', path: '/internal/cli',
        headers: { 'content-type': r.pick(['application/json', 'text/plain', 'application/json; charset=gbk']), ...(secret === undefined ? {} : { 'x-cli-secret': secret }) }, body, expect: '4xx' };
    },
    (r) => ({ route: 'GET /internal/status', kind: 'no or wrong secret', method: 'GET', path: '/internal/status',
      headers: r.chance(0.5) ? { 'x-cli-secret': r.str(32) } : {} as Record<string, string>, expect: '4xx' }),
  ];

  const extra: Gen[] = [
    (r) => ({ route: 'other paths and methods', kind: 'random path/method', method: r.pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']),
      path: r.pick([`/${r.str(r.int(1, 40))}`, `${AIBOT}/${r.str(5)}`, `${DING}/..%2f..%2fetc%2fpasswd`, '/internal/cli/../status', '/%00', '/wecom/app/callback%00']),
      headers: { 'content-type': r.pick(contentTypes) }, body: undefined, expect: '4xx' }),
    (r) => ({ route: 'PUT/DELETE on callbacks', kind: 'wrong method', method: r.pick(['PUT', 'DELETE', 'PATCH']), path: r.pick([AIBOT, APP, DING]),
      headers: { 'content-type': 'application/json' }, body: r.bytes(r.int(0, 200)), expect: '4xx' }),
  ];
  // Traversal written so that it stays in the id: fetch resolves a bare "../" or "%2e%2e" segment
  // itself (/files/%2e%2e is /), which would test the service's / (the web console) instead.
  if (optional.files) extra.push((r) => ({ route: 'GET /files/:id', kind: 'bad or unsigned id', method: 'GET',
    path: `/files/${r.pick([String(r.int(1, 1000)), r.str(r.int(1, 80)), '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2fconsole'])}${r.chance(0.5) ? `?sig=${r.str(43)}&exp=${r.int(0, 2e9)}` : ''}`, expect: '4xx' }));
  if (optional.queues) extra.push((r) => ({ route: 'GET /admin/queues', kind: 'no or bad credentials', method: r.pick(['GET', 'POST', 'PUT']),
    path: `/admin/queues${r.pick(['', '/', '/api/queues', `/api/queues/delivery/${r.str(5)}/retry`, '/api/queues/delivery/clean/completed'])}`,
    headers: r.chance(0.5) ? { authorization: `Bearer ${r.str(30)}` } : {} as Record<string, string>, body: undefined, expect: '4xx' }));

  // Weighted so each inbound route gets a fair share of every kind.
  return [...aibot, ...aibot, ...aibotGet, ...app, ...app, ...appGet, ...ding, ...ding, ...api, ...api, ...cli, ...extra];
}

interface Captured { aibot: Omit<Req, 'route' | 'kind' | 'expect'>; app: Omit<Req, 'route' | 'kind' | 'expect'>; ding: Omit<Req, 'route' | 'kind' | 'expect'>; cliSecret: string; dingSecret: string }

let resets = 0;

async function send(base: string, q: Pick<Req, 'method' | 'path' | 'headers' | 'body'>, retry = true): Promise<number | string> {
  try {
    const res = await fetch(base + q.path, { method: q.method, headers: q.headers, body: q.body as BodyInit | undefined, signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer().catch(() => {});
    return res.status;
  } catch (err) {
    // A keep-alive socket the server closed just as the client reused it (seen about once in
    // a few thousand under load): counted, and sent again once.
    const code = ((err as Error).cause as { code?: string } | undefined)?.code;
    if (retry && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET')) {
      resets++;
      return send(base, q, false);
    }
    return `no response (${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message})`;
  }
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  resets = 0;
  const r = seeded(o.seed);
  const wecomApi = await startFakeWecomApi({ corpId: WECOM_APP.corpId, secret: WECOM_APP.secret, agentId: WECOM_APP.agentId });
  // A secret of this run's own: its used-sign keys in the shared Redis never meet another run's.
  const dingtalk = await startFakeDingTalk({ appSecret: `drill-ding-${randomBytes(8).toString('hex')}` });
  const dataDir = await mkdtemp(join(tmpdir(), 'campaign-bot-fuzz-'));
  const svc = await startInProcessService({
    database: o.database, redisUrl: o.redisUrl,
    env: {
      DATA_DIR: dataDir, ADMIN_API_TOKEN: ADMIN_TOKEN,
      WECOM_BOT_MODE: 'http', WECOM_BOT_TOKEN: WECOM_BOT.token, WECOM_BOT_ENCODING_AES_KEY: WECOM_BOT.aes,
      WECOM_CORP_ID: WECOM_APP.corpId, WECOM_AGENT_ID: String(WECOM_APP.agentId), WECOM_AGENT_SECRET: WECOM_APP.secret,
      WECOM_API_BASE: wecomApi.url, WECOM_APP_TOKEN: WECOM_APP.token, WECOM_APP_ENCODING_AES_KEY: WECOM_APP.aes,
      DINGTALK_MODE: 'http', DINGTALK_CLIENT_ID: dingtalk.appKey, DINGTALK_CLIENT_SECRET: dingtalk.appSecret,
      DINGTALK_ROBOT_CODE: dingtalk.robotCode, DINGTALK_API_BASE: dingtalk.url,
    },
  });
  let uncaught = 0;
  const onUncaught = () => { uncaught++; };
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  try {
    // Genuine callbacks, sent once before counting: the fuzz replays them as captured.
    const aibotC = encrypt(WECOM_BOT.aes, JSON.stringify(aibotMessage(r)), '');
    const appC = encrypt(WECOM_APP.aes, appXml(r), WECOM_APP.corpId);
    const dingTs = String(Date.now());
    const captured: Captured = {
      aibot: { method: 'POST', path: `/wecom/aibot/callback?${wecomQuery(WECOM_BOT.token, aibotC)}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: aibotC }) },
      app: { method: 'POST', path: `/wecom/app/callback?${wecomQuery(WECOM_APP.token, appC)}`, headers: { 'content-type': 'text/xml' }, body: appEnvelope(appC) },
      ding: { method: 'POST', path: '/dingtalk/callback', headers: { 'content-type': 'application/json', timestamp: dingTs, sign: dingTalkSign(dingtalk.appSecret, dingTs) }, body: JSON.stringify(dingMessage(r)) },
      cliSecret: svc.cliSecret,
      dingSecret: dingtalk.appSecret,
    };
    for (const c of [captured.aibot, captured.app, captured.ding]) {
      const s = await send(svc.url, c);
      if (s !== 200) throw new Error(`a genuine callback was not accepted (${s}) on ${c.path.split('?')[0]}: the drill is misconfigured`);
    }
    await new Promise((res) => setTimeout(res, 300)); // replies after the answer (app, DingTalk) go to the fakes
    const optionalRoutes = {
      files: (await send(svc.url, { method: 'GET', path: '/files/1' })) !== 404,
      queues: (await send(svc.url, { method: 'GET', path: '/admin/queues' })) !== 404,
    };
    const before = await tableCounts(o.database);
    const gens = makeGenerators(captured, optionalRoutes);

    const statuses: FuzzResult['statuses'] = {};
    const kinds: Record<string, number> = {};
    const unexpected: FuzzResult['unexpected'] = [];
    let unexpectedCount = 0;
    let fiveXx = 0;
    let noResponse = 0;
    let replays = 0;
    // Requests are generated in order from the seed, then sent with bounded concurrency.
    const reqs = Array.from({ length: o.count }, () => r.pick(gens)(r));
    let next = 0;
    const worker = async () => {
      while (next < reqs.length) {
        const q = reqs[next++];
        const status = await send(svc.url, q);
        (statuses[q.route] ??= {})[String(status)] = (statuses[q.route][String(status)] ?? 0) + 1;
        kinds[`${q.route} · ${q.kind}`] = (kinds[`${q.route} · ${q.kind}`] ?? 0) + 1;
        if (typeof status === 'string') noResponse++;
        else if (status >= 500) fiveXx++;
        if (q.expect === 'replay') replays++;
        const ok = typeof status === 'number' && (q.expect === '4xx' ? status >= 400 && status < 500 : status === 200);
        if (!ok) { unexpectedCount++; if (unexpected.length < 20) unexpected.push({ route: q.route, kind: q.kind, status }); }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 16 }, worker));
    await new Promise((res) => setTimeout(res, 300));
    const after = await tableCounts(o.database);
    const health = await send(svc.url, { method: 'GET', path: '/healthz' });
    // Counted above: the long messages below are valid and are meant to be recorded.
    const big = await sendBigMessages(svc.url, o.database, dingtalk.appSecret);
    return {
      sent: reqs.length, statuses, kinds, unexpected, unexpectedCount, fiveXx, noResponse, resets, replays, uncaught,
      healthyAfter: health === 200, rowsWritten: countsDiff(before, after), tables: Object.keys(after).length, ms: Date.now() - t0, optionalRoutes, big,
    };
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await svc.close();
    await wecomApi.close();
    await dingtalk.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * One valid 256 kB message on each inbound path (WeCom AI bot callback, WeCom app callback,
 * DingTalk callback), from a member bound on both platforms, sent together. Meanwhile the
 * event loop's delay is sampled (perf_hooks, 10 ms resolution; this process is the service)
 * and /healthz is asked every 20 ms.
 */
async function sendBigMessages(base: string, database: Database, dingSecret: string): Promise<BigResult> {
  const [m] = await database.db.select({ id: members.id }).from(members).where(eq(members.active, true)).limit(1);
  const userId = `fuzz-big-${randomBytes(3).toString('hex')}`;
  await database.db.insert(identities).values([
    { platform: 'wecom', platformUserId: userId, memberId: m.id, source: 'directory' },
    { platform: 'dingtalk', platformUserId: userId, memberId: m.id, source: 'directory' },
  ]);
  const text = bigText();
  // Built before the clock starts: encrypting 256 kB is the sender's cost, not the service's.
  const aibotC = encrypt(WECOM_BOT.aes, JSON.stringify({ msgid: `big-${userId}`, aibotid: 'aib-drill', chattype: 'single', from: { userid: userId }, msgtype: 'text', text: { content: text } }), '');
  const appInner = `<xml><ToUserName><![CDATA[${WECOM_APP.corpId}]]></ToUserName><FromUserName><![CDATA[${userId}]]></FromUserName><CreateTime>${nowS()}</CreateTime>`
    + `<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${Date.now()}${randomBytes(2).readUInt16BE()}</MsgId><AgentID>${WECOM_APP.agentId}</AgentID></xml>`;
  const appC = encrypt(WECOM_APP.aes, appInner, WECOM_APP.corpId);
  const dingTs = String(Date.now());
  const dingBody = JSON.stringify({ ...dingMessage(seeded(1)), senderStaffId: userId, msgId: `big-${userId}`, text: { content: text } });
  const requests: [string, Pick<Req, 'method' | 'path' | 'headers' | 'body'>][] = [
    ['POST /wecom/aibot/callback', { method: 'POST', path: `/wecom/aibot/callback?${wecomQuery(WECOM_BOT.token, aibotC)}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: aibotC }) }],
    ['POST /wecom/app/callback', { method: 'POST', path: `/wecom/app/callback?${wecomQuery(WECOM_APP.token, appC)}`, headers: { 'content-type': 'text/xml' }, body: appEnvelope(appC) }],
    ['POST /dingtalk/callback', { method: 'POST', path: '/dingtalk/callback', headers: { 'content-type': 'application/json', timestamp: dingTs, sign: dingTalkSign(dingSecret, dingTs) }, body: dingBody }],
  ];

  const t0 = Date.now();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let inFlight = true;
  let healthzDuring = 0;
  let healthzFailed = 0;
  let healthzMaxMs = 0;
  const probe = (async () => {
    while (inFlight) {
      const s = Date.now();
      const status = await send(base, { method: 'GET', path: '/healthz' }, false);
      healthzMaxMs = Math.max(healthzMaxMs, Date.now() - s);
      if (status === 200) healthzDuring++; else healthzFailed++;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const statuses: Record<string, number | string> = {};
  await Promise.all(requests.map(async ([route, q]) => { statuses[route] = await send(base, q); }));
  await new Promise((r) => setTimeout(r, 300)); // replies sent after the answer (app, DingTalk)
  inFlight = false;
  await probe;
  delay.disable();
  return { statuses, maxStallMs: Math.round(delay.max / 1e6), healthzDuring, healthzMaxMs, healthzFailed, ms: Date.now() - t0 };
}

export function fuzzSummary(f: FuzzResult): string {
  const routes = Object.entries(f.statuses).map(([route, s]) => `${route}: ${Object.entries(s).map(([k, n]) => `${k}×${n}`).join(' ')}`);
  return [
    `${f.sent} requests in ${(f.ms / 1000).toFixed(1)} s; 5xx ${f.fiveXx}; no response ${f.noResponse} (keep-alive resets resent ${f.resets}); outside expectation ${f.unexpectedCount}; `
      + `replays inside the window ${f.replays} (answered 200 as duplicates); uncaught errors ${f.uncaught}; /healthz after ${f.healthyAfter ? '200' : 'FAILED'}; `
      + `rows written ${JSON.stringify(f.rowsWritten)} over ${f.tables} tables; optional routes present: ${JSON.stringify(f.optionalRoutes)}`,
    `256 kB messages: ${Object.entries(f.big.statuses).map(([k, v]) => `${k} → ${v}`).join('; ')}; longest event-loop stall ${f.big.maxStallMs} ms (target < 50); `
      + `/healthz answered ${f.big.healthzDuring}× during them (slowest ${f.big.healthzMaxMs} ms, failed ${f.big.healthzFailed}); ${(f.big.ms / 1000).toFixed(1)} s`,
    ...routes,
    ...(f.unexpected.length ? ['unexpected:', ...f.unexpected.map((u) => `  ${u.route} · ${u.kind} → ${u.status}`)] : []),
  ].join('\n');
}

export const bigPassed = (b: BigResult) =>
  Object.values(b.statuses).every((s) => s === 200) && b.maxStallMs < 50 && b.healthzDuring > 0 && b.healthzFailed === 0;

export const fuzzPassed = (f: FuzzResult) =>
  f.fiveXx === 0 && f.noResponse === 0 && f.unexpectedCount === 0 && f.uncaught === 0 && f.healthyAfter && Object.keys(f.rowsWritten).length === 0 && bigPassed(f.big);
