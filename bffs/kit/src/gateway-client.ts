import { Pool, type Dispatcher } from 'undici';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { withTraceHeaders } from '@storegraph/server-kit';

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

/** HTTP to the gateway over a keep-alive pool: BFFs never import the gateway or a subgraph. */
export class GatewayClient {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(url: string, connections = 64) {
    const u = new URL(url);
    // Connects fail after 1 s; an answer may take up to 35 s (the gateway gives a write 30 s).
    this.pool = new Pool(u.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      connect: { timeout: 1_000 },
      headersTimeout: 35_000,
      bodyTimeout: 35_000,
    });
    this.path = u.pathname;
  }

  /** The gateway's answer; when the gateway does not answer (down, reset, timed out), a SERVICE_UNAVAILABLE 503 of our own. */
  async execute(body: GraphQLRequestBody, contextToken: string, requestId: string, extraHeaders: Record<string, string> = {}): Promise<GatewayResult> {
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await this.pool.request({
        method: 'POST',
        path: this.path,
        headers: withTraceHeaders({ ...extraHeaders, 'content-type': 'application/json', [CONTEXT_HEADER]: contextToken, 'x-request-id': requestId }),
        body: JSON.stringify(body),
      });
      text = await res.body.text();
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

  close(): Promise<void> {
    return this.pool.close();
  }
}
