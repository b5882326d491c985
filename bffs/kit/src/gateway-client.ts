import { Pool } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
}

export interface GatewayResult {
  status: number;
  body: unknown;
  text: string;
  /** subgraphs that answered (x-storegraph-subgraphs) */
  subgraphs: string[];
  /** the gateway's overall cache policy: the strictest of every subgraph's hints */
  cacheControl: string;
}

/** HTTP to the gateway over a keep-alive pool: BFFs never import the gateway or a subgraph. */
export class GatewayClient {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(url: string, connections = 64) {
    const u = new URL(url);
    this.pool = new Pool(u.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
    this.path = u.pathname;
  }

  async execute(body: GraphQLRequestBody, contextToken: string, requestId: string): Promise<GatewayResult> {
    const res = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: contextToken, 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    const tag = res.headers['x-storegraph-subgraphs'];
    const subgraphs = typeof tag === 'string' && tag ? tag.split(',') : [];
    const cc = res.headers['cache-control'];
    const cacheControl = typeof cc === 'string' ? cc : '';
    try {
      return { status: res.statusCode, body: JSON.parse(text), text, subgraphs, cacheControl };
    } catch {
      const body = { errors: [{ message: 'bad gateway response', extensions: { code: 'BAD_GATEWAY' } }] };
      return { status: 502, body, text: JSON.stringify(body), subgraphs: [], cacheControl: '' };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
