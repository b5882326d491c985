/** The events the customers subgraph writes (accounts; the mailer sends their links). */
import { type EventEntry, id, object } from './event-schema-parts.ts';

const accountToken = object(['customerId', 'email', 'tokenId', 'expiresAt'], {
  customerId: id,
  email: { type: 'string' },
  name: { type: ['string', 'null'] },
  tokenId: {
    type: 'string',
    format: 'uuid',
    description: 'names the single-use token; the mailer reads its secret from customers.mail_secrets (no event carries it)',
  },
  expiresAt: { type: 'string', format: 'date-time' },
  reason: { type: ['string', 'null'] },
});

export const CUSTOMER_EVENTS = {
  'customer.created': {
    source: 'customers',
    description: 'An account was created (sign-up, first sign-in through an identity provider, company invitation).',
    data: object(['customerId', 'realm', 'email'], {
      customerId: id,
      realm: { type: 'string' },
      email: { type: 'string' },
      name: { type: ['string', 'null'] },
      companyId: id,
      role: { type: 'string' },
      identityProvider: { type: 'string' },
    }),
  },
  'customer.email_verification_requested': {
    source: 'customers',
    description: 'A verification link is to be mailed.',
    data: accountToken,
  },
  'customer.password_reset_requested': {
    source: 'customers',
    description: 'A reset (or invitation) link is to be mailed.',
    data: accountToken,
  },
  'customer.password_changed': {
    source: 'customers',
    description: 'The password was changed with a reset token; every session was ended.',
    data: object(['customerId', 'email'], { customerId: id, email: { type: 'string' } }),
  },
  'customer.erased': {
    source: 'customers',
    description: 'The account was erased on request; receivers delete what they hold about it.',
    data: object(['customerId'], { customerId: id }),
  },
} as const satisfies Record<string, EventEntry>;
