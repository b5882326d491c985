import type { CustomersDb } from '../context.ts';
import { outbox } from '../db/tables.ts';

type Tx = Parameters<Parameters<CustomersDb['db']['transaction']>[0]>[0];

/** The event types this subgraph writes (the events issue documents their JSON Schemas). */
export type CustomerEventType =
  | 'customer.created'
  | 'customer.email_verification_requested'
  | 'customer.password_reset_requested'
  | 'customer.password_changed'
  | 'customer.erased';

/** Written in the caller's transaction, so an event exists exactly when its change committed. */
export async function appendEvent(
  tx: Tx,
  e: { type: CustomerEventType; channel: string | null; aggregateId: string; aggregateVersion: number; data: Record<string, unknown> },
): Promise<void> {
  await tx.insert(outbox).values(e);
}

export type { Tx };
