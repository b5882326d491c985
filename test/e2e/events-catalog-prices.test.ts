import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStaff, CREATE_PRODUCT, SET_CHANNEL, uid, waitForJob } from '../../subgraphs/products/test/catalog-admin.ts';
import { sqlClient } from '../support/clients.ts';
import { eventually, serveWebhookReceiver } from '../support/webhook-receiver.ts';
import { data } from './checkout-support.ts';
import { registerEndpoint } from './events-support.ts';
import { gateway } from './stock-support.ts';
import { deleteEndpoints } from './events-support.ts';

/**
 * product.updated and price.changed from the products and prices outboxes, delivered by their relays to
 * endpoints registered through the staff API. The product has no brand, category or attribute, so no
 * channel rule (another file's, on a sandbox channel) can make it visible anywhere this file did not.
 */
const sql = sqlClient();
const owned: string[] = [];
let receiver: Awaited<ReturnType<typeof serveWebhookReceiver>>;
let eu: { id: string; secret: string };
let us: { id: string; secret: string };
const TYPES = ['product.updated', 'price.changed'];
const PRICING = { staff: { id: 'stf_events_prices', roles: ['pricing-admin' as const], channels: ['*'] } };
const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateProductInput!) { updateProduct(id: $id, expectedVersion: $v, input: $input) { __typename ... on AdminProduct { id version } ... on VersionConflict { currentVersion } } }`;
const BOOK = `mutation($input: PriceBookInput!) { upsertPriceBook(input: $input) { id } }`;
const IMPORT = `mutation($b: ID!, $e: [PriceEntryInput!]!, $all: Boolean!) { importPriceEntries(bookId: $b, entries: $e, replaceAll: $all) { imported removed } }`;

beforeAll(async () => {
  receiver = await serveWebhookReceiver();
  eu = await registerEndpoint(owned, { url: `${receiver.url}/eu`, eventTypes: TYPES, channels: ['web-eu'] });
  us = await registerEndpoint(owned, { url: `${receiver.url}/us`, eventTypes: TYPES, channels: ['web-us'] });
});

afterAll(async () => {
  await deleteEndpoints(sql, owned);
  await receiver.close();
  await sql.end();
});

async function newProduct() {
  const key = uid();
  const input = { id: `prd_ev_${key}`, slug: `ev-${key}`, name: `Event product ${key}`, status: 'ACTIVE', variants: [{ sku: `EV-${key}`.toUpperCase() }] };
  return data(await asStaff(CREATE_PRODUCT, { input })).createProduct as { id: string; variants: { id: string }[] };
}

describe('catalog and price events', () => {
  it('delivers product.updated to the web-eu endpoint, signed, for what staff changed; a rolled-back write sends nothing', async () => {
    const product = await newProduct();
    // Created with no channel: the event names none, so neither filtered endpoint is given it.
    data(await asStaff(SET_CHANNEL, { channel: 'web-eu', productId: product.id, input: { assigned: true } }));
    expect(data(await asStaff(UPDATE, { id: product.id, v: 1, input: { name: 'Renamed for events' } })).updateProduct).toEqual({
      __typename: 'AdminProduct',
      id: product.id,
      version: 2,
    });
    // The same expected version again: a VersionConflict, and the transaction (which had locked the product and
    // read its channels) rolls back with no event.
    const stale = data(await asStaff(UPDATE, { id: product.id, v: 1, input: { name: 'Never' } })).updateProduct;
    expect(stale).toEqual({ __typename: 'VersionConflict', currentVersion: 2 });

    const mine = () => receiver.at('/eu').filter((r) => r.envelope.aggregateId === product.id);
    const got = await eventually(mine, (r) => r.length === 2, 'two product.updated deliveries');
    const verified = got.map((r) => new Webhook(eu.secret).verify(r.body, r.headers) as any);
    expect(verified.map((e) => [e.type, e.source, e.channels, e.data])).toEqual([
      [
        'product.updated',
        'products',
        ['web-eu'],
        { productId: product.id, change: 'CHANNEL', variantId: null, status: 'ACTIVE', productVersion: 1, channelsBefore: [], channelsAfter: ['web-eu'] },
      ],
      [
        'product.updated',
        'products',
        ['web-eu'],
        {
          productId: product.id,
          change: 'UPDATED',
          variantId: null,
          status: 'ACTIVE',
          productVersion: 2,
          channelsBefore: ['web-eu'],
          channelsAfter: ['web-eu'],
        },
      ],
    ]);
    expect(got.map((r) => r.headers['webhook-id'])).toEqual(verified.map((e) => e.id));
    expect(verified[1].aggregateVersion).toBeGreaterThan(verified[0].aggregateVersion);
    // Created, assigned, renamed: three events written; the conflicting write none.
    expect(await sql`select data->>'change' as change from products.outbox where aggregate_id = ${product.id} order by id`).toEqual([
      { change: 'CREATED' },
      { change: 'CHANNEL' },
      { change: 'UPDATED' },
    ]);
    expect(await sql`select count(*)::int as n from webhooks.deliveries where endpoint_id = ${us.id} and aggregate_id = ${product.id}`).toEqual([{ n: 0 }]);
    expect(receiver.at('/us').filter((r) => r.envelope.aggregateId === product.id)).toEqual([]);
  });

  it('announces a bulk import once per product per chunk it wrote', async () => {
    const product = await newProduct();
    data(await asStaff(SET_CHANNEL, { channel: 'web-eu', productId: product.id, input: { assigned: true } }));
    const sku = `EVB-${uid()}`.toUpperCase();
    const rows = [1, 2].map((n) => ({ sku: `${sku}-${n}`, productId: product.id, position: n, options: [{ name: 'size', value: 'M' }] }));
    const job = data(
      await asStaff(`mutation($input: BulkUpsertVariantsInput!) { bulkUpsertVariants(input: $input) { id } }`, {
        input: { mode: 'ALL_OR_NOTHING', rows },
      }),
    ).bulkUpsertVariants;
    expect(await waitForJob(job.id)).toMatchObject({ status: 'SUCCEEDED', written: 2, failed: 0 });

    const mine = () => receiver.at('/eu').filter((r) => r.envelope.aggregateId === product.id);
    const got = await eventually(mine, (r) => r.length === 2, 'the assignment and the import');
    // Two variants in one chunk: one event. The import changes no product field, so the version stays 1.
    expect(got.map((r) => r.envelope.data)).toEqual([
      { productId: product.id, change: 'CHANNEL', variantId: null, status: 'ACTIVE', productVersion: 1, channelsBefore: [], channelsAfter: ['web-eu'] },
      {
        productId: product.id,
        change: 'BULK_IMPORT',
        variantId: null,
        status: 'ACTIVE',
        productVersion: 1,
        channelsBefore: ['web-eu'],
        channelsAfter: ['web-eu'],
      },
    ]);
  });

  it('announces the products a channel rule brings into a channel or takes out of it', async () => {
    const sandbox = await registerEndpoint(owned, { url: `${receiver.url}/sandbox`, eventTypes: ['product.updated'], channels: ['sandbox-eu'] }, ['*']);
    const attr = `evt_season_${uid()}`;
    data(
      await asStaff(`mutation($input: AttributeDefinitionInput!) { defineAttribute(input: $input) { code } }`, {
        input: { code: attr, name: 'Season', type: 'ENUM', allowedValues: ['summer', 'winter'] },
      }),
    );
    const key = uid();
    const input = { id: `prd_ev_${key}`, slug: `ev-${key}`, name: `Rule product ${key}`, status: 'ACTIVE', attributes: [{ code: attr, value: 'winter' }] };
    const product = data(await asStaff(CREATE_PRODUCT, { input })).createProduct as { id: string };
    // Only this file's attribute matches the rule, so exactly this product enters sandbox-eu and leaves it.
    const rule = data(
      await asStaff(`mutation($channel: ID!, $input: ChannelRuleInput!) { addChannelRule(channel: $channel, input: $input) { id } }`, {
        channel: 'sandbox-eu',
        input: { effect: 'INCLUDE', kind: 'ATTRIBUTE', attributeCode: attr, attributeValue: 'winter' },
      }),
    ).addChannelRule;
    expect(data(await asStaff(`mutation($id: ID!) { removeChannelRule(id: $id) }`, { id: rule.id })).removeChannelRule).toBe(true);

    const mine = () => receiver.at('/sandbox').filter((r) => r.envelope.aggregateId === product.id);
    const got = await eventually(mine, (r) => r.length === 2, 'in and out of sandbox-eu');
    const verified = got.map((r) => new Webhook(sandbox.secret).verify(r.body, r.headers) as any);
    const byRule = { productId: product.id, change: 'CHANNEL_RULE', variantId: null, status: 'ACTIVE', productVersion: 1 };
    expect(verified.map((e) => [e.channels, e.data])).toEqual([
      [['sandbox-eu'], { ...byRule, channelsBefore: [], channelsAfter: ['sandbox-eu'] }],
      [['sandbox-eu'], { ...byRule, channelsBefore: ['sandbox-eu'], channelsAfter: [] }],
    ]);
  });

  it("delivers price.changed with the amounts before and after as Money, to the endpoint of the book's channel only", async () => {
    const product = await newProduct();
    const variantId = product.variants[0]!.id;
    const euBook = `bk_ev_eu_${uid()}`;
    const usBook = `bk_ev_us_${uid()}`;
    data(
      await gateway(
        'web-eu',
        BOOK,
        { input: { id: euBook, name: 'Events EU', level: 'CHANNEL', currency: 'EUR', channel: 'web-eu', taxIncluded: true } },
        PRICING,
      ),
    );
    data(
      await gateway(
        'web-eu',
        BOOK,
        { input: { id: usBook, name: 'Events US', level: 'CHANNEL', currency: 'USD', channel: 'web-us', taxIncluded: false } },
        PRICING,
      ),
    );
    // EU: created at 19.99, raised to 24.99, imported again at 24.99 (no change, no event), then the book is
    // replaced by an entry of another tier, which removes the 24.99 entry.
    const imp = (book: string, e: object[], all = false) => gateway('web-eu', IMPORT, { b: book, e, all }, PRICING);
    expect(data(await imp(euBook, [{ variantId, amount: 1999 }])).importPriceEntries).toEqual({ imported: 1, removed: 0 });
    data(await imp(euBook, [{ variantId, amount: 2499 }]));
    data(await imp(euBook, [{ variantId, amount: 2499 }]));
    expect(data(await imp(euBook, [{ variantId, amount: 2200, minQuantity: 10 }], true)).importPriceEntries).toEqual({ imported: 1, removed: 1 });
    data(await imp(usBook, [{ variantId, amount: 2150 }]));

    const at = (path: string) => () => receiver.at(path).filter((r) => r.envelope.data.variantId === variantId && r.envelope.type === 'price.changed');
    const got = await eventually(at('/eu'), (r) => r.length === 4, 'four price.changed deliveries');
    const eur = (amount: number) => ({ amount, currency: 'EUR' });
    const changes = got.map((r) => new Webhook(eu.secret).verify(r.body, r.headers) as any);
    expect(changes.map((e) => [e.source, e.channels, e.aggregateId, e.data])).toEqual([
      ['prices', ['web-eu'], `${euBook}:${variantId}`, { variantId, bookId: euBook, minQuantity: 1, validFrom: null, before: null, after: eur(1999) }],
      ['prices', ['web-eu'], `${euBook}:${variantId}`, { variantId, bookId: euBook, minQuantity: 1, validFrom: null, before: eur(1999), after: eur(2499) }],
      ['prices', ['web-eu'], `${euBook}:${variantId}`, { variantId, bookId: euBook, minQuantity: 1, validFrom: null, before: eur(2499), after: null }],
      ['prices', ['web-eu'], `${euBook}:${variantId}`, { variantId, bookId: euBook, minQuantity: 10, validFrom: null, before: null, after: eur(2200) }],
    ]);
    const usGot = await eventually(at('/us'), (r) => r.length === 1, 'the web-us price.changed');
    expect((new Webhook(us.secret).verify(usGot[0]!.body, usGot[0]!.headers) as any).data).toEqual({
      variantId,
      bookId: usBook,
      minQuantity: 1,
      validFrom: null,
      before: null,
      after: { amount: 2150, currency: 'USD' },
    });
    // Neither endpoint was ever given the other channel's price.
    expect(await sql`select count(*)::int as n from webhooks.deliveries where endpoint_id = ${us.id} and aggregate_id = ${`${euBook}:${variantId}`}`).toEqual([
      { n: 0 },
    ]);
    expect(await sql`select count(*)::int as n from webhooks.deliveries where endpoint_id = ${eu.id} and aggregate_id = ${`${usBook}:${variantId}`}`).toEqual([
      { n: 0 },
    ]);
  });
});
