import { startB2cBff } from '@storegraph/bff-b2c';
import { system } from './clients.ts';

export type RunningTestBff = Awaited<ReturnType<typeof startB2cBff>>;

/**
 * A B2C BFF started as production would (allow-list enforced, no IDE, no demo login, no unsigned channel
 * header) in front of the test system's gateway; `extra` adds or overrides settings (limits, Redis).
 */
export function startProductionB2c(extra: NodeJS.ProcessEnv = {}): Promise<RunningTestBff> {
  const s = system();
  return startB2cBff({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
    STOREGRAPH_IDP_SECRET: s.idpSecret,
    GATEWAY_URL: s.gateway,
    B2C_PORT: '0',
    ...extra,
  });
}
