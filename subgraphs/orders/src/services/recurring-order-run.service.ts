import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import { appError, CHECKOUT_ISSUER, type ChannelContext } from '@storegraph/schema';
import type { Logger, SubgraphRequestContext } from '@storegraph/kit';
import { createOrdersContext, type OrdersContext, type OrdersDb, type OrdersDeps } from '../context.ts';
import { quoteCart } from '../clients/prices.client.ts';
import { signCustomerContext } from '../clients/service-context.ts';
import { placeOrder } from '../checkout/place-order.service.ts';
import type { PlaceOrderOutcome } from '../checkout/checkout.types.ts';
import { isIsoDate, MAX_FAILURES, nextRunDate, runKey, runPlaced } from '../domain/recurring-schedule.rules.ts';
import { companySchedule, SCHEDULE_COLUMNS, type RunRow, type ScheduleRow } from './recurring-order.service.ts';

type Db = OrdersDb['db'];

const RUN_COLUMNS = sql`schedule_id::text, to_char(run_date, 'YYYY-MM-DD') as run_date, attempt, status, outcome, order_id, approval_id, retry_at, created_at`;

async function loadSchedule(db: Db, id: string): Promise<ScheduleRow | null> {
  const [row] = await db.execute<ScheduleRow>(sql`select ${SCHEDULE_COLUMNS} from orders.recurring_orders s where s.id = ${id}::uuid`);
  return row ?? null;
}

async function lastAttempt(db: Db, id: string, runDate: string): Promise<RunRow | null> {
  const [row] = await db.execute<RunRow>(sql`
    select ${RUN_COLUMNS} from orders.recurring_order_runs where schedule_id = ${id}::uuid and run_date = ${runDate}::date
    order by attempt desc limit 1`);
  return row ?? null;
}

/** The buyer's context as the checkout saw it when they set the schedule up, with a token signed now. */
async function buyerContext(db: OrdersDb, deps: OrdersDeps, log: Logger, s: ScheduleRow, requestId: string) {
  const channel = s.context as ChannelContext;
  const contextToken = await signCustomerContext(channel, deps.contextSecret);
  const base = { channel, issuer: CHECKOUT_ISSUER, contextToken, requestId, log, cachePolicy: {} } as unknown as SubgraphRequestContext;
  return createOrdersContext(db, base, deps);
}

/**
 * The run's cart: its id is derived from (schedule, run date), so replicas racing to make it make one, and
 * the lines go in with it in one transaction (nobody sees the cart without them). Every attempt of the run
 * checks out this cart; a failed saga leaves it ACTIVE again for the next attempt.
 */
async function runCart(db: Db, deps: OrdersDeps, s: ScheduleRow, runDate: string): Promise<string> {
  const ctx = s.context as ChannelContext;
  const [row] = await db.execute<{ id: string }>(sql`
    with made as (
      insert into orders.carts (id, channel, owner, customer_id, company_id, currency, email, shipping_address, billing_address, shipping_method, expires_at)
      values (md5(${s.id} || ':' || ${runDate})::uuid, ${s.channel}, ${`customer:${s.customer_id}`}, ${s.customer_id}, ${s.company_id},
        ${ctx.currency}, ${s.email}, ${JSON.stringify(s.shipping_address)}::jsonb, ${JSON.stringify(s.shipping_address)}::jsonb,
        ${s.shipping_method}, now() + make_interval(secs => ${Math.round(deps.cartIdleMs / 1000)}))
      on conflict (id) do nothing
      returning id),
    lined as (
      insert into orders.cart_lines (cart_id, variant_id, quantity)
      select made.id, l."variantId", l.quantity from made, jsonb_to_recordset(${JSON.stringify(s.lines)}::jsonb) as l("variantId" text, quantity int))
    select md5(${s.id} || ':' || ${runDate})::uuid::text as id`);
  return row!.id;
}

/** Records an attempt's answer once (the first replica to finish it), and moves the schedule on or counts the failure. */
async function record(db: Db, deps: OrdersDeps, s: ScheduleRow, runDate: string, attempt: number, outcome: string, placed?: PlaceOrderOutcome) {
  const ok = runPlaced(outcome);
  const orderId = placed?.__typename === 'OrderPlaced' ? placed.orderId : null;
  const approvalId = placed?.__typename === 'ApprovalRequired' ? placed.approvalId : null;
  const next = nextRunDate(s.cadence, s.anchor_day, runDate);
  await db.transaction(async (tx) => {
    const moved = await tx.execute(sql`
      update orders.recurring_order_runs set status = ${ok ? 'PLACED' : 'FAILED'}, outcome = ${outcome}, order_id = ${orderId},
        approval_id = ${approvalId}, updated_at = now(),
        retry_at = ${ok ? null : new Date(Date.now() + deps.scheduleRetryMs).toISOString()}::timestamptz
      where schedule_id = ${s.id}::uuid and run_date = ${runDate}::date and attempt = ${attempt} and status = 'RUNNING'
      returning attempt`);
    if (moved.length === 0) return;
    if (ok) {
      await tx.execute(sql`
        update orders.recurring_orders set next_run = ${next}::date, failures = 0, version = version + 1, updated_at = now()
        where id = ${s.id}::uuid and next_run = ${runDate}::date`);
    } else {
      await tx.execute(sql`
        update orders.recurring_orders set failures = failures + 1, version = version + 1, updated_at = now(),
          status = case when failures + 1 >= ${MAX_FAILURES} then 'PAUSED' else status end,
          paused_reason = case when failures + 1 >= ${MAX_FAILURES} then ${`paused after ${MAX_FAILURES} failed attempts in a row`} else paused_reason end
        where id = ${s.id}::uuid`);
    }
  });
}

