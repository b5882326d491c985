import { SIGN_IN_OPERATIONS, STAFF_CHANNEL_HEADER, startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';
import { dashboardPage } from './dashboard/dashboard.page.ts';
import { staffIdePage } from './staff-ide.page.ts';

/** Where a staff request works when it names no channel and the staff member's channels are all ('*'). */
export const ADMIN_HOME_CHANNEL = 'web-eu';

/**
 * The staff front door: every staff operation of the supergraph is allow-listed here and nowhere else. Staff
 * sign in with a built-in account (password, optional TOTP) or come with an identity provider's staff token;
 * the channel a request works in is `x-channel` (one of theirs), else their first. Roles are checked by each
 * subgraph from the signed context, as for every other caller. GET /dashboard serves the staff dashboard, GET /graphiql
 * GraphiQL for staff (staff-ide.page.ts).
 */
export function startAdminBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'admin',
      kind: 'B2C',
      defaultPort: 4204,
      staffChannelsOnly: true,
      pages: { '/dashboard': dashboardPage, '/graphiql': staffIdePage },
      staffSchema: true,
      resolveCaller: (req, principal, _lookups, operationName) => {
        const asked = req.headers[STAFF_CHANNEL_HEADER];
        const channel = typeof asked === 'string' && asked ? asked : ADMIN_HOME_CHANNEL;
        if (!principal && operationName && SIGN_IN_OPERATIONS.has(operationName)) return { channel };
        if (!principal) throw appError('UNAUTHENTICATED', 'staff sign-in required');
        if (principal.kind !== 'staff') throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the admin BFF`);
        return { channel };
      },
    },
    env,
  );
}
