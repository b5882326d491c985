import { HttpResponse, http } from 'msw';
import { serveHandlers } from './msw-port.ts';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  envelope: { id: string; type: string; aggregateId: string; aggregateVersion: number; channels: string[]; data: any };
}

/**
 * A third party's webhook receiver, as msw on a real port (the relays POST from other processes). Each
 * path is one endpoint; `answer` chooses per request what that endpoint does (status, or a promise to hang
 * on). Records every request in arrival order and how many were in flight at once.
 */
export async function serveWebhookReceiver(
  answer: (path: string, nthForPath: number, envelope: ReceivedWebhook['envelope']) => number | Promise<number> = () => 204,
) {
  const received: ReceivedWebhook[] = [];
  const perPath = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const served = await serveHandlers(
    [
      http.post('*', async ({ request }) => {
        const path = new URL(request.url).pathname;
        const body = await request.text();
        const n = (perPath.get(path) ?? 0) + 1;
        perPath.set(path, n);
        const envelope = JSON.parse(body);
        received.push({ path, headers: Object.fromEntries(request.headers), body, envelope });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          const status = await answer(path, n, envelope);
          return new HttpResponse(null, { status });
        } finally {
          inFlight--;
        }
      }),
    ],
    () => new HttpResponse(null, { status: 404 }),
  );
  return {
    url: served.url,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    maxInFlight: () => maxInFlight,
    close: served.close,
  };
}

/** Polls until `check` holds (generous bound; no timing is asserted). */
export async function eventually<T>(read: () => T | Promise<T>, check: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (check(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
