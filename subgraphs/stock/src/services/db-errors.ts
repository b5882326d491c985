import { ErrorCodes, type ErrorCode } from '@storegraph/schema';
import { appError } from '@storegraph/schema';

interface PgErrorLike {
  code?: string;
  hint?: string;
  detail?: string;
  message: string;
}

function pgErrorOf(err: unknown): PgErrorLike | null {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object' && 'code' in e && typeof (e as unknown as PgErrorLike).code === 'string' && 'severity' in e) return e as unknown as PgErrorLike;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * The stock functions (migration 0002) raise with HINT = an API error code for input they refuse; that
 * becomes a GraphQL error with the code (and DETAIL, a JSON object, as extensions). Anything else is a
 * bug and is rethrown untouched, so it surfaces as INTERNAL_SERVER_ERROR and gets logged.
 */
export function rethrowAsAppError(err: unknown): never {
  const pg = pgErrorOf(err);
  if (pg?.code === 'P0001' && pg.hint && pg.hint in ErrorCodes) {
    let extra: Record<string, unknown> = {};
    try {
      extra = pg.detail ? JSON.parse(pg.detail) : {};
    } catch {
      extra = {};
    }
    throw appError(pg.hint as ErrorCode, pg.message, extra);
  }
  throw err;
}
