import { allocate } from '../money/allocation.math.ts';
import { percentOf, splitTax } from '../money/tax.math.ts';
import type { PromotionRule } from './promotion.types.ts';

/** A cart line whose unit price is already resolved in the channel's currency and tax basis. */
export interface PricedLine {
  variantId: string;
  quantity: number;
  categoryIds: readonly string[];
  unit: bigint;
  taxRateBp: number;
  taxCategory: string;
}

export interface LineDiscount {
  promotionId: string;
  amount: bigint;
}

export interface QuotedLine extends PricedLine {
  /** unit x quantity, before discounts. */
  subtotal: bigint;
  discounts: LineDiscount[];
  /** subtotal minus discounts: what the line costs, in the channel's tax basis. */
  total: bigint;
  net: bigint;
  tax: bigint;
  gross: bigint;
}

export interface AppliedPromotion {
  promotion: PromotionRule;
  amount: bigint;
  reason: string;
}

export interface SkippedPromotion {
  promotion: PromotionRule;
  reason: string;
}

export interface TaxLine {
  taxCategory: string;
  rateBp: number;
  net: bigint;
  tax: bigint;
}

export interface QuoteComputation {
  lines: QuotedLine[];
  applied: AppliedPromotion[];
  skipped: SkippedPromotion[];
  taxLines: TaxLine[];
  subtotal: bigint;
  discountTotal: bigint;
  net: bigint;
  tax: bigint;
  gross: bigint;
  /** What the customer pays: gross. */
  total: bigint;
}

function qualifies(p: PromotionRule, line: PricedLine): boolean {
  if (p.target === 'SUBTOTAL') return true;
  if (p.target === 'PRODUCTS') return p.variantIds.includes(line.variantId);
  return line.categoryIds.some((c) => p.categoryIds.includes(c));
}

function describe(p: PromotionRule): string {
  const code = p.couponCode ? ` (code ${p.couponCode})` : '';
  const what = p.target === 'SUBTOTAL' ? 'the cart subtotal' : p.target === 'PRODUCTS' ? 'selected products' : 'selected categories';
  if (p.kind === 'PERCENT_OFF') return `${p.name}${code}: ${p.percentBp! / 100}% off ${what}`;
  if (p.kind === 'AMOUNT_OFF') return `${p.name}${code}: fixed amount off ${what}`;
  return `${p.name}${code}: volume discount on ${what}`;
}

/**
 * Discount per line for one promotion against what each line still costs (`remaining`). Never more
 * than what remains, so stacked promotions cannot push a line below zero.
 */
function discountsFor(p: PromotionRule, lines: readonly PricedLine[], remaining: readonly bigint[]): { parts: bigint[]; why: string } {
  const mask = lines.map((l) => qualifies(p, l));
  const zero = lines.map(() => 0n);
  if (!mask.some(Boolean)) return { parts: zero, why: 'no line qualifies' };
  const cap = (parts: bigint[]) => parts.map((d, i) => (mask[i] ? (d < remaining[i]! ? d : remaining[i]!) : 0n));
  if (p.kind === 'BUY_N') {
    const qty = lines.reduce((s, l, i) => s + (mask[i] ? l.quantity : 0), 0);
    const tier = [...(p.tiers ?? [])].sort((a, b) => b.minQuantity - a.minQuantity).find((t) => t.minQuantity <= qty);
    if (!tier) return { parts: zero, why: `buy ${Math.min(...(p.tiers ?? []).map((t) => t.minQuantity))} qualifying items, the cart has ${qty}` };
    return { parts: cap(remaining.map((r) => percentOf(r, tier.percentBp))), why: `${qty} qualifying items reach the ${tier.minQuantity}+ tier` };
  }
  if (p.target === 'SUBTOTAL') {
    const base = remaining.reduce((s, r) => s + r, 0n);
    const wanted = p.kind === 'PERCENT_OFF' ? percentOf(base, p.percentBp!) : p.amountOff!;
    const total = wanted < base ? wanted : base;
    return { parts: allocate(total, remaining), why: 'applies to the subtotal' };
  }
  if (p.kind === 'PERCENT_OFF') return { parts: cap(remaining.map((r) => percentOf(r, p.percentBp!))), why: 'applies to qualifying lines' };
  return { parts: cap(lines.map((l) => p.amountOff! * BigInt(l.quantity))), why: 'per qualifying unit' };
}

