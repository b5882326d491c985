import type { ChannelContext } from '@storegraph/schema';
import type { Logger } from '@storegraph/kit';
import type { OrdersDb, OrdersDeps } from '../context.ts';
import { signCheckoutContext, signCustomerContext } from '../clients/service-context.ts';
import type { CheckoutRow, PlaceOrderOutcome, StepId } from './checkout.types.ts';

/** What a step runs with: the saga, what earlier steps produced, and tokens to act for the customer. */
export class StepEnv {
  constructor(
    readonly db: OrdersDb['db'],
    readonly deps: OrdersDeps,
    readonly checkout: CheckoutRow,
    readonly done: Map<StepId, unknown>,
    readonly log: Logger,
    /** Only the live request has it: the card token is never stored. */
    readonly paymentToken: string | undefined,
  ) {}

  get context(): ChannelContext {
    return this.checkout.context as ChannelContext;
  }

  get requestId(): string {
    return `checkout-${this.checkout.id}`;
  }

  outcome<T>(step: StepId): T {
    if (!this.done.has(step)) throw new Error(`checkout ${this.checkout.id}: step ${step} has no outcome`);
    return this.done.get(step) as T;
  }

  /** The checkout as a service principal (order-admin on this channel, issuer svc-orders), for the customer. */
  serviceToken(): Promise<string> {
    return this.token('service', () => signCheckoutContext(this.context, this.deps.contextSecret));
  }

  /** Exactly the customer's view, for reads that price or show what they see. */
  customerToken(): Promise<string> {
    return this.token('customer', () => signCustomerContext(this.context, this.deps.contextSecret));
  }

  /** Signed once per run of the saga and reused while well inside its 60-second life (an HMAC per call was 5% of orders' CPU). */
  private readonly tokens = new Map<string, { at: number; token: Promise<string> }>();
  private token(kind: string, sign: () => Promise<string>): Promise<string> {
    const held = this.tokens.get(kind);
    if (held && Date.now() - held.at < 30_000) return held.token;
    const token = sign();
    this.tokens.set(kind, { at: Date.now(), token });
    return token;
  }
}

/** `pause`: the step persisted the saga as waiting (for an approver) and this is the answer meanwhile. */
export type StepResult = { outcome: unknown } | { fail: PlaceOrderOutcome } | { pause: PlaceOrderOutcome };

export interface CheckoutStep {
  id: StepId;
  /** Does the step's work; must be safe to repeat with the same saga (stable keys). */
  run(env: StepEnv): Promise<StepResult>;
  /**
   * Undoes the step. `outcome` is undefined when the step may have started but its outcome was never
   * persisted (a crash or a lost answer): the undo must find out what happened and undo that.
   */
  undo?(env: StepEnv, outcome: unknown): Promise<void>;
  /** The step persists its own outcome in the same transaction as its effect (no undo needed for a maybe). */
  persistsItself?: boolean;
}
