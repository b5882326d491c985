import type { Database, SubgraphClient, SubgraphRequestContext } from '@storegraph/kit';
import type * as tables from './db/tables.ts';
import { createCustomerLoaders, type CustomerLoaders } from './loaders/customer.loaders.ts';
import type { PasswordHasher } from './services/password-hasher.ts';
import type { SignInThrottle } from './services/sign-in.throttle.ts';
import type { RealmDirectory } from './services/realm.directory.ts';

export type CustomersDb = Database<typeof tables>;

/** What customers needs beyond its database: hashing, throttling, the token secret and its settings. */
export interface CustomersDeps {
  hasher: PasswordHasher;
  throttle: SignInThrottle;
  realms: RealmDirectory;
  /** Signs customer access tokens; the BFFs verify them with the same secret. */
  idpSecret: string;
  /** Signs the service context an erasure uses to call orders. */
  contextSecret: string;
  orders: SubgraphClient;
  /** Asked which stock locations a POS channel sells from, when a till staff member's shops are set. */
  stock: SubgraphClient;
  /** A customer access token's lifetime (ACCESS_TOKEN_TTL_SECONDS unless configured). */
  accessTtlSeconds: number;
  refreshTtlDays: number;
  /** A sign-in's absolute lifetime, however often it is refreshed. */
  sessionMaxDays: number;
  verifyEmailTtlHours: number;
  resetPasswordTtlMinutes: number;
  /** How long a till's customer ticket names its customer on offline sales. */
  tillCustomerTicketTtlSeconds: number;
}

export interface CustomersContext extends SubgraphRequestContext {
  db: CustomersDb;
  deps: CustomersDeps;
  loaders: CustomerLoaders;
  /** The realms the staff caller's channels reach, to read and to write, each asked once per request (customer-access.ts). */
  staffRealms?: { read?: Promise<string[] | null>; write?: Promise<string[] | null> };
}

export function createCustomersContext(db: CustomersDb, base: SubgraphRequestContext, deps: CustomersDeps): CustomersContext {
  const ctx = { ...base, db, deps } as CustomersContext;
  ctx.loaders = createCustomerLoaders(ctx);
  return ctx;
}
