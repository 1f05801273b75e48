// What a WeCom send can fail with, so the delivery queue knows what to do next:
// RetryableError → back off and try again (frequency limits, timeouts, 5xx);
// ConfigError → don't retry, tell the admins what to fix (e.g. 60020: trusted IP);
// anything else → a plain Error carrying errcode/errmsg.
import { ConfigError as DeliveryConfigError, RetryableError as DeliveryRetryableError } from '../../delivery/errors.ts';

// Subclasses of the delivery queue's own classes, so Delivery treats them as such.
export class RetryableError extends DeliveryRetryableError {
  override name = 'RetryableError';
  constructor(message: string, readonly errcode?: number) { super(message); }
}

export class ConfigError extends DeliveryConfigError {
  override name = 'ConfigError';
  /** What the admin should change, in Chinese (also part of the message). */
  constructor(message: string, readonly fix: string, readonly errcode?: number) { super(`${message}。${fix}`); }
}

export class WecomApiError extends Error {
  override name = 'WecomApiError';
  constructor(readonly errcode: number, readonly errmsg: string, what: string) {
    super(`${what}失败：errcode=${errcode} errmsg=${errmsg}`);
  }
}

/** A downloaded file larger than allowed (one class for every platform). */
export { FileTooLargeError } from '../media.ts';

/** Frequency limits: 45009 (API calls), 45033 (concurrent calls); -1 is "system busy". */
const RETRYABLE = new Set([-1, 45009, 45033]);

/** Turn a WeCom `{ errcode, errmsg }` answer into the right error (errcode 0 → null). */
export function wecomError(errcode: number, errmsg: string, what: string): Error | null {
  if (errcode === 0) return null;
  if (RETRYABLE.has(errcode)) return new RetryableError(`${what}被企业微信限流或繁忙（errcode=${errcode} ${errmsg}），稍后重试`, errcode);
  if (errcode === 60020) {
    return new ConfigError(`${what}失败：本服务器的出口 IP 不在企业微信应用的可信 IP 中（errcode=60020）`,
      '请到企业微信管理后台 → 应用管理 → 本应用 → 企业可信IP，设置可信IP（加入本服务器的公网出口 IP）', errcode);
  }
  if (errcode === 40013 || errcode === 40001 || errcode === 40091) {
    return new ConfigError(`${what}失败：企业ID或应用Secret不正确（errcode=${errcode}）`,
      '请核对 .env 中的 WECOM_CORP_ID 与 WECOM_AGENT_SECRET（管理后台 → 我的企业 / 应用管理 → 本应用 → Secret）', errcode);
  }
  if (errcode === 93000) {
    return new ConfigError(`${what}失败：群机器人 webhook 地址无效（errcode=93000）`, '请在群里重新添加群机器人，并用「/群 绑定webhook」更新 key', errcode);
  }
  return new WecomApiError(errcode, errmsg, what);
}
