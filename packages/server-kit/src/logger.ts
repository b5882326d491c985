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

/**
 * Keys whose value is a secret wherever it sits (compared lower-case). pino's redact paths match one level per `*`,
 * so `err.extensions.input.tenders[0].creditCode` slips past them; these are taken out by a walk of the whole
 * object instead. kit's audit redact() is the same idea, but server-kit sits below kit and its list is the trail's.
 */
const SECRET_KEYS = new Set(['creditcode', 'pin', 'currentpin', 'newpin', 'password', 'newpassword', 'token', 'refreshtoken', 'accesstoken', 'cardtoken']);
const CENSOR = '[redacted]';

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` with every secret key's value censored, at any depth. Only arrays, plain objects and errors
 * are walked (an error stays an error of its class, message and stack kept, so pino's err serializer still
 * applies); anything else is logged as it was. `path` holds the objects being walked, to stop at a cycle.
 */
export function redactSecrets(value: unknown, path: Set<object> = new Set()): unknown {
  if (value === null || typeof value !== 'object') return value;
  const isError = value instanceof Error;
  if (!Array.isArray(value) && !isError && !isPlain(value)) return value;
  if (path.has(value)) return '[circular]';
  path.add(value);
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map((v) => redactSecrets(v, path));
  else {
    const out = Object.create(Object.getPrototypeOf(value));
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(value))) {
      if ('value' in d) d.value = SECRET_KEYS.has(k.toLowerCase()) ? CENSOR : redactSecrets(d.value, path);
      Object.defineProperty(out, k, d);
    }
    copy = out;
  }
  path.delete(value);
  return copy;
}

/** Structured JSON logs, one line per event, always with the service name (and request id per request). */
export function createLogger(service: string, destination?: DestinationStream): Logger {
  const options = {
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    base: { service },
    redact: { paths: REDACT, censor: CENSOR },
    formatters: { log: (entry: Record<string, unknown>) => redactSecrets(entry) as Record<string, unknown> },
  };
  return destination ? pino(options, destination) : pino(options);
}
