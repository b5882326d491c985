import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one line per event, always with the service name (and request id per request). */
export function createLogger(service: string): Logger {
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { service },
  });
}
