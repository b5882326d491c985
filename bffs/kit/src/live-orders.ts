import { GraphQLError } from 'graphql';
import { findInputViolation, type ChannelContext } from '@storegraph/schema';
import { followChanges } from './live-follow.ts';
import type { LiveField } from './live-schema.ts';

export interface OrderUpdate {
  orderId: string;
  number: string;
  status: string;
  nextStatuses: string[];
}

export interface LiveOrdersDeps {
  /** The order as its caller may see it (through the gateway, in the caller's context); null when not theirs. */
  readOrder: (ctx: ChannelContext, orderId: string) => Promise<OrderUpdate | null>;
  /** Fires whenever the orders subgraph reports a change (its outbox moved: the gateway's /changes stream). */
  onOrdersChange: (listener: () => void) => () => void;
}

/**
 * `orderUpdated(orderId)`: the order's status now, then again each time it changes. Fed by the orders outbox
 * (every order write moves it; the orders subgraph announces the move on its change stream within a second),
 * so no client polls. A client that reconnects gets the current state first: state, not a replay of events, is
 * what a status page needs, and it cannot miss a change it slept through. Visibility is the orders subgraph's
 * own rule (a customer their orders, a buyer their company's, a guest session what it placed): anything else is
 * NOT_FOUND, as over HTTP.
 */
export function orderUpdatedField(deps: LiveOrdersDeps): LiveField<{ orderId: string }> {
  return { subscribe: (_root, args, ctx) => watchOrder(deps, ctx.channel, args.orderId) };
}

async function* watchOrder(deps: LiveOrdersDeps, ctx: ChannelContext, orderId: string): AsyncGenerator<OrderUpdate> {
  const bad = findInputViolation(orderId, {}, '$.orderId');
  if (bad) throw new GraphQLError(bad.message, { extensions: { code: 'BAD_USER_INPUT', argument: bad.path, reason: bad.reason } });
  const read = async () => {
    const order = await deps.readOrder(ctx, orderId);
    if (!order) throw new GraphQLError('no such order', { extensions: { code: 'NOT_FOUND' } });
    return order;
  };
  yield* followChanges(deps.onOrdersChange, read, (o) => `${o.status}|${o.nextStatuses.join(',')}`);
}
