import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type DocumentNode } from 'graphql';
import { signChannelContext, type ChannelContext } from '@storegraph/schema';
import { noteOperation, SQL_COUNT_HEADER, type Logger } from '@storegraph/server-kit';
import type { AccountDirectory } from './account-directory.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { TillDirectory } from './till-directory.ts';
import { SESSION_ENDING_OPERATIONS, SIGN_IN_OPERATIONS, type ContextBuilder } from './channel-context.builder.ts';
import type { DocumentChooser } from './document-choice.rules.ts';
import { contextErrorRefusal, isRefusal, refusal, sendRefusal, type EdgeRefusal } from './edge-refusal.ts';
import type { GatewayClient, GraphQLRequestBody } from './gateway-client.ts';
import { parseGraphQLRequest } from './graphql-request.parser.ts';
import { getRefusal } from './http-edge.rules.ts';
import type { Authenticate } from './external-identity.ts';
import { AuthError, type Principal } from './identity.ts';
import { variablesRefusal } from './input-edge.rules.ts';
import type { RateLimits } from './rate-limit.rules.ts';
import type { ResponseCachePolicy } from './response-cache.policy.ts';
import type { StaffSchema } from './staff-schema.ts';
import { failedAsWhole, RETRY_AFTER_SECONDS, staleBody } from './unavailable-answer.ts';
import { gatewayStatus, inMedia, responseMedia, type ResponseMedia } from './response-media.rules.ts';

export interface GraphQLHandlerDeps {
  bff: string;
  contextSecret: string;
  idpSecret: string;
  logger: Logger;
  chooser: DocumentChooser;
  buildContext: ContextBuilder;
  cache: ResponseCachePolicy;
  gateway: GatewayClient;
  accounts: AccountDirectory;
  staffDirectory: StaffDirectory;
  tillDirectory?: TillDirectory;
  authenticate: Authenticate;
  limits: RateLimits;
  staffSchema?: StaffSchema;
  uploads?: UploadLimits;
}

/**
 * Operations that carry a file as one text variable (a CSV of thousands of rows). Only they get the longer
 * strings; the body cap (maxBodyBytes) is the file's real bound, and a larger file gets 413 before parsing.
 */
export interface UploadLimits {
  operations: readonly string[];
  maxBodyBytes: number;
  maxStringLength: number;
}

