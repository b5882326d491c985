import { enableEndpoint, listDeliveries, listEndpoints, redeliverOne, registerEndpoint, replayRange, rotateSecret } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';

type Ctx = OrdersContext;
type Input = { url: string; eventTypes: string[]; channels: string[] };

/**
 * The staff API of webhooks (schema.webhooks.graphql). Endpoints and deliveries live in the `webhooks`
 * schema every subgraph's relay reads (kit's events module); orders serves the API because most events are
 * its own and one subgraph must. The rules are kit's webhook-admin.service.ts.
 */
export const webhookResolvers = {
  Query: {
    webhookEndpoints: (_: unknown, __: unknown, ctx: Ctx) => listEndpoints(ctx.db.sql, ctx.channel),
    webhookDeliveries: (_: unknown, a: { endpointId: string; first: number }, ctx: Ctx) => listDeliveries(ctx.db.sql, ctx.channel, a.endpointId, a.first),
  },
  Mutation: {
    registerWebhookEndpoint: (_: unknown, a: { input: Input }, ctx: Ctx) => registerEndpoint(ctx.db.sql, ctx.channel, a.input),
    redeliverWebhook: (_: unknown, a: { deliveryId: string }, ctx: Ctx) => redeliverOne(ctx.db.sql, ctx.channel, a.deliveryId),
    enableWebhookEndpoint: (_: unknown, a: { endpointId: string }, ctx: Ctx) => enableEndpoint(ctx.db.sql, ctx.channel, a.endpointId),
    rotateWebhookSecret: (_: unknown, a: { endpointId: string; overlapSeconds: number }, ctx: Ctx) =>
      rotateSecret(ctx.db.sql, ctx.channel, a.endpointId, a.overlapSeconds),
    replayWebhookDeliveries: (_: unknown, a: { endpointId: string; from: string; to: string }, ctx: Ctx) =>
      replayRange(ctx.db.sql, ctx.channel, a.endpointId, a.from, a.to),
  },
};
