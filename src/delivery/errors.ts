// How a failed send is treated: a retryable error is tried again with backoff; a configuration
// error is not retried (it will fail the same way) and tells the admin what to fix.
export class RetryableError extends Error {}
export class ConfigError extends Error {}
/**
 * The target cannot take messages for a while (a DingTalk robot blocked for 10 minutes after
 * going over 20 a minute): not a failure — every job for it waits until the pause lifts.
 */
export class PausedError extends Error {
  constructor(message: string, readonly pauseMs: number) { super(message); }
}
/** The person cannot be reached on this platform (left the company, no licence, outside the app's range): final, not retried. */
export class UnreachableError extends Error {}
/** No configured sender reaches the target (no platform account, or no sender for the group's platform): final. */
export class NoRouteError extends Error {}
