import type http from 'node:http';
import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';

/** GraphQL over HTTP: GET reads, POST anything. */
export function methodRefusal(method: string | undefined): EdgeRefusal | null {
  if (method === 'GET' || method === 'POST') return null;
  return refusal(405, EdgeCodes.METHOD_NOT_ALLOWED, 'use GET (queries only) or POST', { headers: { allow: 'GET, POST' } });
}

/** A GET must not change anything (GraphQL over HTTP, 405 for a mutation): links, prefetchers and caches follow GETs. */
export function getRefusal(operation: 'query' | 'mutation' | 'subscription'): EdgeRefusal | null {
  if (operation === 'query') return null;
  return refusal(405, EdgeCodes.METHOD_NOT_ALLOWED, `a ${operation} needs POST`, { headers: { allow: 'POST' } });
}

/**
 * JSON bodies only: `application/json` or a `+json` type, in UTF-8. A browser sends text/plain, form data
 * or no type to another origin without a CORS preflight, so accepting them let any web page post
 * mutations with a shopper's credentials; a JSON type always asks first.
 */
export function mediaTypeRefusal(req: http.IncomingMessage): EdgeRefusal | null {
  const [type = '', ...params] = String(req.headers['content-type'] ?? '').split(';');
  const essence = type.trim().toLowerCase();
  const json = essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
  const charset = params
    .map((p) => p.trim().toLowerCase().split('='))
    .find(([name]) => name === 'charset')?.[1]
    ?.replace(/^"|"$/g, '');
  if (json && (charset === undefined || charset === 'utf-8' || charset === 'utf8')) return null;
  return refusal(415, EdgeCodes.UNSUPPORTED_MEDIA_TYPE, 'send the request as application/json (UTF-8)', { headers: { 'accept-post': 'application/json' } });
}
