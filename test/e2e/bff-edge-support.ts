import { afterAll, beforeAll } from 'vitest';
import { sqlClient, system, tokenFor } from '../support/clients.ts';
import { startDevelopmentB2c } from '../support/development-front-door.ts';

/**
 * The HTTP edge's test helpers (bff-http-edge, bff-input-edge, bff-connection-reuse): raw requests to the three
 * BFFs and, as 'dev', a development-mode B2C BFF of the calling file's own (the edge rules for ad-hoc documents,
 * which production refuses).
 */
export type Bff = 'b2c' | 'b2b' | 'pos' | 'dev';
let dev: Awaited<ReturnType<typeof startDevelopmentB2c>> | undefined;

/** Starts the calling file's development B2C BFF ('dev') before its tests and stops it after them. */
export function useDevelopmentB2c(): void {
  beforeAll(async () => {
    dev = await startDevelopmentB2c();
  });
  afterAll(async () => {
    await dev?.close();
  });
}

export const USERS: Record<Bff, string> = { b2c: 'anna@example.com', b2b: 'buyer@acme.example', pos: 'till-1@berlin.shop', dev: 'anna@example.com' };
/** Unique to this run: every idempotency key a test makes contains it, and only rows containing it are counted. */
export const RUN = `edge-${process.pid}-${Date.now().toString(36)}`;

export interface Answer {
  status: number;
  headers: Headers;
  json: { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * Asks for application/graphql-response+json, as Apollo Client 4 and urql do: its status codes are what this
 * file asserts (a client taking plain application/json gets 200 for GraphQL errors: bff-graphql-over-http.test.ts).
 */
export async function call(
  which: Bff,
  init: { method?: string; search?: URLSearchParams; body?: string; contentType?: string | null; as?: string },
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/graphql-response+json' };
  if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
  if (init.as) headers.authorization = `Bearer ${await tokenFor(init.as)}`;
  const url = `${which === 'dev' ? dev!.url : system()[which]}${init.search ? `?${init.search}` : ''}`;
  const res = await fetch(url, { method: init.method ?? 'POST', headers, body: init.body });
  return { status: res.status, headers: res.headers, json: await res.json() };
}

export const post = (which: Bff, body: object, as?: string) => call(which, { body: JSON.stringify(body), as });
export const codeOf = (a: Answer) => a.json.errors?.[0]?.extensions?.code;

export async function reservationsContaining(fragment: string): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from stock.reservations where strpos(idempotency_key, ${fragment}) > 0`;
    return row!.n;
  } finally {
    await sql.end();
  }
}

export const reserveInput = (key: string, variantId: string) => ({ input: { idempotencyKey: key, lines: [{ variantId, quantity: 1 }] } });

/** A demo variant web-eu sells from stock: a reservation of it that got through would be written. */
export const variant = 'var_0001_1';
