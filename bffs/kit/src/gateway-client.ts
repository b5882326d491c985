import { Pool } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
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

  async execute(body: GraphQLRequestBody, contextToken: string, requestId: string): Promise<{ status: number; body: unknown }> {
    const res = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: contextToken, 'x-request-id': requestId },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    try {
      return { status: res.statusCode, body: JSON.parse(text) };
    } catch {
      return { status: 502, body: { errors: [{ message: 'bad gateway response', extensions: { code: 'BAD_GATEWAY' } }] } };
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
