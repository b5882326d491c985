import type http from 'node:http';
import {
  execute,
  subscribe,
  validate,
  GraphQLBoolean,
  GraphQLError,
  GraphQLID,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { findInputViolation, type ChannelContext } from '@storegraph/schema';
import type { Logger } from '@storegraph/kit';

export interface AvailabilityRow {
  variantId: string;
  available: number;
  inStock: boolean;
}

export interface LiveAvailabilityDeps {
  /** Authenticates connection params like an HTTP request and builds the caller's context. */
  contextFor: (params: Record<string, unknown>) => Promise<ChannelContext>;
  /** Reads availability through the gateway in that context. */
  read: (ctx: ChannelContext, variantIds: string[]) => Promise<AvailabilityRow[]>;
  /** Fires whenever the stock subgraph reports a change (the gateway's /changes stream). */
  onStockChange: (listener: () => void) => () => void;
  logger: Logger;
}

const MAX_VARIANTS = 50;

const VariantAvailability = new GraphQLObjectType({
  name: 'VariantAvailability',
  fields: {
    variantId: { type: new GraphQLNonNull(GraphQLID) },
    available: { type: new GraphQLNonNull(GraphQLInt) },
    inStock: { type: new GraphQLNonNull(GraphQLBoolean) },
  },
});

/**
 * Live stock for product pages and tills over graphql-ws (the gateway executes no subscriptions, so the
 * BFF serves them): the current availability at once, then again whenever a stock change could have moved
 * it, sent only when it did. No polling: the same change stream that invalidates the response cache drives it.
 */
export function serveLiveAvailability(server: http.Server, deps: LiveAvailabilityDeps) {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { live: { type: GraphQLString, resolve: () => 'use subscriptions' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        availabilityChanged: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(VariantAvailability))),
          args: { variantIds: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLID))) } },
          subscribe: (_root: unknown, args: { variantIds: string[] }, ctx: { channel: ChannelContext }) => watch(deps, ctx.channel, args.variantIds),
          resolve: (rows: unknown) => rows as AvailabilityRow[],
        },
      },
    }),
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const channels = new WeakMap<object, ChannelContext>();
  const disposable = useServer(
    {
      schema,
      // Our own graphql functions: graphql-ws may load another copy of graphql (CommonJS beside ESM), and
      // a schema built with one cannot be validated or executed by the other.
      validate,
      execute: (args) => execute(args),
      subscribe: (args) => subscribe(args),
      // The connection is authenticated once, by the same rules as HTTP (no token on the B2B portal, a
      // consumer on a till...): refused connections close with 4403 Forbidden.
      onConnect: async (c) => {
        try {
          channels.set(c, await deps.contextFor((c.connectionParams ?? {}) as Record<string, unknown>));
          return true;
        } catch (err) {
          deps.logger.info({ err: (err as Error).message }, 'live connection refused');
          return false;
        }
      },
      context: (c) => ({ channel: channels.get(c) }),
    },
    wss,
  );
  // Closing twice (Ctrl-C reaches a service as SIGINT, and the launcher may follow with SIGTERM) must not
  // ask ws to close a server it already closed: that rejects with "The server is not running".
  let closing: Promise<void> | undefined;
  return {
    close: () => {
      closing ??= Promise.resolve(disposable.dispose());
      return closing;
    },
  };
}

async function* watch(deps: LiveAvailabilityDeps, ctx: ChannelContext, variantIds: string[]): AsyncGenerator<AvailabilityRow[]> {
  const ids = [...new Set(variantIds)];
  if (ids.length === 0 || ids.length > MAX_VARIANTS) {
    throw new GraphQLError(`watch 1 to ${MAX_VARIANTS} variants`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  // The socket is an edge like HTTP: the same input rule, before the ids travel on to the gateway.
  const bad = findInputViolation(variantIds, {}, '$.variantIds');
  if (bad) throw new GraphQLError(bad.message, { extensions: { code: 'BAD_USER_INPUT', argument: bad.path, reason: bad.reason } });
  let wake: (() => void) | undefined;
  let pending = true;
  const stop = deps.onStockChange(() => {
    pending = true;
    wake?.();
  });
  let last = '';
  try {
    while (true) {
      if (!pending) await new Promise<void>((resolve) => (wake = resolve));
      pending = false;
      const rows = await deps.read(ctx, ids);
      const key = JSON.stringify(rows);
      if (key !== last) {
        last = key;
        yield rows;
      }
    }
  } finally {
    stop();
  }
}
