import { GraphQLError } from 'graphql';
import { signChannelContext } from '@storegraph/schema';
import { READ_FROM_HEADER } from '@storegraph/server-kit';
import type { GatewayClient } from './gateway-client.ts';
import type { LiveAvailabilityDeps } from './live-availability.ts';
import type { ShopStockChange } from './live-shop-stock.ts';

/** What a live order watch reads: the same visibility rule as the OrderStatus operation. */
const LIVE_ORDER = 'query LiveOrder($id: ID!) { order(id: $id) { id number status nextStatuses } }';
const LIVE_APPROVALS =
  'query LiveApprovals { companyApprovals(status: PENDING, first: 100) { id status level reasons total { amount currency } requestedAt expiresAt } }';

/** Asks the gateway to read from the primaries (read-routing.ts): for re-reads that follow a change. */
const PRIMARY_READS = { [READ_FROM_HEADER]: 'primary' };
const LIVE_SHOP_STOCK = `query LiveShopStock($after: String) { tillStockChanges(after: $after, first: 200) { cursor
  changes { cursor movementId kind variantId locationId deltaOnHand deltaReserved channel createdAt } } }`;

const LIVE_AVAILABILITY = 'query LiveAvailability($ids: [ID!]!) { variantsById(ids: $ids) { id availability { available inStock } } }';

export interface LiveFeedDeps {
  gateway: GatewayClient;
  contextSecret: string;
  /** the BFF's issuer name on the contexts it signs */
  signer: string;
  /** subscribes to a subgraph's change stream (the gateway's /changes): fires on every change it announces */
  onSchemaChange: (schema: string) => (listener: () => void) => () => void;
}

/**
 * What the live feeds read, through the gateway in the subscriber's own signed context, so every subgraph's
 * visibility rule applies as it does over HTTP: availability, an order's status, a company's pending approvals,
 * a till shop's stock changes. A subgraph that does not answer is SERVICE_UNAVAILABLE to the subscriber.
 */
export function liveFeedReaders(deps: LiveFeedDeps): Pick<LiveAvailabilityDeps, 'read' | 'orders' | 'approvals' | 'shopStock'> {
  return {
    read: async (ctx, variantIds) => {
      const token = await signChannelContext(ctx, deps.contextSecret, deps.signer);
      // Re-read because a change was announced by the primary: a replica may not have replayed it yet.
      const res = await deps.gateway.execute({ query: LIVE_AVAILABILITY, variables: { ids: variantIds } }, token, ctx.requestId, PRIMARY_READS);
      const variants =
        (res.body as { data?: { variantsById?: ({ id: string; availability: { available: number; inStock: boolean } | null } | null)[] } }).data
          ?.variantsById ?? [];
      // While stock is down availability is null: nothing new to push (subscribers keep the last figures).
      return variants.flatMap((v) => (v?.availability ? [{ variantId: v.id, ...v.availability }] : []));
    },
    orders: {
      readOrder: async (ctx, orderId) => {
        const token = await signChannelContext(ctx, deps.contextSecret, deps.signer);
        const res = await deps.gateway.execute({ query: LIVE_ORDER, variables: { id: orderId } }, token, ctx.requestId);
        const body = res.body as { data?: { order: { id: string; number: string; status: string; nextStatuses: string[] } | null }; errors?: unknown[] };
        if (!body.data) throw new GraphQLError('the order service did not answer; try again', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        const o = body.data.order;
        return o && { orderId: o.id, number: o.number, status: o.status, nextStatuses: o.nextStatuses };
      },
      onOrdersChange: deps.onSchemaChange('orders'),
    },
    approvals: {
      readPending: async (ctx) => {
        const token = await signChannelContext(ctx, deps.contextSecret, deps.signer);
        const res = await deps.gateway.execute({ query: LIVE_APPROVALS }, token, ctx.requestId);
        type Row = {
          id: string;
          status: string;
          level: string;
          reasons: string[];
          total: { amount: number; currency: string };
          requestedAt: string;
          expiresAt: string;
        };
        const body = res.body as { data?: { companyApprovals: Row[] } };
        if (!body.data) throw new GraphQLError('the order service did not answer; try again', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        return body.data.companyApprovals.map(({ id, ...rest }) => ({ approvalId: id, ...rest }));
      },
      onOrdersChange: deps.onSchemaChange('orders'),
    },
    shopStock: {
      readChanges: async (ctx, after) => {
        const token = await signChannelContext(ctx, deps.contextSecret, deps.signer);
        // The primary: the feed's horizon is the primary's running transactions, a replica has its own.
        const res = await deps.gateway.execute({ query: LIVE_SHOP_STOCK, variables: { after } }, token, ctx.requestId, PRIMARY_READS);
        const body = res.body as {
          data?: { tillStockChanges: { cursor: string; changes: ShopStockChange[] } };
          errors?: { message: string; extensions?: { code?: string } }[];
        };
        if (!body.data) {
          const first = body.errors?.[0];
          if (first?.extensions?.code === 'FORBIDDEN') throw new GraphQLError(first.message, { extensions: { code: 'FORBIDDEN' } });
          throw new GraphQLError('the stock service did not answer; try again', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        }
        return body.data.tillStockChanges;
      },
      onStockChange: deps.onSchemaChange('stock'),
    },
  };
}
