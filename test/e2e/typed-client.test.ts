import { describe, expect, it } from 'vitest';
import { createClient, StorefrontError } from '@storegraph/client';
import { DEMO_PASSWORD, DEMO_PUBLISHABLE_KEYS } from '@storegraph/demo';
import { MeDocument, ProductListingDocument, SignInDocument } from '@storegraph/bff-b2c/operations';
import { MyCompanyDocument, SignInDocument as TradeSignIn } from '@storegraph/bff-b2b/operations';
import { system } from '../support/clients.ts';
import { startProductionB2c } from '../support/production-bff.ts';

/**
 * The typed client a storefront imports (`@storegraph/client` plus its BFF's generated documents), against
 * the production-mode BFFs: answers are typed by the documents, so a subgraph change that breaks an
 * operation fails the typecheck of this file as it would a storefront's.
 */
describe('the typed client', () => {
  it('lists the web-eu catalogue, signs Anna in and reads her profile, typed end to end', async () => {
    let token: string | undefined;
    const shop = createClient({ url: system().b2c, publishableKey: DEMO_PUBLISHABLE_KEYS['web-eu'], token: () => token, locale: 'en-GB' });
    const listing = await shop.request(ProductListingDocument, { first: 2 });
    expect(listing.products.nodes).toHaveLength(2);
    const signIn = await shop.request(SignInDocument, { input: { email: 'anna@example.com', password: DEMO_PASSWORD } });
    if (signIn.signIn.__typename !== 'AuthSession') throw new Error(`expected a session, got ${signIn.signIn.__typename}`);
    token = signIn.signIn.accessToken;
    const me = await shop.request(MeDocument);
    expect(me.me).toMatchObject({ id: 'cus_anna', group: 'loyalty-gold', emailVerified: true });
  });

  it('reads the trade portal as a company admin', async () => {
    let token: string | undefined;
    const portal = createClient({ url: system().b2b, token: () => token });
    const signIn = await portal.request(TradeSignIn, { input: { email: 'buyer@acme.example', password: DEMO_PASSWORD } });
    if (signIn.signIn.__typename !== 'AuthSession') throw new Error('expected a session');
    token = signIn.signIn.accessToken;
    const company = await portal.request(MyCompanyDocument);
    expect(company.myCompany).toMatchObject({ id: 'cmp_acme', paymentTermsDays: 30, creditLimit: { amount: 5_000_000, currency: 'EUR' } });
  });

  it('rejects with the stable code and status of the error table', async () => {
    // A production B2C BFF: there the channel comes only from a publishable key.
    const production = await startProductionB2c();
    try {
      const noKey = createClient({ url: production.url });
      const refused = await noKey.request(ProductListingDocument, { first: 2 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StorefrontError);
      expect(refused).toMatchObject({ code: 'PUBLISHABLE_KEY_REQUIRED', status: 401, retryable: false });
    } finally {
      await production.close();
    }
  });
});