function sendText(res: http.ServerResponse, status: number, body: string | Buffer, media: ResponseMedia) {
  res.writeHead(gatewayStatus(status, media), { 'content-type': media.contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * One GraphQL request, checked in the order a refusal is cheapest and says the most: the request's shape,
 * the document and operation, the method (GET reads only), the input rule, who is asking, the channel.
 * Everything refused here never reaches the gateway.
 */
export function graphqlHandler(deps: GraphQLHandlerDeps) {
  const issuer = `bff-${deps.bff}`;

  async function authenticate(req: http.IncomingMessage): Promise<Principal | null | EdgeRefusal> {
    try {
      return await deps.authenticate(req.headers.authorization);
    } catch (err) {
      if (err instanceof AuthError) return refusal(401, 'UNAUTHENTICATED', err.message);
      throw err;
    }
  }

  async function contextFor(
    req: http.IncomingMessage,
    principal: Principal | null,
    requestId: string,
    operationName?: string,
  ): Promise<ChannelContext | EdgeRefusal> {
    try {
      return await deps.buildContext(req, principal, requestId, operationName);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      return contextErrorRefusal(err);
    }
  }

  /**
   * A staff member's introspection, answered by the BFF from the API schema (GraphiQL's docs and completion in
   * production, where the gateway answers none): signed in as staff, their session still valid, within budget.
   */
  async function answerIntrospection(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: GraphQLRequestBody,
    doc: DocumentNode,
    requestId: string,
    media: ResponseMedia,
  ) {
    const refuse = (r: EdgeRefusal) => sendRefusal(req, res, inMedia(r, media));
    const principal = await authenticate(req);
    if (isRefusal(principal)) return refuse(principal);
    if (!principal) return refuse(refusal(401, 'UNAUTHENTICATED', 'sign in as staff to read the schema'));
    const overBudget = await deps.limits.credential(principal.sub);
    if (overBudget) return refuse(overBudget);
    // The same checks as any staff request: a staff token, the account active, the channel one of theirs.
    const context = await contextFor(req, principal, requestId);
    if (isRefusal(context)) return refuse(context);
    const answer = deps.staffSchema!.answer(doc, body);
    if (isRefusal(answer)) return refuse(answer);
    res.setHeader('x-request-id', requestId);
    res.setHeader('cache-control', 'private, no-store');
    sendText(res, answer.data ? 200 : 400, JSON.stringify(answer), media);
  }

  return async function handleGraphQL(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const requestId = randomUUID();
    const started = performance.now();
    let operation: string | null = null;
    res.once('finish', () =>
      deps.logger.info(
        { requestId, operation, status: res.statusCode, cache: res.getHeader('x-cache') ?? null, ms: Math.round(performance.now() - started) },
        'request',
      ),
    );
    const media = responseMedia(req);
    const refuse = (r: EdgeRefusal) => sendRefusal(req, res, inMedia(r, media));
    const body = parseGraphQLRequest(req.method ?? 'GET', req.url ?? '/', raw);
    if (isRefusal(body)) return refuse(body);
    operation = body.operationName ?? null;
    noteOperation(res, operation);
    const introspection = deps.staffSchema?.introspectionOf(body);
    if (introspection) return answerIntrospection(req, res, body, introspection, requestId, media);
    const chosen = deps.chooser.choose(body);
    if (isRefusal(chosen)) return refuse(chosen);
    const upload = chosen.operationName && deps.uploads?.operations.includes(chosen.operationName) ? deps.uploads : undefined;
    const early =
      (req.method === 'GET' ? getRefusal(chosen.kind) : null) ??
      variablesRefusal(body.variables, upload ? { maxStringLength: upload.maxStringLength } : undefined);
    if (early) return refuse(early);
    const signingIn = chosen.operationName !== undefined && chosen.operationName !== null && SIGN_IN_OPERATIONS.has(chosen.operationName);
    const authenticated = await authenticate(req);
    // Clients often keep sending the expired access token they are refreshing: signing in ignores a bad one.
    const principal = isRefusal(authenticated) && signingIn ? null : authenticated;
    if (isRefusal(principal)) return refuse(principal);
    // Signing in (or up, or resetting) draws on the address's session budget as /auth/guest does, before the
    // customers subgraph's own per-email throttle: a guessing run stops here without reaching a hash.
    const overBudget = principal ? await deps.limits.credential(principal.sub) : signingIn ? await deps.limits.signIn(req) : null;
    if (overBudget) return refuse(overBudget);
    // Writes need someone to answer for them (a customer, buyer, till or staff member; a storefront's guest
    // checkout gets a guest token from the identity provider): a reservation or order is owned by its caller.
    if (!principal && chosen.kind !== 'query' && !signingIn)
      return refuse(refusal(401, 'UNAUTHENTICATED', 'sign in (or use a guest token) to change anything'));
    const context = await contextFor(req, principal, requestId, chosen.operationName ?? undefined);
    if (isRefusal(context)) return refuse(context);
    res.setHeader('x-request-id', requestId);

    const cacheKey = deps.cache.keyFor(principal, chosen, context, body.variables);
    const hit = await deps.cache.lookup(req, cacheKey);
    if (hit) {
      res.setHeader('x-cache', 'HIT');
      res.setHeader('cache-control', deps.cache.cacheControl(hit));
      return sendText(res, hit.status, hit.body, media);
    }
    const ticket = await deps.cache.ticket(cacheKey);
    const token = await signChannelContext(context, deps.contextSecret, issuer);
    // A request for SQL counts passes through (it only has an effect where STOREGRAPH_EXPOSE_SQL_COUNT is on).
    const countSql = req.headers[SQL_COUNT_HEADER] ? { [SQL_COUNT_HEADER]: '1' } : undefined;
    const result = await deps.gateway.execute(
      { query: chosen.query, variables: body.variables, operationName: chosen.operationName },
      token,
      requestId,
      countSql,
      chosen.kind,
    );
    deps.logger.debug({ requestId, channel: context.channel, operation: chosen.operationName }, 'graphql');
    if (failedAsWhole(result)) {
      // Browsing outlives an outage: the last clean anonymous answer, marked stale, within its age bound.
      const stale = deps.cache.stale(cacheKey);
      if (stale) {
        const { body: staleText, ageSeconds } = staleBody(stale);
        res.setHeader('x-cache', 'STALE');
        res.setHeader('age', String(ageSeconds));
        return sendText(res, 200, staleText, media);
      }
      // Nothing to fall back on: a retryable 503, and when to try again.
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      return sendText(res, 503, result.text, media);
    }
    const stored = ticket ? await deps.cache.store(ticket, result) : undefined;
    if (stored) res.setHeader('x-cache', stored.xCache);
    res.setHeader('cache-control', deps.cache.cacheControl(stored?.entry));
    // This BFF stops honouring the session at once; other replicas within the account cache's lifetime.
    if (SESSION_ENDING_OPERATIONS.has(chosen.operationName ?? '')) {
      if (context.customerId) deps.accounts.forget(context.customerId, context.sessionId);
      if (context.staff) deps.staffDirectory.forget(context.staff.id, context.sessionId);
      if (context.till) deps.tillDirectory?.forget(context.till.id, context.till.signInId);
    }
    sendText(res, result.status, result.text, media);
  };
}
