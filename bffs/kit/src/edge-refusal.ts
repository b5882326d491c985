import type http from 'node:http';
import type { ErrorCode } from '@storegraph/schema';

/**
 * Codes only the HTTP edge answers with, next to schema's ErrorCodes (to be moved into that one list).
 * The names follow Apollo Server's where it has one, so a client switches on the same code at every hop.
 */
export const EdgeCodes = {
  BAD_REQUEST: 'BAD_REQUEST',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
} as const;
export type EdgeCode = ErrorCode | (typeof EdgeCodes)[keyof typeof EdgeCodes];

/** A request the BFF answers itself without asking the gateway: data, not an exception. */
export interface EdgeRefusal {
  status: number;
  code: EdgeCode;
  message: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function refusal(status: number, code: EdgeCode, message: string, more: Pick<EdgeRefusal, 'extensions' | 'headers'> = {}): EdgeRefusal {
  return { status, code, message, ...more };
}

export function isRefusal(value: unknown): value is EdgeRefusal {
  return typeof value === 'object' && value !== null && 'status' in value && 'code' in value && 'message' in value;
}

export function errorBody(code: EdgeCode, message: string, extensions: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}

/** A body announced (a length or chunks) and not read to its end. */
function bodyUnread(req: http.IncomingMessage): boolean {
  if (req.complete) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Sends a refusal. When the request's body was not read to its end the connection cannot be reused: the
 * unread bytes would be parsed as the next request, or (a client that stopped sending after the early
 * answer) its next request waited behind them until the keep-alive timeout, 66 s. With
 * `connection: close` Node ends and destroys the socket once the answer is flushed.
 */
export function sendRefusal(req: http.IncomingMessage, res: http.ServerResponse, r: EdgeRefusal): void {
  const text = JSON.stringify(errorBody(r.code, r.message, r.extensions));
  const headers: Record<string, string | number> = {
    ...r.headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  };
  if (bodyUnread(req)) headers.connection = 'close';
  res.writeHead(r.status, headers);
  res.end(text);
}
