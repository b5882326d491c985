import type http from 'node:http';
import { execute, subscribe, validate, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { findInputViolation, type ChannelContext } from '@storegraph/schema';
import type { Logger } from '@storegraph/server-kit';
import { isRefusal, refusal } from './edge-refusal.ts';
import { liveClose, liveError, type LiveCaller, type LiveGate } from './live-gate.rules.ts';
import { followChanges } from './live-follow.ts';
import { orderUpdatedField, type LiveOrdersDeps } from './live-orders.ts';
import { approvalRequestedField, type LiveApprovalsDeps } from './live-approvals.ts';
import { buildLiveSchema } from './live-schema.ts';
import { shopStockChangedField, type LiveShopStockDeps } from './live-shop-stock.ts';

export interface AvailabilityRow {
  variantId: string;
  available: number;
  inStock: boolean;
}

export interface LiveAvailabilityDeps {
  /** The HTTP edge's gates for connections and subscribe messages: budgets, credentials, allow-list, cap. */
  gate: LiveGate;
  /** Reads availability through the gateway in that context. */
  read: (ctx: ChannelContext, variantIds: string[]) => Promise<AvailabilityRow[]>;
  /** Fires whenever the stock subgraph reports a change (the gateway's /changes stream). */
  onStockChange: (listener: () => void) => () => void;
  /** Order status for the callers who may see the order (live-orders.ts). */
  orders: LiveOrdersDeps;
  /** Approval requests for a company's approvers (live-approvals.ts). */
  approvals: LiveApprovalsDeps;
  /** Stock changes at a till's own shop (live-shop-stock.ts). */
  shopStock: LiveShopStockDeps;
  logger: Logger;
}

const MAX_VARIANTS = 50;

/**
 * Live stock for product pages and tills over graphql-ws (the gateway executes no subscriptions, so the
 * BFF serves them): the current availability at once, then again whenever a stock change could have moved
 * it, sent only when it did. No polling: the same change stream that invalidates the response cache drives it.
 */
export function serveLiveAvailability(server: http.Server, deps: LiveAvailabilityDeps) {
  const schema = buildLiveSchema({
    availabilityChanged: { subscribe: (_root, args: { variantIds: string[] }, ctx) => watch(deps, ctx.channel, args.variantIds) },
    orderUpdated: orderUpdatedField(deps.orders),
    approvalRequested: approvalRequestedField(deps.approvals),
    shopStockChanged: shopStockChangedField(deps.shopStock),
  });
  const wss = new WebSocketServer({ server, path: '/graphql' });
  const callers = new WeakMap<object, LiveCaller>();
  const disposable = useServer(
    {
      schema,
      // Our own graphql functions: graphql-ws may load another copy of graphql (CommonJS beside ESM), and
      // a schema built with one cannot be validated or executed by the other.
      validate,
      execute: (args) => execute(args),
      subscribe: (args) => subscribe(args),
      // The connection is admitted once, by the same rules as HTTP (no token on the B2B portal, a consumer on
      // a till, a spent budget...): a refusal closes it with 4403 or 4429 and a reason naming the code.
      onConnect: async (c) => {
        const admitted = await deps.gate.connect(c.extra.request, (c.connectionParams ?? {}) as Record<string, unknown>);
        if (!isRefusal(admitted)) {
          callers.set(c, admitted);
          return true;
        }
        deps.logger.info({ code: admitted.code, err: admitted.message }, 'live connection refused');
        const { code, reason } = liveClose(admitted);
        // Closed here with our code; graphql-ws's own 4403 close that follows finds the socket closing and does nothing.
        c.extra.socket.close(code, reason);
        return false;
      },
      // Every subscribe message passes the gate; graphql-ws answers a refusal with an error message for that id.
      onSubscribe: async (c, _id, payload) => {
        const caller = callers.get(c);
        if (!caller) return [liveError(refusal(401, 'UNAUTHENTICATED', 'connection not admitted'))];
        const allowed = await deps.gate.subscribe(
          caller,
          { ...payload, extensions: payload.extensions ?? undefined },
          Object.keys(c.subscriptions).length,
          schema,
        );
        if (isRefusal(allowed)) return [liveError(allowed)];
        return { schema, ...allowed, contextValue: { channel: caller.context } };
      },
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
  yield* followChanges(
    deps.onStockChange,
    () => deps.read(ctx, ids),
    (rows) => JSON.stringify(rows),
  );
}
