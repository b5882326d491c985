import { readFileSync } from 'node:fs';
import { afterAll, expect } from 'vitest';
import { loadAllowList } from '@storegraph/bff-kit';
import { bff, type GraphQLResponse } from '../support/clients.ts';
import { randomEan } from '../../subgraphs/products/test/catalog-admin.ts';

/**
 * The admin BFF's allow-list walk is split by subject over `allow-list-walk-admin-<subject>.test.ts`. Vitest
 * runs test files in separate workers, in parallel and in any order, so no file can see what another ran.
 * Instead each subject file CLAIMS the operations below and fails (afterAll) when it did not run every one
 * it claims; `allow-list-walk.test.ts` checks that the claims together are exactly the admin allow-list, each
 * operation claimed once. Both halves hold alone, in any order, with any number of workers.
 */
export const ADMIN_WALKS = {
  catalog: [
    'AdminProduct',
    'VariantBySku',
    'VariantByBarcode',
    'AttributeDefinitions',
    'BulkJob',
    'PublishableKeys',
    'SalesChannel',
    'CreateProduct',
    'UpdateProduct',
    'ArchiveProduct',
    'SetProductTranslations',
    'AddProductMedia',
    'CreateVariant',
    'UpdateVariant',
    'ArchiveVariant',
    'DefineAttribute',
    'SetChannelProduct',
    'AddChannelRule',
    'RemoveChannelRule',
    'BulkUpsertVariants',
    'IssuePublishableKey',
    'RevokePublishableKey',
  ],
  prices: [
    'PriceExplain',
    'PricingConfigurationIssues',
    'FxRates',
    'Promotions',
    'ChannelPricing',
    'UpsertPriceBook',
    'ImportPriceEntries',
    'SetFxRate',
    'ImportFxRates',
    'UpsertPromotion',
    'SetChannelPricing',
    'UpsertShippingMethod',
  ],
  stock: [
    'Locations',
    'StockLevels',
    'StockMovements',
    'Reservation',
    'ReceiveStock',
    'ReturnStock',
    'AdjustStock',
    'CountStock',
    'TransferStock',
    'SetStockFence',
    'SetChannelAllocationPolicy',
    'SetBackorderPolicy',
    'RebalanceStockFences',
    'ExpireReservations',
    'ConfirmReservation',
    'ReleaseReservation',
    'RestockReservation',
  ],
  orders: ['OrderQueue', 'Order', 'SetOrderStatus', 'CancelOrder', 'WebhookEndpoints', 'WebhookDeliveries', 'RegisterWebhookEndpoint', 'RedeliverWebhook'],
  customers: [
    'Customers',
    'Companies',
    'AccountPolicy',
    'EraseCustomer',
    'SetAccountPolicy',
    'SetCustomerGroup',
    'StaffSignIn',
    'RefreshStaffSession',
    'StaffSignOut',
    'StaffMe',
    'StaffMembers',
    'CreateStaffMember',
    'UpdateStaffMember',
    'BeginTotpEnrolment',
    'ConfirmTotpEnrolment',
  ],
  // admin-staff-roles.test.ts
  roles: ['StaffRoles', 'CreateStaffRole', 'UpdateStaffRole', 'DeleteStaffRole', 'GrantStaffRole', 'RevokeStaffGrant'],
  // admin-audit-trail.test.ts and admin-channels.test.ts
  audit: ['AuditTrail'],
  channels: ['CreateSalesChannel', 'UpdateSalesChannel'],
  // admin-events-ops.test.ts
  events: ['SetLowStockThreshold', 'EnableWebhookEndpoint', 'RotateWebhookSecret', 'ReplayWebhookDeliveries'],
  // admin-reports-sales.test.ts
  reports: ['SalesReport', 'TopProducts', 'ReportRegions', 'SetReportRegion', 'SetCostPrices'],
  // allow-list-walk-admin-routing.test.ts
  routing: ['RoutingExplain', 'SetRoutingRules'],
  // allow-list-walk-admin-fulfilment.test.ts
  fulfilment: ['OrderShipments', 'ShipmentQueue', 'SetShipmentStatus', 'SplitShipment'],
  // b2b-credit.test.ts
  credit: ['Invoices', 'RecordInvoicePayment', 'CompanyCreditPolicy', 'SetCompanyCreditPolicy', 'SetCompanyTerms'],
  // allow-list-walk-admin-returns.test.ts
  returns: ['ReturnQueue', 'OrderReturns', 'ReturnPolicy', 'SetReturnPolicy', 'ApproveReturn', 'ReceiveReturn'],
  // allow-list-walk-admin-returns-requests.test.ts
  returnRequests: ['RequestReturn', 'RejectReturn'],
  // pos-tills.test.ts
  pos: ['Tills', 'RegisterTill', 'RevokeTill', 'RegisterTillStaff'],
  // pos-till-staff-shops.test.ts
  tillStaff: ['UpdateTillStaff'],
  // pos-till-staff-pins.test.ts
  tillStaffPins: ['TillStaff', 'ResetTillStaffPin'],
  // pos-discount.test.ts
  tillDiscounts: ['TillDiscountPolicy', 'SetTillDiscountPolicy'],
  // admin-stock-value.test.ts
  stockValue: ['StockValue', 'SellThrough'],
  // b2b-quotes.test.ts
  quotes: ['QuoteRequests', 'ProposeQuote', 'RejectQuote'],
} as const;

