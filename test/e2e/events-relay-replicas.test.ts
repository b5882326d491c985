import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { system } from '../support/clients.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { ownOutbox, placed } from './events-relay-support.ts';

/** Relays on several replicas: one killed mid-delivery, two racing over the same backlog. */
const box = ownOutbox();

describe('relays on several replicas', () => {
  it('a relay killed (SIGKILL) while a receiver holds its request leaves the delivery to another, with the same webhook-id', async () => {
    const chA = box.channel();
    let hold!: (status: number) => void;
    const held = new Promise<number>((r) => {
      hold = r;
    });
    const e = await box.endpoint('/crash', ['order.placed'], [chA], (n) => (n === 1 ? held : 204));
    const orderId = randomUUID();
    const eventId = await box.emit('order.placed', chA, orderId, 1, placed(orderId, chA));
    // Its lease is the 1 s timeout plus 5 s: the survivor may take the delivery over 6 s after the claim.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/relay-process.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: system().databaseUrl,
        RELAY_SOURCE: box.source,
        RELAY_WORKER: 'killed',
        WEBHOOK_TIMEOUT_MS: '1000',
        EVENTS_RELAY_INTERVAL_MS: '20',
      },
      stdio: 'ignore',
    });
    let stop: (() => Promise<void>) | undefined;
    try {
      await eventually(
        () => box.receiver().at('/crash').length,
        (n) => n === 1,
        'the doomed attempt',
      );
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      hold(204);
      stop = box.relay({ workerId: 'survivor' });
      await eventually(
        async () => (await box.sql`select status from webhooks.deliveries where endpoint_id = ${e.id}`)[0]?.status,
        (s) => s === 'DELIVERED',
        'delivered by the survivor',
      );
    } finally {
      child.kill('SIGKILL');
      await stop?.();
    }
    expect(
      box
        .receiver()
        .at('/crash')
        .map((r) => r.headers['webhook-id']),
    ).toEqual([eventId, eventId]);
    // The killed relay never recorded its attempt; the survivor's is the second claim.
    const log = await box.sql`select a.claim, a.worker, a.http_status from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${e.id}`;
    expect(log).toEqual([{ claim: 2, worker: 'survivor', http_status: 204 }]);
  });

  it('two relays racing deliver every event exactly once, each aggregate in order', async () => {
    const chA = box.channel();
    await box.endpoint('/race', ['stock.changed'], [chA], async () => {
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      return 204;
    });
    const aggregates = Array.from({ length: 10 }, (_, i) => `variant-${box.tag}-${i}`);
    // 10 variants x 20 movements, interleaved as a busy ledger writes them.
    for (let v = 1; v <= 20; v++)
      for (const agg of aggregates)
        await box.emit('stock.changed', chA, agg, v, { movementId: v, kind: 'RECEIPT', variantId: agg, deltaOnHand: 1, deltaReserved: 0 });
    const stops = [box.relay({ workerId: 'relay-1', concurrency: 8 }), box.relay({ workerId: 'relay-2', concurrency: 8 })];
    try {
      await eventually(
        () => box.receiver().at('/race').length,
        (n) => n >= 200,
        '200 deliveries',
        60_000,
      );
      await eventually(
        async () =>
          (
            await box.sql`select count(*)::int as n from webhooks.deliveries d join webhooks.endpoints p on p.id = d.endpoint_id
            where p.url = ${`${box.receiver().url}/race`} and d.status = 'DELIVERED'`
          )[0]!.n,
        (n) => n === 200,
        'all recorded',
      );
    } finally {
      await Promise.all(stops.map((s) => s()));
    }
    const got = box.receiver().at('/race');
    expect(got.length).toBe(200);
    expect(new Set(got.map((r) => r.envelope.id)).size).toBe(200);
    for (const agg of aggregates)
      expect(got.filter((r) => r.envelope.aggregateId === agg).map((r) => r.envelope.aggregateVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // They raced: both relays delivered, and deliveries overlapped at the box.receiver().
    const workers = await box.sql`select a.worker, count(*)::int as n from webhooks.attempts a join webhooks.deliveries d on d.id = a.delivery_id
      join webhooks.endpoints p on p.id = d.endpoint_id where p.url = ${`${box.receiver().url}/race`} group by a.worker order by a.worker`;
    expect(workers.map((w) => w.worker)).toEqual(['relay-1', 'relay-2']);
    expect(workers.reduce((s, w) => s + w.n, 0)).toBe(200);
    expect(box.receiver().maxInFlight()).toBeGreaterThan(1);
  });
});
