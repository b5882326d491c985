import { CONTEXT_HEADER, type ChannelContextInput } from '@storegraph/schema';
import { postGraphQL, signedContext, system, type GraphQLResponse } from '../../../test/support/clients.ts';

/** Test helpers for catalog scenarios: calls through the gateway with a signed context, as a BFF would. */

export const uid = () => Math.random().toString(36).slice(2, 10);

/**
 * Scenarios that create products use the demo's staging channels, so the live channels keep their demo
 * numbers (216 products in web-eu…) for every other test running at the same time.
 */
const SANDBOXES: Record<string, string> = { 'sandbox-eu': 'web-eu', 'sandbox-us': 'web-us' };

export async function gateway<T = any>(query: string, variables: Record<string, unknown> = {}, channel = 'web-eu', extra: Partial<ChannelContextInput> = {}) {
  const token = SANDBOXES[channel] ? await signedContext(SANDBOXES[channel]!, { channel, ...extra }) : await signedContext(channel, extra);
  return postGraphQL<T>(system().gateway, { query, variables }, { [CONTEXT_HEADER]: token });
}

/** A catalog admin; `channels` is the staff scope (`*` = master data and every channel). */
export function asStaff<T = any>(query: string, variables: Record<string, unknown> = {}, channels: string[] = ['*'], channel = 'web-eu') {
  return gateway<T>(query, variables, channel, { staff: { id: `stf_${channels.join('_')}`, roles: ['catalog-admin'], channels } });
}

export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

export const CREATE_PRODUCT = `mutation Create($input: CreateProductInput!) {
  createProduct(input: $input) { id slug status version name variants { id sku gtin version } channels { channel assigned byRule visible } }
}`;
export const SET_CHANNEL = `mutation Assign($channel: ID!, $productId: ID!, $input: ChannelProductInput!) {
  setChannelProduct(channel: $channel, productId: $productId, input: $input) { channel productId assigned byRule visible nameOverride sortOrder }
}`;

/** EAN-13 with a valid check digit from any 12-digit body. */
export function ean(body12: string): string {
  const sum = [...body12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body12 + String((10 - (sum % 10)) % 10);
}
export const randomEan = () => ean(`29${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`);

export interface TestProductOptions {
  status?: 'DRAFT' | 'ACTIVE';
  brandId?: string;
  categoryIds?: string[];
  channels?: string[];
  name?: string;
  de?: string;
  attributes?: { code: string; value: string }[];
  variants?: number;
}

/** Creates an ACTIVE product with its own ids, SKUs and barcodes, explicitly assigned to `channels`. */
export async function createTestProduct(o: TestProductOptions = {}) {
  const key = uid();
  const input = {
    id: `prd_t_${key}`,
    slug: `test-${key}`,
    name: o.name ?? `Test product ${key}`,
    description: 'made for a test',
    status: o.status ?? 'ACTIVE',
    brandId: o.brandId ?? 'brd_fjell',
    categoryIds: o.categoryIds ?? ['cat_jackets'],
    attributes: o.attributes ?? [],
    translations: o.de ? [{ locale: 'de-DE', name: o.de, description: 'für einen Test' }] : [],
    media: [{ url: `https://cdn.example/${key}.jpg`, alt: [{ key: 'en-GB', text: `photo ${key}` }] }],
    variants: Array.from({ length: o.variants ?? 1 }, (_, i) => ({
      sku: `T-${key}-${i}`.toUpperCase(),
      gtin: randomEan(),
      options: [{ name: 'size', value: ['S', 'M', 'L', 'XL'][i % 4]! }],
    })),
  };
  const created = ok(await asStaff(CREATE_PRODUCT, { input })).createProduct;
  for (const channel of o.channels ?? []) ok(await asStaff(SET_CHANNEL, { channel, productId: created.id, input: { assigned: true } }));
  return { ...created, input };
}

export async function waitForJob(id: string) {
  const q = `query Job($id: ID!) { bulkJob(id: $id) { id status total processed written failed errors { row code field sku message } } }`;
  for (let i = 0; i < 300; i++) {
    const job = ok(await asStaff(q, { id })).bulkJob;
    if (job.status === 'SUCCEEDED' || job.status === 'FAILED') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`bulk job ${id} did not finish`);
}
