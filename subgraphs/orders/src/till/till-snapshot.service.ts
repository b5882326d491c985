import { createHash } from 'node:crypto';
import { appError, Code } from '@storegraph/schema';
import { serviceUnavailable } from '@storegraph/kit';
import type { OrdersContext } from '../context.ts';
import { quoteCart, type QuoteLine } from '../clients/prices.client.ts';
import { signCustomerContext } from '../clients/service-context.ts';
import { requireTill } from './till-session.service.ts';

const PAGE = 100;
/** A shop's till catalogue is bounded: past this many variants a snapshot is refused rather than half-sent. */
const MAX_VARIANTS = 5_000;
const QUOTE_LINES = 500;

const LISTING = `query TillSnapshotCatalogue($first: Int!, $after: String) {
  products(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id name variants { id sku gtin } } }
}`;

interface CatalogueVariant {
  variantId: string;
  sku: string;
  gtin: string | null;
  productId: string;
  name: string;
}

/** The channel's catalogue as the till's own context reads it (the catalogue's visibility rule decides what is in it). */
async function catalogue(ctx: OrdersContext): Promise<CatalogueVariant[]> {
  const out: CatalogueVariant[] = [];
  let after: string | null = null;
  for (;;) {
    type Page = {
      products: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { id: string; name: string; variants: { id: string; sku: string; gtin: string | null }[] }[];
      };
    };
    const page: Page = await ctx.deps.products.execute<Page>(ctx.contextToken, ctx.requestId, LISTING, { first: PAGE, after });
    for (const p of page.products.nodes) for (const v of p.variants) out.push({ variantId: v.id, sku: v.sku, gtin: v.gtin, productId: p.id, name: p.name });
    if (out.length > MAX_VARIANTS) throw appError(Code.BAD_USER_INPUT, `a till snapshot holds at most ${MAX_VARIANTS} variants`);
    if (!page.products.pageInfo.hasNextPage) return out;
    after = page.products.pageInfo.endCursor;
  }
}

/**
 * Today's POS price of one unit of each variant, with the promotions that apply to one unit (prices' own quote in
 * the till's channel, so the channel's in-store promotions are in it) and its tax rate. Variants the channel does
 * not price are left out: the till cannot sell them.
 */
async function unitPrices(ctx: OrdersContext, variantIds: string[]): Promise<Map<string, QuoteLine>> {
  const prices = new Map<string, QuoteLine>();
  const token = await signCustomerContext(ctx.channel, ctx.deps.contextSecret);
  const quote = (ids: string[]) =>
    quoteCart(ctx.deps.prices, token, ctx.channel.requestId, {
      lines: ids.map((variantId) => ({ variantId, quantity: 1 })),
      couponCodes: [],
      shipTo: null,
      shippingMethod: null,
    });
  // Prices quotes at most 500 lines at once.
  for (let i = 0; i < variantIds.length; i += QUOTE_LINES) {
    const chunk = variantIds.slice(i, i + QUOTE_LINES);
    let answer = await quote(chunk);
    if (answer.__typename === 'QuoteNotPossible') {
      const unpriced = new Set(answer.unpriced.map((u) => u.variantId));
      const rest = chunk.filter((v) => !unpriced.has(v));
      if (rest.length === 0) continue;
      answer = await quote(rest);
    }
    if (answer.__typename !== 'Quote') throw serviceUnavailable('prices');
    for (const l of answer.lines) prices.set(l.variantId, l);
  }
  return prices;
}

/** Units the till's shop can sell of each variant now (stock's availability for the till's channel, at its shop). */
async function shopStock(ctx: OrdersContext, variantIds: string[], locationId: string): Promise<Map<string, number>> {
  type Avail = { availability: { locations: { location: { id: string }; available: number }[] } | null };
  const units = new Map<string, number>();
  for (let i = 0; i < variantIds.length; i += QUOTE_LINES) {
    const chunk = variantIds.slice(i, i + QUOTE_LINES);
    const rows = await ctx.deps.stock.entities<Avail>(ctx, 'Variant', chunk, 'availability { locations { location { id } available } }');
    for (const [j, id] of chunk.entries()) units.set(id, rows[j]?.availability?.locations.find((l) => l.location.id === locationId)?.available ?? 0);
  }
  return units;
}

/**
 * What a till needs to sell offline: its shop's catalogue with POS prices (promotions on one unit applied) and the
 * stock at its shop. The version is a digest of exactly that content, so it moves when anything the till would
 * sell differently moves, and a till asking with the version it holds gets `changed: false` and no items.
 */
export async function tillSnapshot(ctx: OrdersContext, sinceVersion: string | null | undefined) {
  const till = requireTill(ctx);
  const variants = await catalogue(ctx);
  const ids = variants.map((v) => v.variantId);
  const [prices, stock] = await Promise.all([unitPrices(ctx, ids), shopStock(ctx, ids, till.locationId)]);
  const money = (amount: number) => ({ amount, currency: ctx.channel.currency });
  const items = variants
    .filter((v) => prices.has(v.variantId))
    .sort((a, b) => a.variantId.localeCompare(b.variantId))
    .map((v) => {
      const p = prices.get(v.variantId)!;
      return { ...v, unit: p.unit, promotionDiscount: p.discount, price: p.total, taxRateBp: p.taxRateBp, available: stock.get(v.variantId) ?? 0 };
    });
  const version = createHash('sha256')
    .update(JSON.stringify([ctx.channel.channel, till.locationId, ctx.channel.currency, items]))
    .digest('hex')
    .slice(0, 24);
  const changed = sinceVersion !== version;
  return {
    version,
    changed,
    takenAt: new Date().toISOString(),
    locationId: till.locationId,
    items: changed
      ? items.map((i) => ({
          variantId: i.variantId,
          sku: i.sku,
          gtin: i.gtin,
          productId: i.productId,
          name: i.name,
          unitPrice: money(i.unit),
          promotionDiscount: money(i.promotionDiscount),
          price: money(i.price),
          taxRateBasisPoints: i.taxRateBp,
          available: i.available,
        }))
      : [],
  };
}
