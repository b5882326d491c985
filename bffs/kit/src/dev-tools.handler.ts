import type http from 'node:http';
import { graphiqlPage, sendJson } from '@storegraph/server-kit';
import { DEMO_USERS } from './demo-users.ts';
import { errorBody } from './edge-refusal.ts';
import { issueToken } from './identity.ts';

interface DevToolsOptions {
  name: 'b2c' | 'b2b' | 'pos' | 'admin';
  idpSecret: string;
  demoLogin: boolean;
}

/** The development conveniences: the GraphiQL page and the demo login. Both are off in production. */
export function devTools(opts: DevToolsOptions) {
  /**
   * The IDE opens with working credentials: with demo login on (development), a token of this BFF's first
   * demo user, renewed hourly; otherwise a placeholder to replace with a real token.
   */
  let ideToken: { value: Record<string, string>; at: number } | undefined;
  async function ideHeaders(): Promise<Record<string, string>> {
    if (ideToken && Date.now() - ideToken.at < 3_600_000) return ideToken.value;
    const user = DEMO_USERS.find((u) => u.bff === opts.name && u.kind !== 'staff');
    let value: Record<string, string> = { authorization: 'Bearer <access token>' };
    if (opts.demoLogin && user) {
      const { email: _e, bff: _b, ...principal } = user;
      value = { authorization: `Bearer ${await issueToken(principal, opts.idpSecret)}` };
    }
    ideToken = { value, at: Date.now() };
    return value;
  }

  return {
    async servePage(res: http.ServerResponse) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(graphiqlPage(`Storegraph ${opts.name.toUpperCase()} BFF`, await ideHeaders()));
    },

    async demoLogin(res: http.ServerResponse, raw: string) {
      let email = '';
      try {
        email = String(JSON.parse(raw).email ?? '');
      } catch {
        /* fall through to not found */
      }
      const user = DEMO_USERS.find((u) => u.email === email && (u.bff === opts.name || u.kind === 'staff'));
      if (!user) return sendJson(res, 404, errorBody('NOT_FOUND', `no demo user ${email} for the ${opts.name} BFF`));
      const { email: _e, bff: _b, ...principal } = user;
      return sendJson(res, 200, { accessToken: await issueToken(principal, opts.idpSecret), tokenType: 'Bearer' });
    },
  };
}
