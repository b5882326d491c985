import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * A typed client for one BFF, for storefronts and apps (browser, Next.js server components, React Native):
 * no dependencies, fetch only. It sends an allow-listed operation by name with its variables, never the
 * document text (the BFF runs its own copy), and types the answer with the documents `npm run codegen`
 * generates per BFF (`@storegraph/bff-b2c/operations`, `@storegraph/bff-b2b/operations`, `@storegraph/bff-pos/operations`).
 */
export interface ClientOptions {
  /** The BFF's GraphQL endpoint, e.g. https://shop.example/graphql. */
  url: string;
  /** Storefronts: the channel's publishable key (x-publishable-key). */
  publishableKey?: string;
  /** The caller's bearer token (a signed-in customer, a guest session, a till), read per request. */
  token?: () => string | undefined;
  /** Accept-Language: which of the channel's locales to answer in. */
  locale?: string;
  fetch?: typeof fetch;
}

/** A request the BFF refused or could not serve: the stable code from the README's error table, and its HTTP status. */
export class StorefrontError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    /** Seconds to wait before a retry, when the BFF said (429, 503). */
    readonly retryAfter: number | null,
  ) {
    super(message);
    this.name = 'StorefrontError';
  }

  /** Worth retrying as is (mutations with the same idempotency key): see "When something fails" in the README. */
  get retryable(): boolean {
    return this.code === 'SERVICE_UNAVAILABLE' || this.code === 'RATE_LIMITED';
  }
}

function operationName(doc: { definitions: readonly { kind: string; name?: { value: string } }[] }): string {
  for (const d of doc.definitions) if (d.kind === 'OperationDefinition' && d.name) return d.name.value;
  throw new Error('a document without a named operation cannot be sent by name');
}

export function createClient(opts: ClientOptions) {
  const send = opts.fetch ?? fetch;
  return {
    /** Runs one allow-listed operation; resolves with its typed data, rejects with a StorefrontError. */
    async request<TResult, TVariables>(doc: TypedDocumentNode<TResult, TVariables>, variables?: TVariables): Promise<TResult> {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
      if (opts.publishableKey) headers['x-publishable-key'] = opts.publishableKey;
      if (opts.locale) headers['accept-language'] = opts.locale;
      const token = opts.token?.();
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await send(opts.url, { method: 'POST', headers, body: JSON.stringify({ operationName: operationName(doc), variables }) });
      const body = (await res.json().catch(() => ({}))) as { data?: TResult | null; errors?: { message: string; extensions?: { code?: string } }[] };
      const first = body.errors?.[0];
      if (first || !body.data) {
        const retryAfter = res.headers.get('retry-after');
        throw new StorefrontError(
          first?.message ?? `HTTP ${res.status}`,
          first?.extensions?.code ?? 'INTERNAL_SERVER_ERROR',
          res.status,
          retryAfter ? Number(retryAfter) : null,
        );
      }
      return body.data;
    },
  };
}
export type StorefrontClient = ReturnType<typeof createClient>;
