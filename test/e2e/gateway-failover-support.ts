import { setTimeout as sleep } from 'node:timers/promises';
import type postgres from 'postgres';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { call, type Answer, type Shopper } from './scale-out-support.ts';

/** One request of a flow: what it asked, whether it was sent after the test saw the gateway die, and its answer. */
export interface FlowRequest {
  operation: 'CreateCart' | 'Cart';
  email: string;
  afterKill: boolean;
  answer: Answer;
}

/**
 * Requests flowing through one BFF from several clients at once, until stopped. Each round is a write and a
 * read: CreateCart for an email of its own (a write applied twice would leave two carts for that email), then
 * Cart, reading it back. Every request notes whether it was sent after `killSeen` was set.
 */
export class RequestFlow {
  readonly requests: FlowRequest[] = [];
  killSeen = false;
  private stopped = false;
  private rounds = 0;
  private running: Promise<void>[] = [];

  constructor(
    private readonly bff: string,
    private readonly shopper: Shopper,
    /** ends every email of this flow: `gw<n>-<tag>@example.com` */
    readonly tag: string,
  ) {}

  start(clients: number): this {
    this.running = Array.from({ length: clients }, () => this.client());
    return this;
  }

  private async client() {
    while (!this.stopped) {
      const email = `gw${this.rounds++}-${this.tag}@example.com`;
      let afterKill = this.killSeen;
      const created = await call(this.bff, 'CreateCart', { email }, this.shopper.headers);
      this.requests.push({ operation: 'CreateCart', email, afterKill, answer: created });
      const id = created.body?.data?.createCart?.id;
      if (!id) continue;
      afterKill = this.killSeen;
      this.requests.push({ operation: 'Cart', email, afterKill, answer: await call(this.bff, 'Cart', { id }, this.shopper.headers) });
    }
  }

  /** Requests answered so far that were sent after the kill was seen. */
  get afterKill(): FlowRequest[] {
    return this.requests.filter((r) => r.afterKill);
  }

  /** Waits (polling, at most 60 s) until `done` holds while the flow runs. */
  async until(done: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 1_200; i++) {
      if (await done()) return;
      await sleep(50);
    }
    throw new Error(`the flow never got to: ${what}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }
}

/** The carts of each email of the flow (ids), from the database. */
export async function cartsByEmail(sql: postgres.Sql, tag: string): Promise<Map<string, string[]>> {
  const rows = await sql<{ email: string; ids: string[] }[]>`
    select email, array_agg(id::text order by id) as ids from orders.carts where email like ${`%-${tag}@example.com`} group by email`;
  return new Map(rows.map((r) => [r.email, r.ids]));
}

/** An answer with data and no errors, summarised for a failure message. */
export const clean = (a: Answer) => a.status === 200 && !a.body?.errors && !!a.body?.data;
export const summary = (r: FlowRequest) =>
  `${r.operation} ${r.email}: ${r.answer.dropped ?? `${r.answer.status} ${JSON.stringify(r.answer.body?.errors ?? null)}`}`;

/** An anonymous storefront's ProductPage through one BFF: what its cache said, and one variant's unit price. */
export async function pagePrice(bff: string, slug: string, variantId: string): Promise<{ cache: string | null; amount: number | undefined }> {
  const res = await fetch(bff, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-publishable-key': DEMO_PUBLISHABLE_KEYS['web-eu']! },
    body: JSON.stringify({ operationName: 'ProductPage', variables: { slug } }),
  });
  const body = (await res.json()) as { data?: { product?: { variants: { id: string; price: { unit?: { amount: number } } }[] } } };
  const variant = body.data?.product?.variants.find((v) => v.id === variantId);
  return { cache: res.headers.get('x-cache'), amount: variant?.price.unit?.amount };
}