export type AdminWalkSubject = keyof typeof ADMIN_WALKS;

/** The admin allow-list's operation names, read from the BFF's own file. */
export function adminAllowListed(): string[] {
  const text = readFileSync(new URL('../../bffs/admin/src/operations.graphql', import.meta.url), 'utf8');
  return [...loadAllowList(text).values()].map((op) => op.name).sort();
}

/**
 * The `run` of one subject's walk: an admin operation by name (only one this subject claims), remembered,
 * and an afterAll that fails when a claimed operation was never run.
 */
export function adminWalk(subject: AdminWalkSubject) {
  const claimed: readonly string[] = ADMIN_WALKS[subject];
  const ran = new Set<string>();
  afterAll(() => {
    expect(
      claimed.filter((name) => !ran.has(name)),
      `admin operations the ${subject} walk claims but never ran`,
    ).toEqual([]);
  });
  return async function run<T = any>(
    name: string,
    variables: Record<string, unknown>,
    auth: { token?: string; channel?: string } = {},
  ): Promise<GraphQLResponse<T>> {
    if (!claimed.includes(name)) throw new Error(`${name} is not claimed by the ${subject} walk`);
    ran.add(name);
    return bff<T>('admin', name, variables, auth);
  };
}

/** The codes of a refused answer, in order (an empty list when there were none). */
export const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

/**
 * Setup, not walk: a product of the caller's own with one variant, made through the admin BFF by a catalogue
 * admin on every channel (the catalog walk asserts these operations; other walks only need the product).
 */
export async function adminTestProduct(token: string, tag: string, channels: string[]) {
  const k = `${tag}_${Math.random().toString(36).slice(2, 10)}`;
  const sku = `W-${k}`.toUpperCase();
  const input = {
    id: `prd_t_${k}`,
    slug: `walk-${k.replace(/_/g, '-')}`,
    name: `Walk ${tag}`,
    status: 'ACTIVE',
    brandId: 'brd_fjell',
    categoryIds: ['cat_jackets'],
    variants: [{ sku, gtin: randomEan(), options: [{ name: 'size', value: 'M' }] }],
  };
  const created = await bff('admin', 'CreateProduct', { input }, { token });
  if (created.errors) throw new Error(`CreateProduct: ${JSON.stringify(created.errors)}`);
  for (const channel of channels) {
    const assigned = await bff('admin', 'SetChannelProduct', { channel, productId: input.id, input: { assigned: true } }, { token });
    if (assigned.errors) throw new Error(`SetChannelProduct: ${JSON.stringify(assigned.errors)}`);
  }
  return { productId: input.id, variantId: created.data.createProduct.variants[0].id as string, sku };
}

/**
 * Setup, not walk: a product sold in `channels`, priced in the EUR base book (gross) and with `stock` units in
 * the Hamburg warehouse, made through the admin BFF by a setup staff member holding the catalogue, pricing
 * and stock roles on every channel.
 */
export async function adminSellable(setupToken: string, tag: string, o: { eur: number; stock: number; channels: string[] }) {
  const product = await adminTestProduct(setupToken, tag, o.channels);
  const priced = await bff(
    'admin',
    'ImportPriceEntries',
    { bookId: 'bk_base_eur', entries: [{ variantId: product.variantId, amount: o.eur }] },
    {
      token: setupToken,
    },
  );
  if (priced.errors) throw new Error(`ImportPriceEntries: ${JSON.stringify(priced.errors)}`);
  if (o.stock > 0) {
    const input = { variantId: product.variantId, locationId: 'loc_wh_hamburg', quantity: o.stock, reason: 'walk setup' };
    const received = await bff('admin', 'ReceiveStock', { input }, { token: setupToken, channel: 'web-eu' });
    if (received.errors) throw new Error(`ReceiveStock: ${JSON.stringify(received.errors)}`);
  }
  return product;
}