/** Anything taxed at one rate: a line, or the shipping charge. */
interface Taxed {
  taxCategory: string;
  taxRateBp: number;
  net: bigint;
  tax: bigint;
}

/** One tax line per category and rate, highest rate first. */
function taxLinesOf(parts: readonly Taxed[]): TaxLine[] {
  const taxLines = new Map<string, TaxLine>();
  for (const p of parts) {
    const key = `${p.taxCategory}:${p.taxRateBp}`;
    const t = taxLines.get(key) ?? { taxCategory: p.taxCategory, rateBp: p.taxRateBp, net: 0n, tax: 0n };
    t.net += p.net;
    t.tax += p.tax;
    taxLines.set(key, t);
  }
  return [...taxLines.values()].sort((a, b) => b.rateBp - a.rateBp || a.taxCategory.localeCompare(b.taxCategory));
}

const byPriority = (a: PromotionRule, b: PromotionRule) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Prices a cart from resolved unit prices and the eligible promotions. Pure and integer-only: the
 * engine behind `quote`, and the subject of the property test.
 *
 * Stacking: promotions are tried by priority (highest first, then id). An EXCLUSIVE promotion applies
 * only when nothing applied before it, and then nothing after it applies; COMBINABLE ones each apply to
 * what the earlier ones left. Cart-level discounts are spread over lines (largest remainder) so tax can
 * be computed per line; see `money/tax.math.ts` for the rounding rule.
 */
export function computeQuote(lines: readonly PricedLine[], promotions: readonly PromotionRule[], taxIncluded: boolean): QuoteComputation {
  const remaining = lines.map((l) => l.unit * BigInt(l.quantity));
  const perLine: LineDiscount[][] = lines.map(() => []);
  const applied: AppliedPromotion[] = [];
  const skipped: SkippedPromotion[] = [];
  let closed = false;
  for (const p of [...promotions].sort(byPriority)) {
    if (closed) {
      skipped.push({ promotion: p, reason: 'an exclusive promotion with higher priority applies' });
      continue;
    }
    if (p.stacking === 'EXCLUSIVE' && applied.length > 0) {
      skipped.push({ promotion: p, reason: 'exclusive: not combinable with promotions of higher priority that apply' });
      continue;
    }
    const { parts, why } = discountsFor(p, lines, remaining);
    const amount = parts.reduce((s, d) => s + d, 0n);
    if (amount === 0n) {
      skipped.push({ promotion: p, reason: why });
      continue;
    }
    parts.forEach((d, i) => {
      if (d === 0n) return;
      remaining[i]! -= d;
      perLine[i]!.push({ promotionId: p.id, amount: d });
    });
    applied.push({ promotion: p, amount, reason: `${describe(p)}; ${why}` });
    if (p.stacking === 'EXCLUSIVE') closed = true;
  }
  const quoted = lines.map((l, i): QuotedLine => {
    const total = remaining[i]!;
    const split = splitTax(total, l.taxRateBp, taxIncluded);
    return { ...l, subtotal: l.unit * BigInt(l.quantity), discounts: perLine[i]!, total, ...split };
  });
  const sum = (f: (l: QuotedLine) => bigint) => quoted.reduce((s, l) => s + f(l), 0n);
  const gross = sum((l) => l.gross);
  return {
    lines: quoted,
    applied,
    skipped,
    taxLines: taxLinesOf(quoted),
    subtotal: sum((l) => l.subtotal),
    discountTotal: applied.reduce((s, a) => s + a.amount, 0n),
    net: sum((l) => l.net),
    tax: sum((l) => l.tax),
    gross,
    total: gross,
  };
}

/** A shipping charge already split by the tax rule (see `shipping.calculator.ts`). */
export interface ShippingLine extends Taxed {
  gross: bigint;
}

/**
 * The quote with shipping added: its tax joins the tax line of its category and rate, and net, tax, gross
 * and total include it, so they still add up (net + tax = gross). Subtotal and discountTotal stay the
 * goods': promotions never discount shipping.
 */
export function addShipping(q: QuoteComputation, shipping: ShippingLine): QuoteComputation {
  const gross = q.gross + shipping.gross;
  return {
    ...q,
    taxLines: taxLinesOf([...q.lines, shipping]),
    net: q.net + shipping.net,
    tax: q.tax + shipping.tax,
    gross,
    total: gross,
  };
}
