import { DEMO_PASSWORD, DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { registerRevalidationWebhook, staffToken } from './revalidation-webhook.ts';
import { assertPortFree, buildStorefront, startStorefront } from './storefront-server.ts';

/**
 * `npm run storefront`: builds (when its sources changed) and serves the example storefront against a
 * running system (`npm start`), with the demo's publishable keys unless STOREFRONT_PUBLISHABLE_KEYS is set.
 *
 * Price and product changes reach its page cache by webhook: with STOREFRONT_WEBHOOK_SECRET set, the endpoint
 * was registered by staff (URL <storefront>/api/revalidate); unset, the demo's admin registers it here through
 * the admin BFF (STOREGRAPH_ADMIN_URL); STOREFRONT_WEBHOOK=off serves without (pages end at their max-age).
 */
const b2cUrl = process.env.STOREGRAPH_B2C_URL ?? 'http://localhost:4201/graphql';
const adminUrl = process.env.STOREGRAPH_ADMIN_URL ?? 'http://localhost:4204/graphql';
const port = Number(process.env.STOREFRONT_PORT ?? 3000);
const keys = process.env.STOREFRONT_PUBLISHABLE_KEYS
  ? Object.fromEntries(process.env.STOREFRONT_PUBLISHABLE_KEYS.split(',').map((pair) => pair.split('=') as [string, string]))
  : { 'web-eu': DEMO_PUBLISHABLE_KEYS['web-eu']!, 'web-us': DEMO_PUBLISHABLE_KEYS['web-us']! };

async function webhookSecret(): Promise<string | undefined> {
  if (process.env.STOREFRONT_WEBHOOK_SECRET) return process.env.STOREFRONT_WEBHOOK_SECRET;
  if (process.env.STOREFRONT_WEBHOOK === 'off') return undefined;
  const url = `http://127.0.0.1:${port}/api/revalidate`;
  try {
    const token = await staffToken(adminUrl, 'admin@storegraph.dev', DEMO_PASSWORD);
    return await registerRevalidationWebhook({ adminUrl, token, url });
  } catch (err) {
    throw new Error(
      `could not register the storefront's webhook ${url} as the demo admin: ${(err as Error).message}\n` +
        'Register it as staff (RegisterWebhookEndpoint: price.changed, product.updated, no channels) and set STOREFRONT_WEBHOOK_SECRET, or set STOREFRONT_WEBHOOK=off.',
    );
  }
}

// Before the webhook is registered: a restart rotates its secret, which an old process on the port would not know.
await assertPortFree(port);
const secret = await webhookSecret();
const seconds = await buildStorefront();
console.log(seconds ? `built in ${seconds} s` : 'build is up to date');
const shop = await startStorefront({ b2cUrl, keys, port, webhookSecret: secret });
console.log(`Storefront: ${shop.url}/eu-de (web-eu, EUR) and ${shop.url}/us-en (web-us, USD), on ${b2cUrl}`);
console.log(
  secret ? `Price and product changes drop its cached pages by webhook at ${shop.url}/api/revalidate` : 'No webhook: cached pages end at their max-age',
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shop.close().then(() => process.exit(0)));
