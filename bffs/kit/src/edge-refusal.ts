import type http from 'node:http';
import type { GraphQLError } from 'graphql';
import { ErrorCodes, type ErrorCode } from '@storegraph/schema';
import { RETRY_AFTER_SECONDS } from './unavailable-answer.ts';

/** The edge answers with codes from schema's one list (names follow Apollo Server's where it has one). */
export type EdgeCode = ErrorCode;
export { Code as EdgeCodes } from '@storegraph/schema';

/** A request the BFF answers itself without asking the gateway: data, not an exception. */
export interface EdgeRefusal {
  status: number;
  code: EdgeCode;
  message: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The media type negotiated for a GraphQL response; application/json otherwise. */
  contentType?: string;
}

export function refusal(status: number, code: EdgeCode, message: string, more: Pick<EdgeRefusal, 'extensions' | 'headers'> = {}): EdgeRefusal {
  return { status, code, message, ...more };
}

/** A caller rule's or the account directory's GraphQLError as the refusal HTTP and graphql-ws both answer with. */
export function contextErrorRefusal(err: GraphQLError): EdgeRefusal {
  const code = String(err.extensions.code ?? 'FORBIDDEN') as EdgeCode;
  if (code === 'SERVICE_UNAVAILABLE')
    return refusal(503, code, err.message, { extensions: { service: err.extensions.service }, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
  return refusal(code in ErrorCodes ? ErrorCodes[code] : 403, code, err.message);
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
    'content-type': r.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  };
  if (bodyUnread(req)) headers.connection = 'close';
  res.writeHead(r.status, headers);
  res.end(text);
}
