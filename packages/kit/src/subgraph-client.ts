import { Pool } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { appError } from '@storegraph/schema';
import type { SubgraphRequestContext } from './subgraph-server.ts';

/**
 * How one subgraph asks another, as production would: over HTTP, on keep-alive connections, with the
 * caller's own signed context forwarded unchanged, so the other subgraph applies the caller's visibility
 * and never a wider one. Used for entity fetches (`_entities`), the federation protocol's batch lookup.
 */
export class SubgraphClient {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(
    private readonly name: string,
    url: string,
  ) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections: 32, keepAliveTimeout: 60_000 });
    this.path = u.pathname;
  }

  /** Resolves entities by key; null where the other subgraph does not show that entity to this caller. */
  async entities<T>(ctx: SubgraphRequestContext, typename: string, ids: readonly string[], selection: string): Promise<(T | null)[]> {
    if (ids.length === 0) return [];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;
    const res = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: ctx.contextToken, 'x-request-id': ctx.requestId },
      body: JSON.stringify({ query, variables: { r: ids.map((id) => ({ __typename: typename, id })) } }),
    });
    const body = (await res.body.json()) as { data?: { _entities?: (T | null)[] }; errors?: { message: string }[] };
    if (res.statusCode !== 200 || !body.data?._entities) {
      ctx.log.error({ subgraph: this.name, status: res.statusCode, errors: body.errors }, 'subgraph call failed');
      throw appError('INTERNAL_SERVER_ERROR', `the ${this.name} service did not answer`);
    }
    return body.data._entities;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
