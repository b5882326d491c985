import postgres from 'postgres';
import { createLogger, eventRelayOptionsFromEnv, startEventRelay } from '@storegraph/kit';

/**
 * One event relay as its own process, for crash tests: the relay of outbox `RELAY_SOURCE`, configured from
 * the environment as a subgraph's is (WEBHOOK_* variables), attempts recorded as `RELAY_WORKER`.
 */
const sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {} });
startEventRelay(sql, process.env.RELAY_SOURCE!, createLogger('relay-process'), {
  ...eventRelayOptionsFromEnv(),
  workerId: process.env.RELAY_WORKER ?? 'relay-process',
});
