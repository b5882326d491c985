import type { EventType } from '@storegraph/schema';
import type { CustomersDb } from '../context.ts';
import { outbox } from '../db/tables.ts';

type Tx = Parameters<Parameters<CustomersDb['db']['transaction']>[0]>[0];

/** The event types this subgraph writes: the catalogue's customer.* (schema/src/events/event-catalogue.ts). */
export type CustomerEventType = Extract<EventType, `customer.${string}`>;

/** Written in the caller's transaction, so an event exists exactly when its change committed. */
export async function appendEvent(
  tx: Tx,
  e: { type: CustomerEventType; channel: string | null; aggregateId: string; aggregateVersion: number; data: Record<string, unknown> },
): Promise<void> {
  await tx.insert(outbox).values(e);
}

export type { Tx };
