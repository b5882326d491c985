import { rethrowAsClientError } from '@storegraph/kit';

/**
 * The stock functions (migration 0002) raise with HINT = an API error code for input they refuse; kit's
 * one translator turns that (and bad input PostgreSQL refuses) into a coded GraphQL error. Anything else
 * is a bug and is rethrown untouched, so it surfaces as INTERNAL_SERVER_ERROR and gets logged.
 */
export function rethrowAsAppError(err: unknown): never {
  rethrowAsClientError(err);
}
