import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Kind, parse, type OperationDefinitionNode, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAllowList } from '@storegraph/bff-kit';
import { postGraphQL, sqlClient, system, tokenFor } from '../support/clients.ts';
import { RELEASE, RESERVE, gateway, ok } from './stock-support.ts';

/**
 * Every allow-listed operation of every BFF, by name with a signed-in caller, fed generated hostile
 * variables: control characters, lone surrogates, overlong strings, huge, negative and fractional numbers,
 * wrong types, deep nesting, unknown ids and other channels' ids. Whatever comes back is a client error or
 * an answer, never a 5xx or INTERNAL_SERVER_ERROR, and nothing is written: every generated reservation has
 * at least one defect, and every idempotency key carries this run's tag, so a row with the tag is a bug.
 */

type Bff = 'b2c' | 'b2b' | 'pos';
const USERS: Record<Bff, string> = { b2c: 'anna@example.com', b2b: 'buyer@acme.example', pos: 'till-1@berlin.shop' };
/** The customer ids of those callers: orders and promotion redemptions are theirs. */
const CUSTOMERS = ['cus_anna', 'cus_acme_buyer'];
const RUN = `hostile-${process.pid}-${Date.now().toString(36)}`;
/** Generated keys start with this; each run replaces it with its own tag. */
const KEY = '<KEY>';
const BEN = { customerId: 'cus_ben' };

/** A variant each channel sells (a clean reservation of it would be written), and ones it does not. */
const SELLABLE: Record<Bff, string> = { b2c: 'var_0001_1', b2b: 'var_0010_1', pos: 'var_0003_1' };
const FOREIGN: Record<Bff, string[]> = { b2c: ['var_0010_1'], b2b: [], pos: ['var_0001_1', 'var_0010_1'] };

const shared = readFileSync(new URL('../../bffs/kit/src/shared-operations.graphql', import.meta.url), 'utf8');
const operations = (['b2c', 'b2b', 'pos'] as const).flatMap((which) => {
  const own = readFileSync(new URL(`../../bffs/${which}/src/operations.graphql`, import.meta.url), 'utf8');
  return [...loadAllowList(`${own}\n${shared}`).values()].map((op) => {
    const def = parse(op.query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    return { which, name: op.name, variables: def.variableDefinitions ?? [] };
  });
});

// ---- hostile values -------------------------------------------------------------------------------

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const control = fc.constantFrom('\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u001b', '\u007f', '\u0080', '\u0085', '\u009f');
const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const around = (middle: fc.Arbitrary<string>) => fc.tuple(fc.string({ maxLength: 6 }), middle, fc.string({ maxLength: 6 })).map((p) => p.join(''));
/** Strings the edge must refuse. */
const refusedString = fc.oneof(
  around(control),
  around(loneSurrogate),
  fc.integer({ min: 10_001, max: 12_000 }).map((n) => 'x'.repeat(n)),
);
/** Ids that name nothing this caller may touch. */
const unknownId = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => `nope-${s}`),
  fc.constantFrom('', ' ', "' or 1=1 --", '%', '_%', '\\', '../../etc/passwd', '{{7*7}}', 'x'.repeat(65), '00000000-0000-4000-8000-000000000000'),
  fc.uuid(),
);
let victimId = '';
const hostileString = fc.oneof(
  refusedString,
  unknownId,
  fc.string({ unit: anyCodeUnit, maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  fc.constantFrom('var_0010_1', 'var_0001_1', 'prd_0010', 'pos-berlin', 'trade-eu'),
  fc.constant(null).map(() => victimId),
);
const badNumber = fc.constantFrom(0, -1, -0.5, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e308, -1e308, Number.MAX_SAFE_INTEGER);
const hostileNumber = fc.oneof(badNumber, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 5 }));
const wrongType = fc.constantFrom<unknown>(true, null, [], {}, '1', [[]], { a: 1 }, 'NaN');
const nest = (levels: number, asList: boolean): unknown => (levels === 0 ? 'x' : asList ? [nest(levels - 1, asList)] : { a: nest(levels - 1, asList) });
const deep = fc.tuple(fc.integer({ min: 11, max: 40 }), fc.boolean()).map(([n, asList]) => nest(n, asList));
const anything = fc.oneof(wrongType, deep, fc.jsonValue({ maxDepth: 3 }));

