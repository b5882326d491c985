import { Pool } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { appError, ErrorCodes, type ErrorCode } from '@storegraph/schema';
import type { SubgraphRequestContext } from './subgraph-server.ts';
import {
  ReplicaRotation,
  replicaUrls,
  SQL_COUNT_HEADER,
  sqlCounterStore,
  withTraceHeaders,
  DependencyGuard,
  DependencyUnavailableError,
  serviceUnavailable,
} from '@storegraph/server-kit';

/** A read between subgraphs is a lookup by key: 2 s is generous, and it keeps a caller's answer near 2 s when one hangs. */
const READ_TIMEOUT_MS = 2_000;

/**
 * How one subgraph asks another, as production would: over HTTP, on keep-alive connections, with the
 * caller's own signed context forwarded unchanged, so the other subgraph applies the caller's visibility
 * and never a wider one. Used for entity fetches (`_entities`), the federation protocol's batch lookup.
 */
export class SubgraphClient {
  /** One keep-alive pool per replica of the other subgraph, taken in turn. */
  private readonly replicas: ReplicaRotation<{ pool: Pool; path: string }>;
  /** timeouts, one retry of reads, and a circuit breaker (see dependency-guard.ts) */
  readonly guard: DependencyGuard;

  /**
   * `urls`: the other subgraph's address, or its replicas' addresses comma-separated (as the gateway takes them).
   * Requests take the replicas in turn; one that refuses the connection (stopped, or killed and not back) is
   * skipped at once for the next, since the request certainly never reached it: a write too (server-kit's
   * replica-rotation.ts, shared with the BFFs' gateway client).
   */
  constructor(
    private readonly name: string,
    urls: string,
  ) {
    this.replicas = new ReplicaRotation(
      replicaUrls(urls, name).map((u) => ({
        // connect fails after 1 s (a black-holed host), not undici's default 10 s
        pool: new Pool(u.origin, { connections: 32, keepAliveTimeout: 60_000, connect: { timeout: 1_000 } }),
        path: u.pathname,
      })),
    );
    this.guard = new DependencyGuard(name);
  }

  /** Resolves entities by key; null where the other subgraph does not show that entity to this caller. */
  async entities<T>(ctx: SubgraphRequestContext, typename: string, ids: readonly string[], selection: string): Promise<(T | null)[]> {
    if (ids.length === 0) return [];
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`;
    const payload = { query, variables: { r: ids.map((id) => ({ __typename: typename, id })) } };
    let answer: Awaited<ReturnType<typeof this.post<{ _entities?: (T | null)[] }>>>;
    try {
      answer = await this.guard.run(() => this.post<{ _entities?: (T | null)[] }>(ctx.contextToken, ctx.requestId, payload, READ_TIMEOUT_MS), {
        idempotent: true,
        failed: (a) => (a.status >= 500 ? `HTTP ${a.status}` : null),
      });
    } catch (err) {
      if (!(err instanceof DependencyUnavailableError)) throw err;
      ctx.log.warn({ subgraph: this.name, err: err.message }, 'subgraph unavailable');
      throw serviceUnavailable(this.name);
    }
    const { status, body } = answer;
    if (status !== 200 || !body.data?._entities) {
      // Its own refusal (an expired context, a code it chose) is passed on; anything else is a failure of ours.
      const code = body.errors?.[0]?.extensions?.code;
      if (code && code !== 'INTERNAL_SERVER_ERROR' && code in ErrorCodes) throw appError(code as ErrorCode, body.errors![0]!.message);
      ctx.log.error({ subgraph: this.name, status, errors: body.errors }, 'subgraph call failed');
      throw appError('INTERNAL_SERVER_ERROR', `the ${this.name} service did not answer`);
    }
    return body.data._entities;
  }

  /**
   * Which of `ids` the other subgraph shows the caller and which it does not (hidden and unknown look
   * the same): how stock and carts check a channel sells a variant, by the catalogue's own rule.
   */
  async shown(ctx: SubgraphRequestContext, typename: string, ids: readonly string[]): Promise<{ shown: string[]; hidden: string[] }> {
    const seen = await this.entities<{ id: string }>(ctx, typename, ids, 'id');
    return { shown: ids.filter((_, i) => seen[i]), hidden: ids.filter((_, i) => !seen[i]) };
  }

  /**
   * Runs one operation with a given signed context (the caller's own, or a service context the caller's
   * service signed, e.g. the checkout acting for a customer). Answers `data`; a GraphQL error with a stable
   * client code is rethrown with that code (the other subgraph refused the input), anything else is
   * SubgraphUnavailableError: the other service failed, and the caller's saga decides what that means. A
   * transport failure (refused, reset, timed out, 5xx, circuit open) is DependencyUnavailableError, whose
   * `sent` says whether a write may have happened. Queries are retried once; mutations never here.
   */
  async execute<T>(contextToken: string, requestId: string, query: string, variables: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
    const idempotent = query.trimStart().startsWith('query');
    const { status, body } = await this.guard.run(() => this.post<T>(contextToken, requestId, { query, variables }, timeoutMs), {
      idempotent,
      failed: (a) => (a.status >= 500 ? `HTTP ${a.status}` : null),
    });
    const first = body.errors?.[0];
    if (first) {
      const code = first.extensions?.code;
      if (code && code !== 'INTERNAL_SERVER_ERROR' && code in ErrorCodes) {
        const { code: _c, ...extra } = first.extensions!;
        throw appError(code as ErrorCode, first.message, extra);
      }
      throw new SubgraphUnavailableError(this.name, first.message);
    }
    if (status !== 200 || !body.data) throw new SubgraphUnavailableError(this.name, `HTTP ${status}`);
    return body.data;
  }

  /** One POST, to the next replica in turn, or past those that refuse the connection. */
  private post<T>(contextToken: string, requestId: string, payload: object, timeoutMs = 10_000) {
    return this.replicas.send((replica) => this.postTo<T>(replica, contextToken, requestId, payload, timeoutMs));
  }

  /** A request counting its SQL (tests, the bench probe) counts what it makes this subgraph run too. */
  private async postTo<T>(replica: { pool: Pool; path: string }, contextToken: string, requestId: string, payload: object, timeoutMs: number) {
    const counter = sqlCounterStore.getStore();
    const headers: Record<string, string> = { 'content-type': 'application/json', [CONTEXT_HEADER]: contextToken, 'x-request-id': requestId };
    if (counter) headers[SQL_COUNT_HEADER] = '1';
    const res = await replica.pool.request({
      method: 'POST',
      path: replica.path,
      headers: withTraceHeaders(headers),
      body: JSON.stringify(payload),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const body = (await res.body.json()) as {
      data?: T;
      errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
      extensions?: { sqlStatements?: Record<string, number> };
    };
    if (counter && body.extensions?.sqlStatements) {
      counter.downstream ??= {};
      for (const [name, n] of Object.entries(body.extensions.sqlStatements)) counter.downstream[name] = (counter.downstream[name] ?? 0) + n;
    }
    return { status: res.statusCode, body };
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.replicas.map((r) => r.pool.close()));
  }
}

/** Another subgraph did not give an answer (down, timed out, or failed): the outcome of a write is unknown. */
export class SubgraphUnavailableError extends Error {
  constructor(
    readonly service: string,
    detail: string,
  ) {
    super(`the ${service} service did not answer: ${detail}`);
    this.name = 'SubgraphUnavailableError';
  }
}
