import type { NextConfig } from 'next';

const config: NextConfig = {
  // The typed client and the B2C BFF's generated documents are TypeScript sources in this workspace.
  transpilePackages: ['@storegraph/client', '@storegraph/bff-b2c'],
  // `npx tsc -p examples/storefront-next` checks the types; the build skips a second pass (about 20 s here).
  typescript: { ignoreBuildErrors: true },
  // The live order status holds a graphql-ws connection from the server: ws stays a plain Node require.
  // ioredis (the shared catalogue cache, REDIS_URL) likewise.
  serverExternalPackages: ['ws', 'ioredis'],
  poweredByHeader: false,
  // Product media is rendered only from hosts listed in STOREFRONT_MEDIA_HOSTS (see src/lib/media.rules.ts),
  // as plain <img>: no image optimiser, so no request leaves for a host nobody listed.
  images: { unoptimized: true },
};

export default config;
