import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { WatchOrderSubscription, WatchOrderSubscriptionVariables } from '@storegraph/bff-kit/live-operations';
import { marketOf } from '@/lib/markets';
import { currentSession } from '@/lib/shop.client';
import { publishableKey, storefrontConfig } from '@/lib/storefront-config';

export const dynamic = 'force-dynamic';

/**
 * The order's live status as server-sent events: the server holds one graphql-ws subscription to the BFF
 * (WatchOrder by name, as the BFF's live allow-list requires) with the shopper's token, which never
 * reaches the browser. The stream ends when the page goes away.
 */
export async function GET(request: Request, { params }: { params: Promise<{ market: string; id: string }> }) {
  const { market: slug, id } = await params;
  const market = marketOf(slug);
  const session = market ? await currentSession(market) : {};
  if (!market || !session.token) return new Response('not found', { status: 404, headers: { 'cache-control': 'no-store' } });
  const ws = createClient({
    url: storefrontConfig().b2cUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${session.token}`, 'x-publishable-key': publishableKey(market.channel), 'accept-language': market.locale },
    retryAttempts: 3,
  });
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) => controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      const close = () => {
        stop();
        void ws.dispose();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      };
      const variables: WatchOrderSubscriptionVariables = { orderId: id };
      stop = ws.subscribe<WatchOrderSubscription>(
        { query: '', operationName: 'WatchOrder', variables },
        {
          next: (update) => (update.data ? send('status', update.data.orderUpdated) : send('problem', update.errors ?? [])),
          error: (err) => {
            send('problem', [{ message: err instanceof Error ? err.message : 'the live status closed' }]);
            close();
          },
          complete: close,
        },
      );
      request.signal.addEventListener('abort', close);
    },
    cancel() {
      stop();
      void ws.dispose();
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' } });
}
