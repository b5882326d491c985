import type { SubgraphClient } from '@storegraph/kit';

const SKUS = `query CheckoutSkus($r: [_Any!]!) { _entities(representations: $r) { ... on Variant { id sku } } }`;

/** The SKUs an order records with its lines (what the channel's catalogue shows; null when hidden). */
export async function skusOf(products: SubgraphClient, token: string, requestId: string, variantIds: string[]): Promise<Map<string, string>> {
  const data = await products.execute<{ _entities: ({ id: string; sku: string } | null)[] }>(token, requestId, SKUS, {
    r: variantIds.map((id) => ({ __typename: 'Variant', id })),
  });
  return new Map(data._entities.filter((e) => e !== null).map((e) => [e!.id, e!.sku]));
}
