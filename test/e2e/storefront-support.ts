import { createServer } from 'node:net';
import { DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { buildStorefront, startStorefront, type RunningStorefront } from '../../examples/storefront-next/scripts/storefront-server.ts';

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The example storefront built (once per change of its sources; about 35 s) and served against a B2C BFF
 * with the demo's publishable keys for web-eu and web-us, as `npm run storefront` serves it.
 */
export async function serveStorefront(b2cUrl: string, opts: { catalogueCache?: boolean } = {}): Promise<RunningStorefront & { builtInSeconds: number }> {
  const builtInSeconds = await buildStorefront();
  const shop = await startStorefront({
    b2cUrl,
    keys: { 'web-eu': DEMO_PUBLISHABLE_KEYS['web-eu']!, 'web-us': DEMO_PUBLISHABLE_KEYS['web-us']! },
    port: await freePort(),
    catalogueCache: opts.catalogueCache,
  });
  return { ...shop, builtInSeconds };
}
