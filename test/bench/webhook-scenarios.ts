import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { CONTEXT_HEADER } from '@storegraph/schema';
import { redeliverRange } from '@storegraph/kit';
import { benchStaffContext } from './staff-context.ts';
import type { ScenarioResult } from './report.ts';

/**
 * Webhook delivery under load: a local receiver answering every POST after 100 ms, an endpoint for
 * stock.changed registered through the staff API, and stock staff receiving stock on 300 variants as fast
 * as 16 callers can for the run's duration (each receipt commits one stock.changed). Reports deliveries
 * per second while events were flowing and the lag from the event's write to its arrival (p50/p99); the
 * live rate is bounded by how fast events are written. Then replays every delivery at once (redeliverRange)
 * and reports how fast the relay drains that backlog: its capacity against a 100 ms receiver.
 */
export async function runWebhookScenarios(env: { gatewayUrl: string; databaseUrl: string; duration: number }): Promise<ScenarioResult[]> {
  const arrivals: { at: number; writtenAt: number; id: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString());
      arrivals.push({ at: Date.now(), writtenAt: Date.parse(envelope.timestamp), id: envelope.id });
      setTimeout(() => res.writeHead(204).end(), 100);
    });
  });
  receiver.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const sql = postgres(env.databaseUrl, { max: 1 });
  try {
    const registered = (await call(
      env.gatewayUrl,
      ['webhook-admin'],
      'mutation($i: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $i) { endpoint { id } } }',
      { i: { url, eventTypes: ['stock.changed'], channels: [] } },
    )) as { registerWebhookEndpoint: { endpoint: { id: string } } };
    const endpointId = registered.registerWebhookEndpoint.endpoint.id;
    const startedAt = new Date(Date.now() - 1_000);
    const variants = (await sql`select variant_id from stock.levels where location_id = 'loc_wh_hamburg' order by 1 limit 300`).map(
      (r) => r.variant_id as string,
    );
    let written = 0;
    const until = Date.now() + env.duration * 1000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() < until) {
          const variantId = variants[written++ % variants.length]!;
          await call(env.gatewayUrl, ['stock-admin'], 'mutation($i: StockQuantityInput!) { receiveStock(input: $i) { onHand } }', {
            i: { variantId, locationId: 'loc_wh_hamburg', quantity: 1, reason: 'bench webhooks' },
          });
        }
      }),
    );
    // Let the backlog drain (at most 60 s), then measure over the arrivals.
    const drainUntil = Date.now() + 60_000;
    while (arrivals.length < written && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    const lags = arrivals.map((a) => a.at - a.writtenAt).sort((a, b) => a - b);
    const span = arrivals.length > 1 ? (arrivals.at(-1)!.at - arrivals[0]!.at) / 1000 : 1;
    const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((lags.length * p) / 100))] ?? 0;
    console.log(
      `[bench] webhooks: ${written} events written, ${arrivals.length} delivered (${new Set(arrivals.map((a) => a.id)).size} distinct) in ${span.toFixed(1)} s`,
    );
    const liveResult: ScenarioResult = {
      name: `webhook deliveries (receiver 100 ms; ${written} events written, ${arrivals.length} delivered; p50/p99 = commit-to-delivery lag)`,
      target: 'stock relay',
      baseline: false,
      rps: arrivals.length / span,
      p50: pct(50),
      p99: pct(99),
      errors: written - arrivals.length,
      probeError: null,
      sqlStatements: {},
      cpu: {},
    };
    const live = arrivals.length;
    const replayStart = Date.now();
    const replayed = await redeliverRange(sql, endpointId, startedAt, new Date(Date.now() + 1_000));
    while (arrivals.length < live + replayed && Date.now() < replayStart + 120_000) await new Promise((r) => setTimeout(r, 50));
    const replaySeconds = ((arrivals.at(-1)?.at ?? Date.now()) - replayStart) / 1000;
    console.log(`[bench] webhooks replay: ${replayed} deliveries in ${replaySeconds.toFixed(1)} s`);
    const replay: ScenarioResult = {
      name: `webhook replay drain (receiver 100 ms; ${replayed} deliveries replayed at once)`,
      target: 'stock relay',
      baseline: false,
      rps: (arrivals.length - live) / replaySeconds,
      p50: 0,
      p99: 0,
      errors: live + replayed - arrivals.length,
      probeError: null,
      sqlStatements: {},
      cpu: {},
    };
    return [liveResult, replay];
  } finally {
    await sql`delete from webhooks.endpoints where url = ${url}`;
    await sql.end();
    receiver.closeAllConnections();
    receiver.close();
  }
}

async function call(gatewayUrl: string, roles: Parameters<typeof benchStaffContext>[0], query: string, variables: object) {
  const res = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CONTEXT_HEADER]: await benchStaffContext(roles) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown; data?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}
