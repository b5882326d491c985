import { afterAll, expect } from 'vitest';
import { bff, type GraphQLResponse } from '../support/clients.ts';
import { createTestProduct } from '../../subgraphs/products/test/catalog-admin.ts';
import { BERLIN, HAMBURG, priceVariant, receive } from './stock-support.ts';

/**
 * The storefront allow-list walk (b2c, b2b, pos) is split over allow-list-walk.test.ts and the subject files
 * below. Vitest runs files in separate workers, so no file sees what another ran: each subject file CLAIMS its
 * operations (`which:Name`) and fails (afterAll) when it did not run one; allow-list-walk.test.ts leaves the
 * claimed ones out of its own check that every allow-listed operation is run.
 */
export const STOREFRONT_WALKS = {
  // allow-list-walk-till.test.ts
  till: [
    'pos:TillSignIn',
    'pos:CurrentTillSession',
    'pos:OpenTillSession',
    'pos:TillSale',
    'pos:PostOfflineSales',
    'pos:TillPickups',
    'pos:TillHandOver',
    'pos:CloseTillSession',
    'pos:TillSignOut',
  ],
  // allow-list-walk-trade.test.ts
  trade: [
    'b2b:CompanyApprovals',
    'b2b:Approval',
    'b2b:RejectOrder',
    'b2b:ApproveOrder',
    'b2b:CompanyCredit',
    'b2b:CompanyInvoices',
    'b2b:SaveList',
    'b2b:SavedLists',
    'b2b:AddSavedListToCart',
    'b2b:Reorder',
    'b2b:DeleteSavedList',
    'b2b:RequestQuote',
    'b2b:MyQuotes',
    'b2b:TradeQuote',
    'b2b:TradeQuoteTotal',
    'b2b:CreateRecurringOrder',
    'b2b:RecurringOrders',
    'b2b:RunRecurringOrderNow',
    'b2b:SetRecurringOrderStatus',
    'b2b:SetCompanyOrderPolicy',
    'b2b:CompanyOrderPolicy',
    'b2b:AddCartLinesBySku',
  ],
} as const;
export const STOREFRONT_WALKED: string[] = Object.values(STOREFRONT_WALKS).flat();

export type Which = 'b2c' | 'b2b' | 'pos';

/**
 * The `run` of one subject's walk: an allow-listed operation by name, remembered, and an afterAll that fails
 * when an operation the subject claims was never run.
 */
export function storefrontWalk(subject: keyof typeof STOREFRONT_WALKS) {
  const ran = new Set<string>();
  afterAll(() => {
    expect(
      STOREFRONT_WALKS[subject].filter((k) => !ran.has(k)),
      `storefront operations the ${subject} walk claims but never ran`,
    ).toEqual([]);
  });
  return async function run<T = any>(which: Which, name: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> {
    ran.add(`${which}:${name}`);
    return bff<T>(which, name, variables, { token });
  };
}

// 23.80 EUR gross in the base book: 20.00 net at 19 % German VAT, so the trade portal's net price is whole too.
export const GROSS = 2380;
export const NET = 2000;

/** Names no other file (or run) uses: the walk's callers, companies and tills are the file's own. */
export const walkRun = () => `${process.pid}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/**
 * A product of the calling file's own in web-eu, trade-eu and pos-berlin: one variant at 23.80 gross
 * (21.99 USD), 10 units in Hamburg and 10 in the Berlin shop.
 */
export async function walkProduct(name: string) {
  const created = await createTestProduct({ channels: ['web-eu', 'trade-eu', 'pos-berlin'], name });
  const variant = created.variants[0]!;
  const product = {
    id: created.id,
    variantId: variant.id,
    slug: created.input.slug,
    sku: created.input.variants[0]!.sku,
    gtin: created.input.variants[0]!.gtin,
  };
  await priceVariant(product.variantId, { eur: GROSS, usd: 2199 });
  await receive(product.variantId, HAMBURG, 10);
  await receive(product.variantId, BERLIN, 10);
  return product;
}
