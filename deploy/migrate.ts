/**
 * Applies every subgraph's migrations (its own schema, and the webhooks and audit schemas it shares) and exits:
 * the Kubernetes job that runs before a rollout, `docker compose run --rm migrate`, or by hand. Each subgraph's
 * start runs the same code in STOREGRAPH_MIGRATE_ONLY mode, so the job can never apply a different list than a
 * replica would; replicas starting afterwards find nothing to do (migrations take an advisory lock per schema).
 */
import { startCustomers } from '../subgraphs/customers/src/index.ts';
import { startOrders } from '../subgraphs/orders/src/index.ts';
import { startPrices } from '../subgraphs/prices/src/index.ts';
import { startProducts } from '../subgraphs/products/src/index.ts';
import { startStock } from '../subgraphs/stock/src/index.ts';
import { createLogger } from '@storegraph/kit';

const logger = createLogger('migrate');
const env = { ...process.env, STOREGRAPH_MIGRATE_ONLY: 'true' };
try {
  // One after another: products first, since stock reads the catalogue's schema when it starts serving.
  for (const [name, start] of [
    ['products', startProducts],
    ['stock', startStock],
    ['prices', startPrices],
    ['orders', startOrders],
    ['customers', startCustomers],
  ] as const) {
    const running = await start(env);
    await running.close();
    logger.info({ subgraph: name }, 'migrations applied');
  }
  process.exit(0);
} catch (err) {
  logger.fatal({ err }, 'migrations failed');
  process.exit(1);
}
