import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { parseCacheControl, SQL_COUNT_HEADER } from '@storegraph/kit';
import { subgraphFetch, type SubgraphResponse } from './subgraph-fetcher.ts';

export interface GatewayContext {
  contextToken?: string;
  requestId: string;
  /** the caller asked for SQL statement counts (STOREGRAPH_EXPOSE_SQL_COUNT on) */
  countSql?: boolean;
  sqlStatements?: Record<string, number>;
  /** subgraphs this request read from: BFF caches tag their entries with them for invalidation */
  subgraphs?: Set<string>;
}

type SubgraphResult = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/**
 * One subgraph behind the gateway. Forwards the BFF-signed sales-channel context and the request id,
 * untouched: the gateway neither reads nor trusts it (subgraphs verify it). With several replica URLs
 * configured it round-robins between them.
 *
 * `process` is Apollo's RemoteGraphQLDataSource.process without what we never use (APQ to subgraphs, the
 * node-fetch Headers and Request built per call): the listing profile spent a fifth of the gateway's CPU
 * in that plumbing. What it must keep, it keeps: the subgraph's Cache-Control restricts the overall
 * policy (the BFF response cache lives on it), non-2xx answers become errors with the status.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private next = 0;

  constructor(
    private readonly subgraph: string,
    private readonly urls: string[],
  ) {
    super({ url: urls[0] });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResult> {
    const { request, context } = options;
    const url = this.urls[this.next]!;
    this.next = (this.next + 1) % this.urls.length;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const traced = 'requestId' in context; // health checks / schema loading carry no request context
    if (traced) {
      if (context.contextToken) headers[CONTEXT_HEADER] = context.contextToken;
      headers['x-request-id'] = context.requestId;
      if (context.countSql) headers[SQL_COUNT_HEADER] = '1';
    }
    const { http: _http, ...body } = request;
    const response = await subgraphFetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const result = await this.parse(response);
    if ('incomingRequestContext' in options) {
      const policy = options.incomingRequestContext.overallCachePolicy;
      if (policy && 'restrict' in policy) policy.restrict(parseCacheControl(response.headers.get('cache-control')));
    }
    if (traced) {
      context.subgraphs ??= new Set();
      context.subgraphs.add(this.subgraph);
      const counts = (result.extensions as { sqlStatements?: Record<string, number> } | undefined)?.sqlStatements;
      if (counts) {
        context.sqlStatements ??= {};
        for (const [name, n] of Object.entries(counts)) context.sqlStatements[name] = (context.sqlStatements[name] ?? 0) + n;
        delete (result.extensions as Record<string, unknown>).sqlStatements;
      }
    }
    return result;
  }

  private async parse(response: SubgraphResponse): Promise<SubgraphResult> {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    if (!response.ok) {
      throw new GraphQLError(`${response.status}: ${response.statusText}`, {
        extensions: {
          code: response.status === 401 ? 'UNAUTHENTICATED' : response.status === 403 ? 'FORBIDDEN' : undefined,
          response: { url: response.url, status: response.status, body },
        },
      });
    }
    if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${text.slice(0, 200)}`);
    return { ...(body as SubgraphResult), http: response as never };
  }
}