function reserveInput(which: Bff): fc.Arbitrary<unknown> {
  const line = { variantId: SELLABLE[which], quantity: 1 };
  const base = { idempotencyKey: `${KEY}ok`, lines: [line], ttlSeconds: 900 };
  const withLine = (bad: object) => fc.constantFrom([bad], [line, bad]).map((lines) => ({ ...base, lines }));
  // Each alternative has at least one defect; the last ones mix a good line with a bad one, which must fail whole.
  return fc.oneof(
    refusedString.map((s) => ({ ...base, idempotencyKey: `${KEY}${s}` })),
    unknownId.chain((variantId) => withLine({ variantId, quantity: 1 })),
    ...(FOREIGN[which].length ? [fc.constantFrom(...FOREIGN[which]).chain((variantId) => withLine({ variantId, quantity: 1 }))] : []),
    badNumber.chain((quantity) => withLine({ variantId: SELLABLE[which], quantity })),
    fc.oneof(wrongType, hostileString).chain((quantity) => withLine({ variantId: SELLABLE[which], quantity })),
    fc.oneof(badNumber, fc.constantFrom(86_401, 2 ** 31)).map((ttlSeconds) => ({ ...base, ttlSeconds })),
    fc
      .constantFrom(
        [],
        Array.from({ length: 5_001 }, () => line),
      )
      .map((lines) => ({ ...base, lines })),
    fc.constant({ ...base, actor: 'cus_ben', channel: 'web-us' }),
    anything,
  );
}