/**
 * Runs a schedule's due run (its next_run date): the attempt to make is read from the run's rows (a new run:
 * 1; one in progress: the same, so a second replica joins the same saga; a failure whose retry time has come,
 * or `force`: the next). The checkout key is derived from (schedule, run date, attempt): replicas running the
 * same attempt at once send the same key and get one saga's one answer. Null when there is nothing to do yet.
 */
export async function runSchedule(db: OrdersDb, deps: OrdersDeps, log: Logger, id: string, force: boolean): Promise<RunRow | null> {
  const s = await loadSchedule(db.db, id);
  if (s?.status !== 'ACTIVE') return null;
  const runDate = s.next_run;
  const last = await lastAttempt(db.db, id, runDate);
  if (last?.status === 'PLACED') return last;
  if (last?.status === 'FAILED' && !force && last.retry_at && new Date(last.retry_at).getTime() > Date.now()) return null;
  const attempt = !last ? 1 : last.status === 'FAILED' ? last.attempt + 1 : last.attempt;
  await db.db.execute(sql`
    insert into orders.recurring_order_runs (schedule_id, run_date, attempt) values (${id}::uuid, ${runDate}::date, ${attempt})
    on conflict do nothing`);
  const cartId = await runCart(db.db, deps, s, runDate);
  const ctx = await buyerContext(db, deps, log, s, `schedule-${id}-${runDate}-${attempt}`);
  let outcome: string;
  let answer: PlaceOrderOutcome | undefined;
  try {
    // Today's prices: the expected total is what prices quotes for the run's lines now.
    const quote = await quoteCart(deps.prices, ctx.contextToken, ctx.requestId, {
      lines: s.lines,
      couponCodes: [],
      shipTo: { country: s.shipping_address.country, region: s.shipping_address.region ?? null },
      shippingMethod: s.shipping_method,
    });
    if (quote.__typename !== 'Quote') outcome = 'CartNotReady';
    else {
      answer = await placeOrder(ctx, {
        cartId,
        idempotencyKey: runKey(id, runDate, attempt),
        expectedTotal: { amount: quote.total, currency: quote.currency },
        payment: { provider: s.payment_provider },
        purchaseOrder: s.purchase_order,
      });
      outcome = answer.__typename;
    }
  } catch (err) {
    if (!(err instanceof GraphQLError)) throw err;
    // A refusal (PO now required, a service down): recorded as this attempt's failure under its stable code.
    outcome = String(err.extensions.code ?? 'INTERNAL_SERVER_ERROR');
    log.warn({ err, scheduleId: id, runDate, attempt }, 'recurring order run refused');
  }
  await record(db.db, deps, s, runDate, attempt, outcome, answer);
  return (
    await db.db.execute<RunRow>(sql`
    select ${RUN_COLUMNS} from orders.recurring_order_runs where schedule_id = ${id}::uuid and run_date = ${runDate}::date and attempt = ${attempt}`)
  )[0]!;
}

/** The job's pass: every active schedule due today (UTC) or earlier, a batch at a time, oldest first. */
export async function runDueSchedules(db: OrdersDb, deps: OrdersDeps, log: Logger, batch = 20): Promise<number> {
  const due = await db.db.execute<{ id: string }>(sql`
    select id::text from orders.recurring_orders where status = 'ACTIVE' and next_run <= (now() at time zone 'UTC')::date
    order by next_run, id limit ${batch}`);
  let ran = 0;
  for (const { id } of due) {
    try {
      if (await runSchedule(db, deps, log, id, false)) ran += 1;
    } catch (err) {
      log.error({ err, scheduleId: id }, 'recurring order run failed');
    }
  }
  return ran;
}

/**
 * The company admin runs the coming run now. `runDate` is the nextRun date they saw: asking again for a run
 * already placed answers that run (a retried request, or two admins at once, order once), and a date that is
 * neither the coming run nor a run made is CONFLICT, so a stale screen never orders the run after.
 */
export async function runRecurringOrderNow(ctx: OrdersContext, id: string, runDate: string): Promise<RunRow> {
  const schedule = await companySchedule(ctx, id, true);
  if (!schedule) throw appError('NOT_FOUND', `no recurring order ${id}`, { argument: 'id' });
  if (!isIsoDate(runDate)) throw appError('BAD_USER_INPUT', 'runDate is a date, YYYY-MM-DD', { argument: 'runDate' });
  if (runDate !== schedule.next_run) {
    const last = await lastAttempt(ctx.db.db, id, runDate);
    if (last?.status === 'PLACED') return last;
    throw appError('CONFLICT', `the coming run is on ${schedule.next_run}`, { reason: 'RUN_DATE', nextRun: schedule.next_run });
  }
  if (schedule.status !== 'ACTIVE') throw appError('CONFLICT', 'the recurring order is paused', { reason: 'SCHEDULE_PAUSED' });
  const run = await runSchedule(ctx.db, ctx.deps, ctx.log, id, true);
  // Null only if it was paused between the read and the run.
  if (!run) throw appError('CONFLICT', 'the recurring order is paused', { reason: 'SCHEDULE_PAUSED' });
  return run;
}
