import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';
import type { GraphQLRequestBody } from './gateway-client.ts';

const notARequest = (what: string) => refusal(400, EdgeCodes.BAD_REQUEST, `not a GraphQL request: ${what}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** GET carries JSON-encoded variables and extensions as query parameters (GraphQL over HTTP); POST may too. */
function decoded(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : v;
}

/**
 * The GraphQL request of a GET's query string or a POST's JSON body, with each member's type checked here:
 * a number for `operationName` or a list for `variables` used to travel on to the gateway.
 */
export function parseGraphQLRequest(method: string, url: string, raw: string): GraphQLRequestBody | EdgeRefusal {
  let fields: unknown;
  try {
    fields = method === 'GET' ? Object.fromEntries(new URL(url, 'http://x').searchParams) : JSON.parse(raw);
  } catch {
    return notARequest('the body is not JSON');
  }
  if (!isObject(fields)) return notARequest('the body is not a JSON object');
  const { query, operationName } = fields;
  let variables: unknown;
  let extensions: unknown;
  try {
    variables = decoded(fields.variables);
    extensions = decoded(fields.extensions);
  } catch {
    return notARequest('variables and extensions must be JSON objects');
  }
  if (query != null && typeof query !== 'string') return notARequest('query must be a string');
  if (operationName != null && typeof operationName !== 'string') return notARequest('operationName must be a string');
  if (variables != null && !isObject(variables)) return notARequest('variables must be an object');
  if (extensions != null && !isObject(extensions)) return notARequest('extensions must be an object');
  return {
    query: query ?? undefined,
    // An empty name names nothing (GraphQL names are never empty): treated as absent, as graphql-js does not.
    operationName: operationName || undefined,
    variables: variables ?? undefined,
    extensions: extensions ?? undefined,
  };
}
