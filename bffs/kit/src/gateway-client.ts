import { Pool, type Dispatcher } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { readWorthRepeating, ReplicaRotation, replicaUrls, withTraceHeaders } from '@storegraph/server-kit';

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
}

export interface GatewayResult {
  status: number;
  /** parsed on first read: a storefront's answer is passed through as text and most callers never parse it */
  readonly body: unknown;
  /** the answer carries top-level GraphQL errors */
  hasErrors: boolean;
  text: string;
  /** subgraphs that answered (x-storegraph-subgraphs) */
  subgraphs: string[];
  /** the gateway's overall cache policy: the strictest of every subgraph's hints */
  cacheControl: string;
}

function unavailable(): GatewayResult {
  const body = {
    errors: [{ message: 'the gateway service is unavailable; retry later', extensions: { code: 'SERVICE_UNAVAILABLE', service: 'gateway', retryable: true } }],
  };
  return { status: 503, body, hasErrors: true, text: JSON.stringify(body), subgraphs: [], cacheControl: '' };
}

interface Gateway {
  pool: Pool;
  path: string;
}

/**
 * HTTP to the gateway over keep-alive pools, one per gateway replica: BFFs never import the gateway or a
 * subgraph. With several gateways (GATEWAY_URL lists them) requests take them in turn, and a gateway that
 * refuses the connection (killed, stopping, not started) is skipped for the next: the request certainly never
 * reached it, so a write too (server-kit's replica-rotation.ts). A query dropped on the wire (its gateway died
 * under it) is asked of the next gateway as well; a mutation that may have reached a gateway never is: its
 * answer is SERVICE_UNAVAILABLE and the client retries with its idempotency key.
 */
export class GatewayClient {
  private readonly gateways: ReplicaRotation<Gateway>;

  constructor(urls: string | readonly string[], connections = 64) {
    const list = typeof urls === 'string' ? replicaUrls(urls, 'gateway') : urls.map((u) => new URL(u));
    this.gateways = new ReplicaRotation(
      list.map((u) => ({
        // Connects fail after 1 s; an answer may take up to 35 s (the gateway gives a write 30 s).
        pool: new Pool(u.origin, {
          connections,
          pipelining: 1,
          keepAliveTimeout: 60_000,
          connect: { timeout: 1_000 },
          headersTimeout: 35_000,
          bodyTimeout: 35_000,
        }),
        path: u.pathname,
      })),
    );
  }

  /**
   * The gateway's answer; when no gateway answers (down, reset, timed out), a SERVICE_UNAVAILABLE 503 of our own.
   * `kind`: the operation's type, when the caller knows it; otherwise a document that starts with `query` is a read.
   */
  async execute(
    body: GraphQLRequestBody,
    contextToken: string,
    requestId: string,
    extraHeaders: Record<string, string> = {},
    kind?: 'query' | 'mutation' | 'subscription',
  ): Promise<GatewayResult> {
    const read = kind ? kind === 'query' : !!body.query?.trimStart().startsWith('query');
    const headers = withTraceHeaders({ ...extraHeaders, 'content-type': 'application/json', [CONTEXT_HEADER]: contextToken, 'x-request-id': requestId });
    const payload = JSON.stringify(body);
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      ({ res, text } = await this.gateways.send(
        async (gateway) => {
          const res = await gateway.pool.request({ method: 'POST', path: gateway.path, headers, body: payload });
          return { res, text: await res.body.text() };
        },
        read ? readWorthRepeating : undefined,
      ));
    } catch {
      return unavailable();
    }
    const tag = res.headers['x-storegraph-subgraphs'];
    const subgraphs = typeof tag === 'string' && tag ? tag.split(',') : [];
    const cc = res.headers['cache-control'];
    const cacheControl = typeof cc === 'string' ? cc : '';
    // Apollo Server writes `errors` before `data`: an answer that starts with data has no errors and came
    // from the gateway's serializer, so it need not be parsed here (0.5 ms for a 60 KB listing).
    if (res.statusCode === 200 && text.startsWith('{"data"')) {
      let parsed: unknown;
      return {
        status: 200,
        get body() {
          parsed ??= JSON.parse(text);
          return parsed;
        },
        hasErrors: false,
        text,
        subgraphs,
        cacheControl,
      };
    }
    try {
      const body = JSON.parse(text) as { errors?: unknown };
      return { status: res.statusCode, body, hasErrors: !!body?.errors, text, subgraphs, cacheControl };
    } catch {
      // Not JSON: a proxy's error page or a gateway cut off mid-answer.
      return unavailable();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.gateways.replicas.map((g) => g.pool.close()));
  }
}
