import type http from 'node:http';
import type { ErrorCode } from '@storegraph/schema';

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
