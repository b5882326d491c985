import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';
import { CARD_PROVIDER_STANDIN_KEY } from '../support/card-provider-standin.ts';
import { system } from '../support/clients.ts';
import { untilReady } from '../support/process-ready.ts';
import { freePort } from '@storegraph/dev-tools';

/**
 * A second orders process on the test system's database, with fault injection on, for crash tests that kill a
 * real process at a named boundary (`x-storegraph-crash-at`) and then let the shared system carry on.
 */

export interface OrdersReplica {
  url: () => string;
  alive: () => boolean;
  /** Starts it when it is not running (again after a crash), and waits until it is ready. */
  start: () => Promise<void>;
  /** Waits (up to 5 s) for the process to have died. */
  dead: () => Promise<boolean>;
  kill: () => void;
}

export function ordersReplica(extraEnv: NodeJS.ProcessEnv = {}): OrdersReplica {
  let port = 0;
  let child: ChildProcess | undefined;
  const alive = () => !!child && child.exitCode === null && child.signalCode === null;
  return {
    url: () => `http://127.0.0.1:${port}/graphql`,
    alive,
    async start() {
      if (alive()) return;
      if (!port) port = await freePort();
      const s = system();
      child = spawn(process.execPath, ['--import', 'tsx', 'subgraphs/orders/src/main.ts'], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: s.databaseUrl,
          ORDERS_PORT: String(port),
          ORDERS_DB_POOL: '3',
          PRODUCTS_URL: s.products,
          STOCK_URL: s.stock[0]!,
          PRICES_URL: s.prices,
          CUSTOMERS_URL: s.customers,
          STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
          STOREGRAPH_CONTEXT_ISSUERS: [...DEFAULT_CONTEXT_ISSUERS, 'test'].join(','),
          STOREGRAPH_FAULT_INJECTION: 'true',
          // The test system's card provider stand-in, for sales that take a card before they die.
          PAYMENT_CARD_API_URL: s.cardProvider,
          PAYMENT_CARD_API_KEY: CARD_PROVIDER_STANDIN_KEY,
          LOG_LEVEL: 'fatal',
          ...extraEnv,
        },
        stdio: 'ignore',
      });
      await untilReady(port, alive, 'orders replica');
    },
    async dead() {
      for (let i = 0; i < 200 && alive(); i++) await sleep(25);
      return !alive();
    },
    kill: () => {
      if (alive()) child!.kill('SIGKILL');
    },
  };
}
