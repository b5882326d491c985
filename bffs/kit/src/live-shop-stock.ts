import { GraphQLError } from 'graphql';
import { findInputViolation, type ChannelContext } from '@storegraph/schema';
import { followChanges } from './live-follow.ts';
import type { LiveField } from './live-schema.ts';

export interface ShopStockChange {
  /** Where a reconnecting till resumes (`after`). */
  cursor: string;
  movementId: string;
  kind: string;
  variantId: string;
  locationId: string;
  deltaOnHand: number;
  deltaReserved: number;
  channel: string | null;
  createdAt: string;
}

export interface LiveShopStockDeps {
  /** The stock subgraph's feed of the till's shop (`tillStockChanges`), in the till's context; `after` null: now. */
  readChanges: (ctx: ChannelContext, after: string | null) => Promise<{ changes: ShopStockChange[]; cursor: string }>;
  /** Fires whenever the stock subgraph reports a change (its outbox moved: the gateway's /changes stream). */
  onStockChange: (listener: () => void) => () => void;
}

/**
 * `shopStockChanged(after)`: for a till, each stock change at its own shop (a sale of any channel there, a staff
 * receipt, a transfer in or out), as it happens; with `after` (the `cursor` of the last change received) first
 * every change since, so a till that lost its socket misses none. Fed by the stock outbox (`stock.changed`):
 * the stock change stream wakes the subscription, which asks the stock subgraph for the changes after its
 * cursor in the till's own context, so the shop filter is the subgraph's (the signed context's location).
 * Anyone but a till with a cashier signed in is refused (FORBIDDEN) there.
 */
export function shopStockChangedField(deps: LiveShopStockDeps): LiveField<{ after?: string | null }> {
  return { subscribe: (_root, args, ctx) => watchShopStock(deps, ctx.channel, args.after ?? null) };
}

async function* watchShopStock(deps: LiveShopStockDeps, ctx: ChannelContext, after: string | null): AsyncGenerator<ShopStockChange> {
  if (after !== null) {
    const bad = findInputViolation(after, {}, '$.after');
    if (bad) throw new GraphQLError(bad.message, { extensions: { code: 'BAD_USER_INPUT', argument: bad.path, reason: bad.reason } });
  }
  // Without a cursor the feed starts now (the subgraph answers no change and the cursor of now).
  let cursor = after ?? (await deps.readChanges(ctx, null)).cursor;
  const read = async () => {
    const batch: ShopStockChange[] = [];
    // A page holds up to 200; a till back after a long outage reads every page before it is told of new ones.
    for (;;) {
      const page = await deps.readChanges(ctx, cursor);
      batch.push(...page.changes);
      const moved = page.cursor !== cursor;
      cursor = page.cursor;
      if (page.changes.length < 200 || !moved) return batch;
    }
  };
  // Each batch is new by construction; the key only keeps followChanges from dropping a batch.
  let batches = 0;
  for await (const batch of followChanges(deps.onStockChange, read, () => String(batches++))) yield* batch;
}
