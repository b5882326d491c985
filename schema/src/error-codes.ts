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
  /** The caller's channel does not sell (or see) this: answered without any figure about it. */
  NOT_IN_CHANNEL: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  /** A trade buyer's company requires a purchase order number on every order and the checkout sent none. */
  PURCHASE_ORDER_REQUIRED: 422,
  OPERATION_NOT_ALLOWED: 403,
  /** A storefront request without `x-publishable-key` (production: the channel comes only from a key). */
  PUBLISHABLE_KEY_REQUIRED: 401,
  /** A publishable key the catalog does not know, or has revoked. */
  INVALID_PUBLISHABLE_KEY: 401,
  /** Too many requests from this credential or address: retry after `Retry-After` seconds. */
  RATE_LIMITED: 429,
  /** A live connection already runs as many subscriptions as a connection may (BFF_LIVE_MAX_SUBSCRIPTIONS). */
  TOO_MANY_SUBSCRIPTIONS: 429,
  /** An ad-hoc document over the depth, alias, token or cost limit (extensions.limit names which). */
  QUERY_TOO_COMPLEX: 400,
  /** The HTTP edge (GraphQL over HTTP): a malformed request, an unknown or ambiguous operation, a document that does not parse or validate. */
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** A service this request needs did not answer; retrying later (with the same idempotency key) is safe. */
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** The codes by name, for code that refers to one (`Code.NOT_FOUND`) rather than typing the string. */
export const Code = Object.fromEntries(Object.keys(ErrorCodes).map((k) => [k, k])) as { readonly [K in ErrorCode]: K };

/**
 * Why a cart or reservation naming an endless-aisle source location (issue #15 item 5) was refused, in
 * `extensions.reason`: the orders subgraph (the cart) and stock (the reservation) refuse alike.
 */
export const SourceLocationRefusal = {
  /** FORBIDDEN: only a till with a cashier signed in may name a location its channel is not bound to. */
  TILL_ONLY: 'SOURCE_LOCATION_TILL_ONLY',
  /** BAD_USER_INPUT: unknown, a dropship location, or the till's own shop. */
  NOT_A_SOURCE: 'SOURCE_LOCATION_NOT_ALLOWED',
} as const;

/** Codes a client may see with their message: everything but INTERNAL_SERVER_ERROR (whose details stay in the logs). */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set(Object.keys(ErrorCodes).filter((c) => c !== 'INTERNAL_SERVER_ERROR'));

/**
 * An error raised by a resolver: a GraphQL error in a 200 response. It carries no HTTP status on
 * purpose: the gateway turns any non-2xx subgraph response into an opaque error, and the stable code
 * would reach the client as INTERNAL_SERVER_ERROR.
 */
export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** Variants the caller's channel does not sell (or that do not exist: the two look the same), with no figure about them. */
export function notInChannel(channel: string, variantIds: string[]): GraphQLError {
  return appError('NOT_IN_CHANNEL', `not sold in channel ${channel}: ${variantIds.join(', ')}`, { variantIds });
}

/** An error that refuses the whole request before execution (e.g. a bad context): with its HTTP status. */
export function requestError(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: ErrorCodes[code] } } });
}
