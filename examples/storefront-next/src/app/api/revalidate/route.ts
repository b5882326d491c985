import { Webhook } from 'standardwebhooks';
import { dropTagged } from '@/lib/catalogue-cache';
import { eventTags } from '@/lib/catalogue-tags.rules';
import { storefrontConfig } from '@/lib/storefront-config';

export const dynamic = 'force-dynamic';

/**
 * Storegraph's signed webhooks for this storefront's endpoint (registered for price.changed and
 * product.updated with no channel filter: a base price book's change names no channel). A delivery that
 * verifies (Standard Webhooks: HMAC of id, timestamp and body with the whsec_ secret; a timestamp more than
 * 5 minutes off is refused, so a captured delivery cannot be replayed later) drops every cached catalogue
 * answer holding the variant or product it names. Anything else is refused before it touches the cache.
 */
export async function POST(request: Request): Promise<Response> {
  const secret = storefrontConfig().webhookSecret;
  if (!secret) return new Response('no webhook secret is configured (STOREFRONT_WEBHOOK_SECRET)', { status: 404 });
  const body = await request.text();
  let envelope: { type?: unknown; data?: Record<string, unknown> | null };
  try {
    envelope = new Webhook(secret).verify(body, {
      'webhook-id': request.headers.get('webhook-id') ?? '',
      'webhook-timestamp': request.headers.get('webhook-timestamp') ?? '',
      'webhook-signature': request.headers.get('webhook-signature') ?? '',
    }) as typeof envelope;
  } catch {
    // Tampered, signed with another secret, or too old: the sender learns nothing more.
    return new Response('invalid signature', { status: 401 });
  }
  // Other types (an endpoint registered for more) are acknowledged and ignored, so they are not retried.
  try {
    await dropTagged(eventTags(envelope));
  } catch {
    // The shared cache (Redis) is unreachable: not acknowledged, so the sender delivers it again.
    return new Response('the catalogue cache cannot be reached; deliver again', { status: 503 });
  }
  return new Response(null, { status: 204 });
}
