import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { DependencyGuard, DependencyUnavailableError, parseCacheControl, READ_FROM_HEADER, serviceUnavailable, SQL_COUNT_HEADER } from '@storegraph/server-kit';
import { subgraphFetch, type SubgraphResponse } from './subgraph-fetcher.ts';

export interface GatewayContext {
  contextToken?: string;
  requestId: string;
  /** the caller asked for SQL statement counts (STOREGRAPH_EXPOSE_SQL_COUNT on) */
  countSql?: boolean;
  sqlStatements?: Record<string, number>;
  /** subgraphs this request read from: BFF caches tag their entries with them for invalidation */
  subgraphs?: Set<string>;
  /** the caller asked for the primary (`x-storegraph-read-from: primary`): no fetch is marked for a replica */
  primaryOnly?: boolean;
}

type SubgraphResult = Awaited<ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']>>;

/**
 * A read (an entity lookup, a listing) that takes longer than 5 s is failed: the caller gets the rest of its
 * answer with this part null rather than waiting on a hung subgraph. A write may take longer (a checkout
 * waits on the card provider: up to 3 attempts of 5 s), so it gets 30 s.
 */
const READ_TIMEOUT_MS = 5_000;
const WRITE_TIMEOUT_MS = 30_000;

/**
 * One subgraph behind the gateway. Forwards the BFF-signed sales-channel context and the request id,
 * untouched: the gateway neither reads nor trusts it (subgraphs verify it). With several replica URLs
 * configured it round-robins between them.
 *
 * `process` is Apollo's RemoteGraphQLDataSource.process without what we never use (APQ to subgraphs, the
 * node-fetch Headers and Request built per call): the listing profile spent a fifth of the gateway's CPU
 * in that plumbing. What it must keep, it keeps: the subgraph's Cache-Control restricts the overall
 * policy (the BFF response cache lives on it), non-2xx answers become errors with the status.
 *
 * Each replica has its own circuit breaker (kit's DependencyGuard): an open one is skipped, and a call
 * that never reached a replica (refused) or a read that failed on the wire is tried once on the next one,
 * so a killed replica costs no answer. When no replica answers, the fetch answers SERVICE_UNAVAILABLE
 * naming the subgraph: the gateway nulls that part of the answer and keeps the rest.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private next = 0;
  private readonly guards: DependencyGuard[];

  constructor(
    private readonly subgraph: string,
    private readonly urls: string[],
  ) {
    super({ url: urls[0] });
    this.guards = urls.map(() => new DependencyGuard(subgraph));
  }

  /** At least one replica's circuit is closed (readiness). */
  get available(): boolean {
    return this.guards.some((g) => g.closed);
  }

  get replicaUrls(): readonly string[] {
    return this.urls;
  }

  /** The next replica in turn whose circuit is closed, else simply the next one (its breaker answers at once). */
  private pick(): number {
    for (let i = 0; i < this.urls.length; i++) {
      const at = (this.next + i) % this.urls.length;
      if (this.guards[at]!.closed) {
        this.next = (at + 1) % this.urls.length;
        return at;
      }
    }
    const at = this.next;
    this.next = (this.next + 1) % this.urls.length;
    return at;
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResult> {
    const read = !options.request.query?.trimStart().startsWith('mutation');
    const attempts = Math.max(2, this.urls.length);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(options, this.pick(), read);
      } catch (err) {
        if (!(err instanceof DependencyUnavailableError)) throw err;
        // Another replica gets a call that certainly never left, or a read that was refused or dropped; a
        // timed-out read is not tried again (the caller has waited long enough), and a write that may have
        // reached the subgraph is never repeated here: its client retries with its idempotency key.
        const again = err.sent ? read && err.retryable : true;
        if (attempt >= attempts || !again) {
          const { message, extensions } = serviceUnavailable(this.subgraph);
          return { errors: [{ message, extensions: { ...extensions } }] } as SubgraphResult;
        }
      }
    }
  }

  private async once(options: GraphQLDataSourceProcessOptions<GatewayContext>, at: number, read: boolean): Promise<SubgraphResult> {
    const { request, context } = options;
    const url = this.urls[at]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const traced = 'requestId' in context; // health checks / schema loading carry no request context
    if (traced) {
      if (context.contextToken) headers[CONTEXT_HEADER] = context.contextToken;
      headers['x-request-id'] = context.requestId;
      if (context.countSql) headers[SQL_COUNT_HEADER] = '1';
      // A fetch for a client's query may be read from a replica; a mutation's follow-up reads (its result's
      // entities on other subgraphs) must see the write, so they go to the primary like the write itself.
      if (read && !context.primaryOnly && 'incomingRequestContext' in options && options.incomingRequestContext.operation?.operation === 'query')
        headers[READ_FROM_HEADER] = 'replica';
    }
    const { http: _http, ...body } = request;
    const payload = JSON.stringify(body);
    const response = await this.guards[at]!.run(
      () => subgraphFetch(url, { method: 'POST', headers, body: payload, timeoutMs: read ? READ_TIMEOUT_MS : WRITE_TIMEOUT_MS }),
      { idempotent: false, failed: (r) => (r.status >= 500 ? `HTTP ${r.status}` : null) },
    );
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
    // A 400 with GraphQL errors is the subgraph refusing the request itself (a variable its scalar rejects, such
    // as MinorUnits beyond 2^53): the client's mistake, passed on with the subgraph's code, not turned into a 500.
    const refusal = response.status === 400 && typeof body === 'object' && body !== null && Array.isArray((body as SubgraphResult).errors);
    if (refusal) return { ...(body as SubgraphResult), http: response as never };
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
