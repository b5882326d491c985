import { readFileSync } from 'node:fs';
import { loadAllowList } from '@storegraph/bff-kit';

/** Allow-listed BFF operations, by name, so the bench sends exactly what the storefronts send. */
function operation(bff: string, name: string): string {
  const ops = loadAllowList(readFileSync(new URL(`../../bffs/${bff}/src/operations.graphql`, import.meta.url), 'utf8'));
  const op = [...ops.values()].find((o) => o.name === name);
  if (!op) throw new Error(`operation ${name} not in the ${bff} allow-list`);
  return op.query;
}

export interface Scenario {
  name: string;
  /** which process answers: bff-b2c | bff-b2b | bff-pos | gateway | products | stock | bare */
  target: string;
  query: string;
  variables: Record<string, unknown> | (() => Record<string, unknown>);
  headers?: Record<string, string>;
  /** sign a fresh channel context per request burst (gateway/subgraph targets) */
  channel?: string;
  connections: number;
  /** baseline scenarios are reported as denominators */
  baseline?: boolean;
  /** for the hot-SKU race: checked for oversell and counted after the run */
  hotVariant?: string;
  /** load run at the same time (not measured): e.g. a sign-in storm beside catalogue reads */
  background?: Scenario;
}

export function catalogScenarios(tokens: Record<string, string>, sample: { slug: string; gtin: string }): Scenario[] {
  const listing = operation('b2c', 'ProductListing');
  return [
    {
      name: 'B2C listing 50 (BFF, cold cache)',
      target: 'bff-b2c',
      query: listing,
      variables: { first: 50 },
      headers: { 'cache-control': 'no-cache' },
      connections: 16,
    },
    { name: 'B2C listing 50 (BFF, warm cache)', target: 'bff-b2c', query: listing, variables: { first: 50 }, connections: 16 },
    {
      // A common word (one product in seven is a jacket), ranked: every match is ranked before the first page.
      name: 'B2C search 20 "Jacke" de-DE (BFF, cold cache)',
      target: 'bff-b2c',
      query: operation('b2c', 'ProductSearch'),
      variables: { first: 20, search: 'Jacke' },
      headers: { 'cache-control': 'no-cache', 'accept-language': 'de-DE' },
      connections: 16,
    },
    {
      name: 'B2C listing 50 (gateway, signed context)',
      target: 'gateway',
      query: listing,
      variables: { first: 50 },
      channel: 'web-eu',
      connections: 16,
      baseline: true,
    },
    {
      name: 'B2C listing 50 (products subgraph only)',
      target: 'products',
      query:
        'query($first: Int!) { products(first: $first) { nodes { id slug name brand { name } media { url alt } variants { id sku options { name value } } } } }',
      variables: { first: 50 },
      channel: 'web-eu',
      connections: 16,
      baseline: true,
    },
    {
      name: 'Product page by slug (BFF, cold cache)',
      target: 'bff-b2c',
      query: operation('b2c', 'ProductPage'),
      variables: { slug: sample.slug },
      headers: { 'cache-control': 'no-cache' },
      connections: 16,
    },
    {
      name: 'Product page by slug (BFF, warm cache)',
      target: 'bff-b2c',
      query: operation('b2c', 'ProductPage'),
      variables: { slug: sample.slug },
      connections: 16,
    },
    {
      name: 'B2B listing 50, contract prices (BFF)',
      target: 'bff-b2b',
      query: operation('b2b', 'TradeListing'),
      variables: { first: 50, quantity: 10 },
      headers: { authorization: `Bearer ${tokens.b2b}` },
      connections: 16,
    },
    {
      name: 'POS barcode scan (BFF)',
      target: 'bff-pos',
      query: operation('pos', 'ScanBarcode'),
      variables: { gtin: sample.gtin },
      headers: { authorization: `Bearer ${tokens.pos}` },
      connections: 16,
    },
  ];
}
