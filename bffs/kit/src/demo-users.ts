import type { Principal } from './identity.ts';

/**
 * The demo brand's people. The seed creates their orders and contract prices; `pnpm start` prints a
 * token for each, and in development each BFF's /auth/demo-login issues one by email.
 */
export const DEMO_USERS: (Principal & { email: string; bff: 'b2c' | 'b2b' | 'pos' })[] = [
  { email: 'anna@example.com', bff: 'b2c', sub: 'cus_anna', kind: 'customer', name: 'Anna Schmidt', group: 'loyalty-gold' },
  { email: 'ben@example.com', bff: 'b2c', sub: 'cus_ben', kind: 'customer', name: 'Ben Carter' },
  { email: 'chloe@example.com', bff: 'b2c', sub: 'cus_chloe', kind: 'customer', name: 'Chloé Martin' },
  { email: 'buyer@acme.example', bff: 'b2b', sub: 'cus_acme_buyer', kind: 'buyer', name: 'Acme buyer', company: 'cmp_acme' },
  { email: 'buyer@globex.example', bff: 'b2b', sub: 'cus_globex_buyer', kind: 'buyer', name: 'Globex buyer', company: 'cmp_globex' },
  {
    email: 'till-1@berlin.shop',
    bff: 'pos',
    sub: 'dev_till_berlin_1',
    kind: 'device',
    name: 'Berlin till 1',
    channel: 'pos-berlin',
    location: 'loc_berlin_shop',
  },
  {
    email: 'admin@storegraph.dev',
    bff: 'b2c',
    sub: 'stf_admin',
    kind: 'staff',
    name: 'Admin',
    roles: ['catalog-admin', 'pricing-admin', 'stock-admin', 'order-admin', 'viewer'],
    channels: ['*'],
  },
  {
    email: 'pricing-us@storegraph.dev',
    bff: 'b2c',
    sub: 'stf_pricing_us',
    kind: 'staff',
    name: 'US pricing manager',
    roles: ['pricing-admin', 'viewer'],
    channels: ['web-us'],
  },
];
