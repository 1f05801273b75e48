// pino, with every secret-looking field redacted wherever it appears.
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.secret', '*.token', '*.password', '*.authorization', 'ADMIN_API_TOKEN', 'config.ADMIN_API_TOKEN',
        'req.headers.authorization', '*.headers.authorization'],
      censor: '[已隐藏]',
    },
  }, destination);
}
