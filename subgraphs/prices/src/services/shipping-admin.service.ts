import type { PricesContext } from '../context.ts';
import { shippingMethods } from '../db/tables.ts';
import type { TaxCategory } from '../loaders/settings.loaders.ts';
import type { ShippingMethodKind } from '../pricing/shipping-method.types.ts';
import { assertCurrency, badInput } from './input.validation.ts';
import { SHIPPING_CODE } from './quote-input.validation.ts';
import { assertStaff } from './staff-scope.ts';

export interface ShippingMethodInput {
  channel: string;
  code: string;
  name: string;
  kind: ShippingMethodKind;
  currency: string;
  amount?: number | null;
  freeFrom?: number | null;
  weightBands?: { upToGrams: number; amount: number }[] | null;
  taxCategory?: TaxCategory | null;
  countries?: string[] | null;
  active?: boolean | null;
  position?: number | null;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_BANDS = 20;
/** The products column is a PostgreSQL integer. */
const MAX_GRAMS = 2_147_483_647;
const minor = (v: number | null | undefined) => v != null && Number.isSafeInteger(v) && v >= 0;

type Row = typeof shippingMethods.$inferInsert;

/** Checks the input against its kind: each kind takes exactly the amounts it uses, so nothing is ignored silently. */
function toRow(p: ShippingMethodInput): Row {
  const fail = (reason: string, message: string, argument: string): never => {
    throw badInput(reason, message, { argument: `input.${argument}` });
  };
  if (!ID.test(p.channel)) fail('INVALID_ID', 'malformed channel', 'channel');
  if (!SHIPPING_CODE.test(p.code)) fail('INVALID_SHIPPING_METHOD', 'code: 1-64 of letters, digits, _ . : -', 'code');
  if (!p.name.trim() || p.name.length > 200) fail('INVALID_NAME', 'name: 1-200 characters', 'name');
  assertCurrency(p.currency, 'input.currency');
  const takesAmount = p.kind === 'FLAT' || p.kind === 'FREE_ABOVE';
  if (takesAmount && !minor(p.amount)) fail('INVALID_AMOUNT', `a ${p.kind} method has an amount of minor units >= 0`, 'amount');
  if (p.kind === 'PICKUP' && p.amount != null && p.amount !== 0) fail('INVALID_AMOUNT', 'pickup costs 0', 'amount');
  if (p.kind === 'WEIGHT_BANDS' && p.amount != null) fail('INVALID_AMOUNT', 'a WEIGHT_BANDS method is priced by its bands', 'amount');
  if (p.kind === 'FREE_ABOVE' ? !minor(p.freeFrom) || p.freeFrom === 0 : p.freeFrom != null) {
    fail('INVALID_AMOUNT', 'freeFrom: a positive amount of minor units, for FREE_ABOVE only', 'freeFrom');
  }
  let weightBands: Row['weightBands'] = null;
  if (p.kind === 'WEIGHT_BANDS') {
    const bands = [...(p.weightBands ?? [])].sort((a, b) => a.upToGrams - b.upToGrams);
    const valid =
      bands.length > 0 &&
      bands.length <= MAX_BANDS &&
      bands.every(
        (b, i) => Number.isInteger(b.upToGrams) && b.upToGrams > 0 && b.upToGrams <= MAX_GRAMS && minor(b.amount) && b.upToGrams !== bands[i - 1]?.upToGrams,
      );
    if (!valid) fail('INVALID_WEIGHT_BANDS', `1 to ${MAX_BANDS} bands with distinct upToGrams from 1 g and amounts >= 0`, 'weightBands');
    weightBands = bands.map((b) => ({ upToGrams: b.upToGrams, amount: b.amount }));
  } else if (p.weightBands != null) {
    fail('INVALID_WEIGHT_BANDS', 'weightBands are for WEIGHT_BANDS methods only', 'weightBands');
  }
  const countries = [...new Set(p.countries ?? [])];
  if (countries.length > 250 || !countries.every((c) => /^[A-Z]{2}$/.test(c))) fail('INVALID_COUNTRY', 'countries: ISO 3166-1 alpha-2 codes', 'countries');
  const position = p.position ?? 0;
  if (!Number.isInteger(position) || Math.abs(position) > 1_000_000) fail('INVALID_POSITION', 'position is an integer within +-1,000,000', 'position');
  return {
    channel: p.channel,
    code: p.code,
    name: p.name.trim(),
    kind: p.kind,
    currency: p.currency,
    amount: takesAmount ? p.amount! : p.kind === 'PICKUP' ? 0 : null,
    freeFrom: p.kind === 'FREE_ABOVE' ? p.freeFrom! : null,
    weightBands,
    taxCategory: p.taxCategory ?? 'STANDARD',
    countries: countries.sort(),
    active: p.active ?? true,
    position,
  };
}

export function shippingMethodView(r: typeof shippingMethods.$inferSelect) {
  const money = (amount: number) => ({ amount, currency: r.currency });
  return {
    channel: r.channel,
    code: r.code,
    name: r.name,
    kind: r.kind,
    amount: r.amount !== null ? money(r.amount) : null,
    freeFrom: r.freeFrom !== null ? money(r.freeFrom) : null,
    weightBands: (r.weightBands ?? []).map((b) => ({ upToGrams: b.upToGrams, amount: money(b.amount) })),
    taxCategory: r.taxCategory,
    countries: r.countries,
    active: r.active,
    position: r.position,
  };
}

/** Creates or replaces a shipping method of one channel (the channel and code are its identity). */
export async function upsertShippingMethod(ctx: PricesContext, input: ShippingMethodInput) {
  const row = toRow(input);
  assertStaff(ctx, row.channel);
  const [saved] = await ctx.db.db
    .insert(shippingMethods)
    .values(row)
    .onConflictDoUpdate({ target: [shippingMethods.channel, shippingMethods.code], set: row })
    .returning();
  return shippingMethodView(saved!);
}
