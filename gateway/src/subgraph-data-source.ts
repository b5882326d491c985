import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { Agent, fetch as undiciFetch } from 'undici';

/**
 * Keep-alive connections to the subgraphs, shared by every data source. undici's fetch instead of the
 * gateway's default make-fetch-happen, whose HTTP-cache layer and stream plumbing cost CPU on every
 * subgraph call and buy nothing for POSTs.
 */
const agent = new Agent({ keepAliveTimeout: 60_000, keepAliveMaxTimeout: 300_000, connections: 256 });
const fetcher = ((url: string, init: RequestInit) => undiciFetch(url, { ...(init as object), dispatcher: agent })) as never;

export interface GatewayContext {
  contextToken?: string;
  requestId: string;
  sqlStatements?: Record<string, number>;
  /** subgraphs this request read from: BFF caches tag their entries with them for invalidation */
  subgraphs?: Set<string>;
}

/**
 * Forwards the BFF-signed sales-channel context and the request id to each subgraph, untouched: the
 * gateway neither reads nor trusts it (subgraphs verify it). With several replica URLs configured it
 * round-robins between them.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private next = 0;

  constructor(
    private readonly subgraph: string,
    private readonly urls: string[],
  ) {
    super({ url: urls[0], fetcher });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (this.urls.length > 1) {
      (request.http as { url: string }).url = this.urls[this.next]!;
      this.next = (this.next + 1) % this.urls.length;
    }
    if (!('requestId' in context)) return; // health checks / schema loading carry no request context
    if (context.contextToken) request.http!.headers.set(CONTEXT_HEADER, context.contextToken);
    request.http!.headers.set('x-request-id', context.requestId);
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const response = await super.process(options);
    const ctx = options.context as GatewayContext;
    if (ctx && 'requestId' in ctx) {
      ctx.subgraphs ??= new Set();
      ctx.subgraphs.add(this.subgraph);
    }
    const counts = (response.extensions as { sqlStatements?: Record<string, number> } | undefined)?.sqlStatements;
    const context = options.context as GatewayContext;
    if (counts && context && 'requestId' in context) {
      context.sqlStatements ??= {};
      for (const [name, n] of Object.entries(counts)) context.sqlStatements[name] = (context.sqlStatements[name] ?? 0) + n;
      delete (response.extensions as Record<string, unknown>).sqlStatements;
    }
    return response;
  }
}
