import type http from 'node:http';
import type { EdgeCode, EdgeRefusal } from './edge-refusal.ts';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
export const LEGACY_JSON = 'application/json; charset=utf-8';

export interface ResponseMedia {
  contentType: string;
  /**
   * The client takes application/json (by name, through "any type" or `application/*`, or by sending no Accept at
   * all) and did not ask for application/graphql-response+json: GraphQL over HTTP says such a client gets 200
   * for a well-formed request whatever GraphQL error it raised, because older clients read no body from a 4xx.
   */
  legacyJson: boolean;
}

/**
 * GraphQL over HTTP's media types: application/graphql-response+json when the client accepts it (Apollo
 * Client 4, urql and @storegraph/client ask for it first; its status codes say what went wrong), else
 * application/json with the spec's legacy status codes. The spec says a request without Accept SHOULD be
 * treated as `Accept: application/json`, and curl's and fetch's default (any type) is the same legacy client.
 */
export function responseMedia(req: http.IncomingMessage): ResponseMedia {
  const accept = String(req.headers.accept ?? '').toLowerCase();
  if (accept.includes('application/graphql-response+json')) return { contentType: GRAPHQL_RESPONSE_JSON, legacyJson: false };
  return { contentType: LEGACY_JSON, legacyJson: true };
}

/** Errors of a well-formed request the document or its variables raised: 200 for a legacy application/json client. */
const GRAPHQL_REQUEST_ERRORS: ReadonlySet<EdgeCode> = new Set<EdgeCode>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_USER_INPUT',
  'QUERY_TOO_COMPLEX',
]);

export function inMedia(r: EdgeRefusal, media: ResponseMedia): EdgeRefusal {
  const status = media.legacyJson && r.status === 400 && GRAPHQL_REQUEST_ERRORS.has(r.code) ? 200 : r.status;
  return { ...r, status, contentType: media.contentType };
}

/** The gateway's answer in the client's media type: its 400 (validation, variable coercion) is 200 for a legacy client. */
export function gatewayStatus(status: number, media: ResponseMedia): number {
  return media.legacyJson && status === 400 ? 200 : status;
}
