// How a DingTalk call failed decides what the delivery queue does next: a RetryableError is
// retried with backoff (rate limits, 5xx, timeouts); a ConfigError is not — retrying cannot
// fix a wrong secret or a missing permission — and carries the fix in Chinese for the admins.
// Both subclass the delivery queue's own classes, so Delivery treats them as such.
import { ConfigError as DeliveryConfigError, RetryableError as DeliveryRetryableError } from '../../delivery/errors.ts';

export class RetryableError extends DeliveryRetryableError {
  override name = 'RetryableError';
  constructor(message: string, readonly status?: number, readonly code?: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ConfigError extends DeliveryConfigError {
  override name = 'ConfigError';
  /** `fix`: what the admin should change, in Chinese (also part of the message). */
  constructor(message: string, readonly fix: string, readonly status?: number, readonly code?: string) {
    super(`${message}。处理办法：${fix}`);
  }
}

/** A downloaded file larger than allowed (one class for every platform). */
export { FileTooLargeError } from '../media.ts';
