import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { CLIENT_ERROR_CODES } from '@storegraph/schema';
import type { Logger } from './logger.ts';
import { clientErrorFromPg } from './pg-errors.ts';
import { DependencyUnavailableError, serviceUnavailable } from './dependency-guard.ts';

/** What only our own services may see: which subgraph answered, and the gateway's view of its reply. */
const INTERNAL_EXTENSIONS = ['stacktrace', 'http', 'serviceName', 'response', 'exception'];

function clientExtensions(extensions: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extensions ?? {})) if (!INTERNAL_EXTENSIONS.includes(k)) out[k] = v;
  return out;
}

/**
 * Errors with a stable code pass through (without internal names); input PostgreSQL refused becomes
 * BAD_USER_INPUT through kit's one translator, a database or another service that did not answer
 * SERVICE_UNAVAILABLE (retryable); anything else is a bug: logged with its stack and
 * returned as INTERNAL_SERVER_ERROR without internals (no SQL, no stack, no service name) reaching the client.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
      // The gateway passes a subgraph's 401 on with its URL and body in the message: keep only the code.
      const message = formatted.extensions?.serviceName && code === 'UNAUTHENTICATED' ? 'invalid or missing sales-channel context' : formatted.message;
      return { ...formatted, message, extensions: clientExtensions(formatted.extensions) };
    }
    const original = unwrapResolverError(error);
    if (original instanceof DependencyUnavailableError) {
      const { message, extensions } = serviceUnavailable(original.service);
      return { message, path: formatted.path, locations: formatted.locations, extensions: { ...extensions } };
    }
    const fromPg = clientErrorFromPg(original);
    if (fromPg) return { message: fromPg.message, path: formatted.path, locations: formatted.locations, extensions: { ...fromPg.extensions } };
    logger.error({ err: original, path: formatted.path }, 'unexpected resolver error');
    return { message: 'internal error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}
