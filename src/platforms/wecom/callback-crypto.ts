// The WeCom callback check shared by the AI bot (JSON) and the self-built app (XML): verify
// msg_signature over (token, timestamp, nonce, ciphertext) BEFORE touching the ciphertext,
// reject stale timestamps (replays), then decrypt with @wecom/crypto and check the receive id
// (the corp id for the app, '' for the AI bot). Every failure is a 4xx with a reason for the log.
import { timingSafeEqual, randomBytes } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/**
 * How far a callback's timestamp may be from our clock. WeCom retries a callback within
 * seconds, so 10 minutes leaves room for clock drift while a captured request cannot be
 * replayed later (a replay inside the window is a duplicate msgid, recorded once anyway).
 */
export const MAX_SKEW_SECONDS = 600;

export type CheckResult = { ok: true; plaintext: string } | { ok: false; status: number; reason: string };

export interface CallbackKeys { token: string; encodingAesKey: string; receiveId: string }

export interface CallbackParams {
  signature?: unknown; timestamp?: unknown; nonce?: unknown; encrypted?: unknown;
  /** Seconds; undefined = do not check (URL verification: harmless to replay). */
  nowSeconds?: number;
  maxSkewSeconds?: number;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export function checkCallback(keys: CallbackKeys, p: CallbackParams, missingSignatureStatus = 401): CheckResult {
  const signature = str(p.signature);
  const timestamp = str(p.timestamp);
  const nonce = str(p.nonce);
  const encrypted = str(p.encrypted);
  if (!signature) return { ok: false, status: missingSignatureStatus, reason: 'missing msg_signature' };
  if (!timestamp || !nonce || !encrypted) return { ok: false, status: 400, reason: 'missing timestamp, nonce or ciphertext' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, status: 400, reason: 'bad timestamp' };
  const expected = Buffer.from(getSignature(keys.token, timestamp, nonce, encrypted));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, status: 403, reason: 'bad signature' };
  if (p.nowSeconds !== undefined && Math.abs(p.nowSeconds - Number(timestamp)) > (p.maxSkewSeconds ?? MAX_SKEW_SECONDS)) {
    return { ok: false, status: 403, reason: 'stale timestamp' };
  }
  let message: string;
  let id: string;
  try {
    ({ message, id } = decrypt(keys.encodingAesKey, encrypted));
  } catch {
    return { ok: false, status: 400, reason: 'cannot decrypt' };
  }
  if (id !== keys.receiveId) return { ok: false, status: 403, reason: 'receive id mismatch' };
  return { ok: true, plaintext: message };
}

/** Encrypt a passive reply and sign it with a fresh nonce and timestamp. */
export function sealReply(keys: CallbackKeys, plaintext: string, nowSeconds: number) {
  const nonce = randomBytes(8).toString('hex');
  const timestamp = String(nowSeconds);
  const ciphertext = encrypt(keys.encodingAesKey, plaintext, keys.receiveId);
  return { encrypt: ciphertext, signature: getSignature(keys.token, timestamp, nonce, ciphertext), timestamp, nonce };
}

/** The refusal and the URL-verification answer both WeCom callbacks give, named for the log. */
export function callbackResponders(keys: CallbackKeys, log: Logger, what: string) {
  const refuse = (req: Request, res: Response, status: number, reason: string) => {
    log.warn({ status, reason, ip: req.ip }, `拒绝${what}回调`);
    res.status(status).type('text/plain').send(status === 413 ? 'payload too large' : status === 400 ? 'bad request' : 'forbidden');
  };
  // URL verification: answer the decrypted echostr, exactly (no quotes, BOM or newline).
  const verifyUrl = (req: Request, res: Response) => {
    const q = req.query;
    // A literal '+' in an unencoded echostr arrives as a space; base64 never has spaces.
    const echostr = typeof q.echostr === 'string' ? q.echostr.replace(/ /g, '+') : undefined;
    const r = checkCallback(keys, { signature: q.msg_signature, timestamp: q.timestamp, nonce: q.nonce, encrypted: echostr }, 400);
    if (!r.ok) return refuse(req, res, r.status, r.reason);
    log.info(`${what}回调地址验证通过`);
    res.status(200).type('text/plain').send(r.plaintext);
  };
  return { refuse, verifyUrl };
}
