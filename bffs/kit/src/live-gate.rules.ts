import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ChannelContext } from '@storegraph/schema';
import type { ContextBuilder } from './channel-context.builder.ts';
import type { DocumentChooser } from './document-choice.rules.ts';
import { contextErrorRefusal, EdgeCodes, isRefusal, refusal, type EdgeRefusal } from './edge-refusal.ts';
import type { Authenticate } from './external-identity.ts';
import type { GraphQLRequestBody } from './gateway-client.ts';
import { AuthError, type Principal } from './identity.ts';
import { variablesRefusal } from './input-edge.rules.ts';
import type { RateLimits } from './rate-limit.rules.ts';

/** A connection the gate admitted: its caller's context, budgeted by the upgrade request's address and the token's subject. */
export interface LiveCaller {
  context: ChannelContext;
  subject: string | undefined;
  request: http.IncomingMessage;
}

/** What graphql-ws is asked to run for one subscribe message. */
export interface LiveExecution {
  document: DocumentNode;
  operationName: string | undefined;
  variableValues: Record<string, unknown> | undefined;
}

export interface LiveGateDeps {
  authenticate: Authenticate;
  buildContext: ContextBuilder;
  limits: RateLimits;
  /** The live allow-list (live-operations.graphql), ad hoc only where the BFF allows ad-hoc documents. */
  chooser: DocumentChooser;
  /** Subscriptions one connection may hold at once (BFF_LIVE_MAX_SUBSCRIPTIONS). */
  maxSubscriptions: number;
}

/**
 * The HTTP edge's gates for graphql-ws: a browser cannot set headers on a WebSocket, so the credentials
 * HTTP reads from headers (`authorization`, `x-publishable-key`, `x-guest-token`, `accept-language`) come in
 * the connection params and are resolved by the same caller rules. The address is always the upgrade
 * request's (a client could write any `x-forwarded-for` into its params).
 */
export function liveGate(deps: LiveGateDeps) {
  async function principalOf(authorization: string | undefined): Promise<Principal | null | EdgeRefusal> {
    try {
      return await deps.authenticate(authorization);
    } catch (err) {
      if (err instanceof AuthError) return refusal(401, EdgeCodes.UNAUTHENTICATED, err.message);
      throw err;
    }
  }

  return {
    /** connection_init: the address's budget, the credential, its budget, the channel's caller rules. */
    async connect(request: http.IncomingMessage, params: Record<string, unknown>): Promise<LiveCaller | EdgeRefusal> {
      const overAddress = await deps.limits.address(request);
      if (overAddress) return overAddress;
      const headers: Record<string, string | string[] | undefined> = { ...request.headers };
      for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && k.toLowerCase() !== 'x-forwarded-for') headers[k.toLowerCase()] = v;
      const principal = await principalOf(typeof headers.authorization === 'string' ? headers.authorization : undefined);
      if (isRefusal(principal)) return principal;
      const overCredential = principal ? await deps.limits.credential(principal.sub) : null;
      if (overCredential) return overCredential;
      // The caller rules read headers and the socket's address (the context's clientIp), as over HTTP.
      const asRequest = { headers, socket: request.socket } as unknown as http.IncomingMessage;
      try {
        return { context: await deps.buildContext(asRequest, principal, randomUUID()), subject: principal?.sub, request };
      } catch (err) {
        if (err instanceof GraphQLError) return contextErrorRefusal(err);
        throw err;
      }
    },

    /**
     * One subscribe message: it spends the address's and the caller's budgets like an HTTP request, may not
     * push the connection past its cap (`active` counts this one), and must be on the live allow-list.
     */
    async subscribe(caller: LiveCaller, payload: GraphQLRequestBody, active: number, schema: GraphQLSchema): Promise<LiveExecution | EdgeRefusal> {
      const over = (await deps.limits.address(caller.request)) ?? (caller.subject ? await deps.limits.credential(caller.subject) : null);
      if (over) return over;
      if (active > deps.maxSubscriptions)
        return refusal(429, EdgeCodes.TOO_MANY_SUBSCRIPTIONS, `a connection may hold ${deps.maxSubscriptions} subscriptions at once: complete one first`, {
          extensions: { max: deps.maxSubscriptions },
        });
      const chosen = deps.chooser.choose(payload);
      if (isRefusal(chosen)) return chosen;
      const bad = variablesRefusal(payload.variables);
      if (bad) return bad;
      const document = parse(chosen.query);
      // graphql-ws validates only documents it parsed itself; this one is ours to validate.
      const invalid = validate(schema, document);
      if (invalid.length > 0) return refusal(400, EdgeCodes.GRAPHQL_VALIDATION_FAILED, invalid.map((e) => e.message).join('; '));
      return { document, operationName: chosen.operationName, variableValues: payload.variables ?? undefined };
    },
  };
}

export type LiveGate = ReturnType<typeof liveGate>;

/**
 * graphql-ws accepts errors from onSubscribe only as `instanceof GraphQLError` of the graphql it loaded
 * itself: Node's CommonJS copy, which is not the ESM copy this file imports when vite resolves modules (the
 * test runner), so a refusal closed the socket with 4500. require('graphql') is that copy wherever we run.
 */
const { GraphQLError: WsGraphQLError } = createRequire(import.meta.url)('graphql') as typeof import('graphql');

/** A refusal as graphql-ws reports it to one subscription: the same code and extensions as the HTTP body. */
export function liveError(r: EdgeRefusal): GraphQLError {
  return new WsGraphQLError(r.message, { extensions: { code: r.code, ...r.extensions } });
}

/**
 * A refused connection's close: 4429 for a spent budget (the reason names the wait, as Retry-After does),
 * 4403 for anything else; a close reason holds at most 123 bytes.
 */
export function liveClose(r: EdgeRefusal): { code: number; reason: string } {
  let reason = `${r.code}: ${r.message}`;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return { code: r.code === 'RATE_LIMITED' ? 4429 : 4403, reason };
}
