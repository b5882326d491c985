import { describe, expect, it } from 'vitest';
import { sqlClient } from '../../../test/support/clients.ts';
import { asAdmin, countRows, prices } from './support.ts';
import { UPSERT, upsert } from './shipping-support.ts';

// Staff writes of shipping methods, in test-ch (no other file writes shipping methods there).

describe('upsertShippingMethod', () => {
  const testChMethods = async () => {
    const sql = sqlClient();
    try {
      return await sql`select code, name, kind, amount::int8 as amount, active from prices.shipping_methods where channel = 'test-ch' order by code`;
    } finally {
      await sql.end();
    }
  };
  const input = { channel: 'test-ch', code: 't-staff', name: 'Staff test', kind: 'FLAT', currency: 'CHF', amount: 900 };

  it('is for pricing admins of the method’s channel', async () => {
    const before = await testChMethods();
    const other = await prices(UPSERT, { i: input }, { staff: { id: 'stf_pricing_us', roles: ['pricing-admin'], channels: ['web-us'] } } as never);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const viewer = await prices(UPSERT, { i: input }, { staff: { id: 'stf_viewer', roles: ['viewer'], channels: ['*'] } } as never);
    expect(viewer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nothing written: test-ch's methods are what they were (the creating test may have run first).
    expect(await testChMethods()).toEqual(before);
  });

  it('refuses input that does not fit the kind, with a stable reason, and writes nothing', async () => {
    const before = await testChMethods();
    const cases: [Record<string, unknown>, string][] = [
      [{ freeFrom: 5000 }, 'INVALID_AMOUNT'],
      [{ amount: -1 }, 'INVALID_AMOUNT'],
      [{ kind: 'FREE_ABOVE' }, 'INVALID_AMOUNT'],
      [{ kind: 'PICKUP', amount: 100 }, 'INVALID_AMOUNT'],
      [
        {
          kind: 'WEIGHT_BANDS',
          amount: null,
          weightBands: [
            { upToGrams: 1000, amount: 100 },
            { upToGrams: 1000, amount: 200 },
          ],
        },
        'INVALID_WEIGHT_BANDS',
      ],
      [{ kind: 'WEIGHT_BANDS', amount: null, weightBands: [] }, 'INVALID_WEIGHT_BANDS'],
      [{ weightBands: [{ upToGrams: 1000, amount: 100 }] }, 'INVALID_WEIGHT_BANDS'],
      [{ countries: ['Germany'] }, 'INVALID_COUNTRY'],
      [{ code: 'has space' }, 'INVALID_SHIPPING_METHOD'],
      [{ currency: 'eur' }, 'INVALID_CURRENCY'],
    ];
    for (const [patch, reason] of cases) {
      const res = await prices(UPSERT, { i: { ...input, ...patch } }, asAdmin({ channel: 'test-ch' }));
      expect(res.errors?.[0]?.extensions, reason).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    }
    // Nothing written: test-ch's methods are what they were (the creating test may have run first).
    expect(await testChMethods()).toEqual(before);
  });

  it('creates a method and replaces it under the same channel and code', async () => {
    expect(await upsert({ ...input, countries: ['DE', 'CH', 'DE'] })).toEqual({
      channel: 'test-ch',
      code: 't-staff',
      name: 'Staff test',
      kind: 'FLAT',
      amount: { amount: 900, currency: 'CHF' },
      freeFrom: null,
      weightBands: [],
      taxCategory: 'STANDARD',
      countries: ['CH', 'DE'],
      active: true,
      position: 0,
    });
    const bands = await upsert({
      ...input,
      name: 'By weight',
      kind: 'WEIGHT_BANDS',
      amount: null,
      weightBands: [{ upToGrams: 500, amount: 700 }],
      active: false,
    });
    expect(bands).toMatchObject({
      name: 'By weight',
      kind: 'WEIGHT_BANDS',
      amount: null,
      weightBands: [{ upToGrams: 500, amount: { amount: 700 } }],
      active: false,
    });
    expect(await countRows(`select count(*) as n from prices.shipping_methods where channel = 'test-ch'`)).toBe(1);
  });
});
