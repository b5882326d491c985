import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * What never reaches a log line: query parameters of database errors (they carry customer ids, emails,
 * addresses), the SQL text with inlined values, tokens and credentials.
 */
const REDACT = [
  'err.parameters',
  'err.args',
  'err.query',
  'err.cause.parameters',
  'err.cause.query',
  'err.cause.args',
  'parameters',
  'params',
  'headers.authorization',
  'headers["x-storegraph-context"]',
  'req.headers.authorization',
  'req.headers["x-storegraph-context"]',
  'authorization',
  'token',
  'password',
  'email',
  'customerId',
  'accountId',
  // Sign-in, refresh and reset inputs: never logged, wherever a caller nests them.
  'variables',
  'refreshToken',
  'accessToken',
  'newPassword',
  '*.password',
  '*.token',
  '*.refreshToken',
  '*.newPassword',
  '*.email',
  // A store-credit code spends the credit: the till's tender input, wherever it is nested.
  'creditCode',
  '*.creditCode',
  'tenders[*].creditCode',
  '*.tenders[*].creditCode',
];

/** Structured JSON logs, one line per event, always with the service name (and request id per request). */
export function createLogger(service: string, destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
