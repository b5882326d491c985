import { GraphQLError } from 'graphql';

/**
 * The one list of stable error codes a client can switch on. Expected business outcomes
 * (insufficient stock, price not found) are result types in the schema, not errors; these are for
 * requests that cannot be served at all.
 */
export const ErrorCodes = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  OPERATION_NOT_ALLOWED: 403,
  INTERNAL_SERVER_ERROR: 500,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: ErrorCodes[code] }, ...extra } });
}
