import { startGateway } from '@storegraph/gateway';
import { startB2cBff } from '@storegraph/bff-b2c';
import { subgraphUrls, system } from './clients.ts';

/**
 * A gateway and a B2C BFF as `npm start` runs them in development (ad-hoc documents, GraphiQL, introspection,
 * demo login), over the test system's subgraphs. The shared test system runs its BFFs as production does;
 * only tests of the development conveniences themselves (the IDE, the caps on ad-hoc documents) use this.
 */
export async function startDevelopmentB2c() {
  const s = system();
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
    STOREGRAPH_CONTEXT_SECRET: s.contextSecret,
    STOREGRAPH_IDP_SECRET: s.idpSecret,
    GATEWAY_PORT: '0',
    B2C_PORT: '0',
    GATEWAY_INTROSPECTION: 'true',
    ...subgraphUrls(),
  };
  const gateway = await startGateway(env);
  const b2c = await startB2cBff({ ...env, GATEWAY_URL: gateway.url });
  return {
    url: b2c.url,
    close: async () => {
      await b2c.close();
      await gateway.close();
    },
  };
}
