import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const cache = new Map<string, string>();
const DEFAULT_QUERY = '# Storegraph: try a query, e.g.\n{\n  products(first: 5) {\n    nodes { id name }\n  }\n}\n';

/**
 * GraphiQL as one self-contained page (scripts, styles and workers inlined by
 * @graphql-yoga/render-graphiql): it works offline and sends no request except to our endpoint.
 */
export function graphiqlPage(title: string, headers: Record<string, string>, defaultQuery = DEFAULT_QUERY): string {
  const key = `${title}\n${JSON.stringify(headers)}\n${defaultQuery}`;
  let html = cache.get(key);
  if (!html) {
    html = renderGraphiQL({
      title,
      endpoint: '/graphql',
      headers: JSON.stringify(headers, null, 2),
      defaultQuery,
    } as never);
    cache.set(key, html);
  }
  return html;
}
