import { GraphQLError } from 'graphql';
import type { ErrorCode } from '@storegraph/schema';

/**
 * A client error with a stable code from schema/src/error-codes.ts, like `appError`, but without the
 * HTTP status extension: a subgraph answering 4xx makes @apollo/gateway drop the body and report
 * INTERNAL_SERVER_ERROR, so the code would never reach the client. The gateway/BFF set the status.
 */
export function stockError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}
