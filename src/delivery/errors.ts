// How a failed send is treated: a retryable error is tried again with backoff; a configuration
// error is not retried (it will fail the same way) and tells the admin what to fix.
export class RetryableError extends Error {}
export class ConfigError extends Error {}
