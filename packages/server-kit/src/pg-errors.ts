import { appError, ErrorCodes, type ErrorCode } from '@storegraph/schema';
import type { GraphQLError } from 'graphql';

/**
 * The one translator from PostgreSQL errors to the stable API codes, used by every subgraph's services
 * and, as a last line, by the error formatter: input PostgreSQL refuses (a NUL character, an invalid
 * number, a too-long value) is the client's mistake and must never reach it as INTERNAL_SERVER_ERROR.
 */
export interface PgErrorLike {
  code: string;
  message: string;
  hint?: string;
  detail?: string;
  constraint_name?: string;
  constraint?: string;
}

/** drizzle wraps driver errors; the PostgreSQL error (SQLSTATE) is the error or one of its causes. */
export function pgErrorOf(err: unknown): PgErrorLike | null {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as PgErrorLike).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return e as PgErrorLike;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** Unique constraint name -> [reason, field] for a CONFLICT answer. */
export type UniqueReasons = Record<string, [string, string]>;

/** postgres.js's own codes for a connection it lost or could not make, and the sockets' */
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * The database could not serve the statement, through no fault of the request: no connection (refused,
 * lost, timed out), the server shutting down or starting (57P01-57P03), out of connections (53300), a
 * connection failure (class 08), or the statement timeout (57014). Retrying later may succeed.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300' || code === '57014') return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function clientErrorFromPg(err: unknown, uniqueReasons: UniqueReasons = {}): GraphQLError | null {
  if (isDatabaseUnavailable(err)) return appError('SERVICE_UNAVAILABLE', 'the database is unavailable; retry later', { service: 'database', retryable: true });
  const pg = pgErrorOf(err);
  if (!pg) return null;
  // Our plpgsql functions raise with HINT = an API error code and DETAIL = a JSON object of extensions.
  if (pg.code === 'P0001' && pg.hint && pg.hint in ErrorCodes) {
    let extra: Record<string, unknown> = {};
    try {
      extra = pg.detail ? JSON.parse(pg.detail) : {};
    } catch {
      extra = {};
    }
    return appError(pg.hint as ErrorCode, pg.message, extra);
  }
  const constraint = pg.constraint_name ?? pg.constraint ?? '';
  if (pg.code === '23505') {
    const [reason, field] = uniqueReasons[constraint] ?? ['DUPLICATE', undefined];
    return appError('CONFLICT', `${field ?? 'value'} already exists`, { reason, field });
  }
  if (pg.code === '23503') return appError('BAD_USER_INPUT', 'a referenced record does not exist', { reason: 'UNKNOWN_REFERENCE' });
  // Class 22, data exceptions: NUL in text (22021), invalid text representation (22P02), value too long
  // (22001), numeric out of range (22003), bad dates (22007/22008). The message names no parameter.
  if (pg.code.startsWith('22')) return appError('BAD_USER_INPUT', 'a value in the request is not acceptable', { reason: 'INVALID_VALUE', sqlState: pg.code });
  return null;
}

/** Rethrows a PostgreSQL error as its client error, or the error unchanged when it is a bug. */
export function rethrowAsClientError(err: unknown, uniqueReasons?: UniqueReasons): never {
  throw clientErrorFromPg(err, uniqueReasons) ?? err;
}
