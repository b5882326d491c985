import { GraphQLError } from 'graphql';
import { mutationResolvers } from './mutation.resolvers.ts';
import { queryResolvers } from './query.resolvers.ts';
import { typeResolvers } from './type.resolvers.ts';

type Fn = (...args: never[]) => unknown;

/**
 * A client error from a resolver is a GraphQL error in a 200 response, not an HTTP 4xx: the gateway
 * (RemoteGraphQLDataSource) turns any non-2xx subgraph response into an opaque error and the stable code
 * (BAD_USER_INPUT, CONFLICT, FORBIDDEN…) would reach the client as INTERNAL_SERVER_ERROR.
 */
function keepStatus200<F extends Fn>(resolve: F): F {
  return (async (...args: Parameters<F>) => {
    try {
      return await resolve(...args);
    } catch (err) {
      if (err instanceof GraphQLError && err.extensions.http) {
        const { http: _http, ...extensions } = err.extensions;
        throw new GraphQLError(err.message, { extensions, originalError: err.originalError ?? undefined });
      }
      throw err;
    }
  }) as F;
}

function wrapAll<T extends Record<string, unknown>>(map: T): T {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'function' ? keepStatus200(v as Fn) : v])) as T;
}

export const resolvers = {
  Query: wrapAll(queryResolvers),
  Mutation: wrapAll(mutationResolvers),
  ...Object.fromEntries(Object.entries(typeResolvers).map(([type, fields]) => [type, wrapAll(fields)])),
};
