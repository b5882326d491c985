import { describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { data } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';
import { adminWalk } from './admin-walk-support.ts';

const run = adminWalk('channels');

/** Staff set up a new storefront channel, and edit what may change about one, through the admin BFF. */
describe('sales channels by staff', () => {
  const code = `web-t${Date.now().toString(36)}${process.pid}`;
  const input = {
    code,
    kind: 'B2C',
    name: 'Test UK shop',
    currency: 'GBP',
    defaultLocale: 'en-GB',
    locales: ['en-GB'],
    country: 'GB',
    taxMode: 'INCLUSIVE',
  };

  it('creates a channel with catalog-admin on every channel, refuses it without, and edits only what may change', async () => {
    const brand = await staffSession((await createStaff('channels-brand', ['catalog-admin'], ['*'])).email);
    const usOnly = await staffSession((await createStaff('channels-us', ['catalog-admin'], ['web-us'])).email);

    const refused = await run('CreateSalesChannel', { input }, { token: usOnly.token });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const created = data(await run('CreateSalesChannel', { input }, { token: brand.token })).createSalesChannel;
    expect(created).toEqual(input);
    const again = await run('CreateSalesChannel', { input }, { token: brand.token });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const updated = data(
      await run(
        'UpdateSalesChannel',
        { code, input: { name: 'Test UK & IE shop', locales: ['en-GB', 'en-IE'], taxMode: 'EXCLUSIVE' } },
        { token: brand.token },
      ),
    ).updateSalesChannel;
    expect(updated).toEqual({ ...input, name: 'Test UK & IE shop', locales: ['en-GB', 'en-IE'], taxMode: 'EXCLUSIVE' });

    const badLocale = await run('UpdateSalesChannel', { code, input: { defaultLocale: 'fr-FR' } }, { token: brand.token });
    expect(badLocale.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const otherChannel = await run('UpdateSalesChannel', { code: 'web-eu', input: { name: 'Hijacked' } }, { token: usOnly.token });
    expect(otherChannel.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const sql = sqlClient();
    try {
      const rows =
        await sql`select code, name, currency, locales, default_locale, tax_mode from products.sales_channels where code in (${code}, 'web-eu') order by code`;
      expect(rows.map((r) => ({ ...r }))).toEqual([
        {
          code: 'web-eu',
          name: expect.not.stringMatching(/Hijacked/),
          currency: 'EUR',
          locales: ['de-DE', 'en-GB', 'fr-FR'],
          default_locale: 'de-DE',
          tax_mode: 'INCLUSIVE',
        },
        { code, name: 'Test UK & IE shop', currency: 'GBP', locales: ['en-GB', 'en-IE'], default_locale: 'en-GB', tax_mode: 'EXCLUSIVE' },
      ]);
    } finally {
      await sql.end();
    }
  });
});
