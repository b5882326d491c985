import { SIGN_IN_OPERATIONS, startChannelBff } from '@storegraph/bff-kit';
import { appError } from '@storegraph/schema';

export const B2B_CHANNEL = 'trade-eu';

export function startB2bBff(env: NodeJS.ProcessEnv = process.env) {
  return startChannelBff(
    {
      name: 'b2b',
      kind: 'B2B',
      defaultPort: 4202,
      resolveCaller: (_req, principal, _lookups, operationName) => {
        // The trade portal is closed: every request is a signed-in buyer of a company (or staff), except signing in.
        if (!principal && operationName && SIGN_IN_OPERATIONS.has(operationName)) return { channel: B2B_CHANNEL };
        if (!principal) throw appError('UNAUTHENTICATED', 'sign in as a trade buyer to use the B2B portal');
        if (principal.kind !== 'buyer' && principal.kind !== 'staff') throw appError('FORBIDDEN', `a ${principal.kind} token cannot be used on the B2B portal`);
        return { channel: B2B_CHANNEL };
      },
      // A CSV bulk order is one text variable: 5,000 rows of a spreadsheet's columns fit in 1 MiB (a typical
      // export of sku,quantity is ~25 bytes a row, 125 KB); a larger file gets 413 before it is read whole.
      uploads: { operations: ['CheckBulkOrder', 'AddBulkOrderToCart'], maxBodyBytes: 1024 * 1024, maxStringLength: 1024 * 1024 },
    },
    env,
  );
}
