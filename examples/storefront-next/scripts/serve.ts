import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { buildStorefront, startStorefront } from './storefront-server.ts';

/**
 * `npm run storefront`: builds (when its sources changed) and serves the example storefront against a
 * running system (`npm start`), with the demo's publishable keys unless STOREFRONT_PUBLISHABLE_KEYS is set.
 */
const b2cUrl = process.env.STOREGRAPH_B2C_URL ?? 'http://localhost:4201/graphql';
const port = Number(process.env.STOREFRONT_PORT ?? 3000);
const keys = process.env.STOREFRONT_PUBLISHABLE_KEYS
  ? Object.fromEntries(process.env.STOREFRONT_PUBLISHABLE_KEYS.split(',').map((pair) => pair.split('=') as [string, string]))
  : { 'web-eu': DEMO_PUBLISHABLE_KEYS['web-eu']!, 'web-us': DEMO_PUBLISHABLE_KEYS['web-us']! };

const seconds = await buildStorefront();
console.log(seconds ? `built in ${seconds} s` : 'build is up to date');
const shop = await startStorefront({ b2cUrl, keys, port });
console.log(`Storefront: ${shop.url}/eu-de (web-eu, EUR) and ${shop.url}/us-en (web-us, USD), on ${b2cUrl}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shop.close().then(() => process.exit(0)));