const quoteInput = fc.record(
  {
    lines: fc.array(fc.record({ variantId: hostileString, quantity: hostileNumber }), { maxLength: 3 }),
    couponCodes: fc.array(hostileString, { maxLength: 2 }),
    shipTo: fc.record({ country: hostileString, region: hostileString }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const productFilter = fc.record(
  {
    categorySlug: hostileString,
    brandSlug: hostileString,
    brandSlugs: fc.array(hostileString, { maxLength: 3 }),
    attributes: fc.array(fc.record({ code: hostileString, values: fc.array(hostileString, { maxLength: 2 }), min: hostileNumber, max: hostileNumber }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: [] },
);

function forType(type: TypeNode, which: Bff): fc.Arbitrary<unknown> {
  if (type.kind === Kind.NON_NULL_TYPE) return forType(type.type, which);
  if (type.kind === Kind.LIST_TYPE) return fc.array(forType(type.type, which), { maxLength: 3 });
  const typed: Record<string, () => fc.Arbitrary<unknown>> = {
    Int: () => hostileNumber,
    Float: () => hostileNumber,
    String: () => hostileString,
    ID: () => hostileString,
    Boolean: () => fc.boolean(),
    ReserveStockInput: () => reserveInput(which),
    QuoteInput: () => quoteInput,
    ProductFilter: () => productFilter,
    ProductSort: () => fc.oneof(fc.constantFrom('NAME', 'NEWEST', 'CHANNEL_ORDER', 'PRICE_ASC'), hostileString),
  };
  const named = typed[type.name.value]?.() ?? anything;
  return fc.oneof({ weight: 6, arbitrary: named }, { weight: 1, arbitrary: anything });
}

const request = fc
  .constantFrom(...operations)
  .chain((op) =>
    fc
      .record(Object.fromEntries(op.variables.map((v) => [v.variable.name.value, forType(v.type, op.which)])), { requiredKeys: [] })
      .map((variables) => ({ which: op.which, operationName: op.name, variables })),
  );

/** Puts this run's tag into every generated key, so a written row is found by it. */
function tagged(value: unknown, tag: string): unknown {
  if (typeof value === 'string') return value.startsWith(KEY) ? tag + value.slice(KEY.length) : value;
  if (Array.isArray(value)) return value.map((v) => tagged(v, tag));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tagged(v, tag)]));
  return value;
}

// ---- the property -----------------------------------------------------------------------------------

describe('hostile variables against every allow-listed operation', () => {
  let sql: ReturnType<typeof sqlClient>;
  const tokens = {} as Record<Bff, string>;
  const started = new Date();
  let victimMovements = 0;

  const victimState = async () => {
    const [row] = await sql<{ status: string; movements: number }[]>`
      select r.status::text as status, (select count(*)::int from stock.movements m where m.reservation_id = r.id) as movements
      from stock.reservations r where r.id = ${victimId}`;
    return row!;
  };

  beforeAll(async () => {
    sql = sqlClient();
    for (const which of ['b2c', 'b2b', 'pos'] as const) tokens[which] = await tokenFor(USERS[which]);
    // Someone else's live reservation (Ben's, in Anna's channel): its id is among the generated ids, and it
    // must stay untouched. A demo variant, not a new product: those would show up in other tests' listings.
    const victim = ok(await gateway('web-eu', RESERVE, { input: { idempotencyKey: `${RUN}-victim`, lines: [{ variantId: 'var_0001_1', quantity: 1 }] } }, BEN));
    victimId = victim.reserveStock.id;
    const state = await victimState();
    expect(state.status).toBe('ACTIVE');
    victimMovements = state.movements;
    // One unit from one location: one RESERVATION movement.
    expect(victimMovements).toBe(1);
  });
  afterAll(async () => {
    if (victimId) await gateway('web-eu', RELEASE, { id: victimId }, BEN);
    await sql?.end();
  });

  it('answers with a client error or data, never a 5xx or INTERNAL_SERVER_ERROR, and writes nothing', async () => {
    expect(operations.map((o) => `${o.which}:${o.name}`)).toEqual(expect.arrayContaining(['b2c:ReserveStock', 'b2b:ReserveStock', 'pos:ReserveStock']));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ which, operationName, variables }) => {
        n += 1;
        const tag = `${RUN}-r${n}-`;
        const body = { operationName, variables: tagged(variables, tag) };
        const res = await postGraphQL(system()[which], body, { authorization: `Bearer ${tokens[which]}` });
        const what = `${which} ${operationName}: ${res.status} ${JSON.stringify(res.errors)?.slice(0, 300)}`;
        expect(res.status, what).toBeLessThan(500);
        for (const e of res.errors ?? []) expect(e.extensions?.code, what).not.toBe('INTERNAL_SERVER_ERROR');
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from stock.reservations where strpos(idempotency_key, ${tag}) > 0`;
        expect(row!.n, `${what}: wrote a reservation`).toBe(0);
      }),
      { numRuns: 300, endOnFailure: true },
    );

    const [written] = await sql<{ reservations: number; movements: number; orders: number; redemptions: number }[]>`
      select
        (select count(*)::int from stock.reservations where strpos(idempotency_key, ${`${RUN}-r`}) > 0) as reservations,
        (select count(*)::int from stock.movements m join stock.reservations r on r.id = m.reservation_id
          where strpos(r.idempotency_key, ${`${RUN}-r`}) > 0) as movements,
        (select count(*)::int from orders.orders where customer_id in ${sql(CUSTOMERS)} and placed_at >= ${started}) as orders,
        (select count(*)::int from prices.promotion_redemptions where customer_id in ${sql(CUSTOMERS)} and redeemed_at >= ${started}) as redemptions`;
    expect(written).toEqual({ reservations: 0, movements: 0, orders: 0, redemptions: 0 });
    expect(await victimState()).toEqual({ status: 'ACTIVE', movements: victimMovements });
  });
});
