import { describe, expect, it } from 'vitest';
import { sqlClient } from '../support/clients.ts';
import { asStaff, createTestProduct, gateway, ok, randomEan, uid, waitForJob } from '../../subgraphs/products/test/catalog-admin.ts';

const BULK = `mutation($input: BulkUpsertVariantsInput!) { bulkUpsertVariants(input: $input) { id status total } }`;

async function storedSkus(prefix: string): Promise<number> {
  const sql = sqlClient();
  try {
    const [row] = await sql`select count(*)::int as n from products.variants where sku like ${`${prefix}%`}`;
    return row!.n;
  } finally {
    await sql.end();
  }
}

function csvFor(productId: string, prefix: string, n: number, broken?: number) {
  const lines = ['sku,productId,gtin,option:size,attr:material'];
  for (let i = 1; i <= n; i++) lines.push(i === broken ? `${prefix}-${i},${productId},"unclosed,M,wool` : `${prefix}-${i},${productId},${randomEan()},M,wool`);
  return lines.join('\n');
}

describe('bulk variant import', () => {
  it('refuses 10,001 rows with TOO_MANY_ROWS and writes nothing, not even a job', async () => {
    const p = await createTestProduct();
    const prefix = `BIG-${uid()}`.toUpperCase();
    const res = await asStaff(BULK, { input: { mode: 'BEST_EFFORT', csv: csvFor(p.id, prefix, 10_001) } });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_ROWS', limit: 10000, total: 10001 });
    expect(res.data).toBeNull();
    expect(await storedSkus(prefix)).toBe(0);
    const sql = sqlClient();
    try {
      expect(await sql`select id from products.bulk_jobs where total > 10000`).toHaveLength(0);
    } finally {
      await sql.end();
    }
  });

  it('fails an all-or-nothing import with one malformed CSV row: the row is reported, nothing is written', async () => {
    const p = await createTestProduct();
    const prefix = `AON-${uid()}`.toUpperCase();
    const job = ok(await asStaff(BULK, { input: { mode: 'ALL_OR_NOTHING', csv: csvFor(p.id, prefix, 40, 17) } })).bulkUpsertVariants;
    expect(job.total).toBe(40);
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: 'FAILED', processed: 40, written: 0, failed: 1 });
    expect(done.errors).toEqual([expect.objectContaining({ row: 17, code: 'MALFORMED_ROW' })]);
    expect(await storedSkus(prefix)).toBe(0);
  });

  it('writes the valid rows of a best-effort import and reports each bad one with its stable code', async () => {
    const p = await createTestProduct();
    const other = await createTestProduct();
    const prefix = `BE-${uid()}`.toUpperCase();
    const taken = other.variants[0];
    const lines = [
      { sku: `${prefix}-1`, productId: p.id, gtin: randomEan(), options: { size: 'S' }, attributes: { material: 'wool' } },
      { sku: `${prefix}-2`, productId: p.id, gtin: '4006381333932' },
      { sku: `${prefix}-1`, productId: p.id },
      { sku: `${prefix}-3`, productId: 'prd_does_not_exist' },
      { sku: taken.sku, productId: p.id },
      { sku: `${prefix}-4`, productId: p.id, gtin: taken.gtin },
      { sku: `${prefix}-5`, productId: p.id, attributes: { material: 'unobtainium' } },
      { sku: `${prefix}-6`, productId: p.id, attributes: { no_such_attribute: 'x' } },
    ].map((o) => JSON.stringify(o));
    lines.splice(2, 0, '{"sku": broken json');
    lines.push(JSON.stringify({ sku: `${prefix}-7`, productId: p.id, options: { size: 'XL' } }));
    const job = ok(await asStaff(BULK, { input: { mode: 'BEST_EFFORT', jsonl: lines.join('\n') } })).bulkUpsertVariants;
    const done = await waitForJob(job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', total: 10, processed: 10, written: 2, failed: 8 });
    expect(done.errors.map((e: { row: number; code: string }) => [e.row, e.code])).toEqual([
      [2, 'INVALID_GTIN'],
      [3, 'MALFORMED_ROW'],
      [4, 'DUPLICATE_SKU'],
      [5, 'PRODUCT_NOT_FOUND'],
      [6, 'SKU_OF_OTHER_PRODUCT'],
      [7, 'GTIN_TAKEN'],
      [8, 'INVALID_ATTRIBUTE_VALUE'],
      [9, 'UNKNOWN_ATTRIBUTE'],
    ]);
    expect(await storedSkus(prefix)).toBe(2);
  });

  it('upserts 2,000 rows as one job, reporting progress up to the total, then updates them by SKU on a second run', async () => {
    const p = await createTestProduct({ channels: ['sandbox-us'] });
    const prefix = `UP-${uid()}`.toUpperCase();
    const rows = (size: string) =>
      Array.from({ length: 2000 }, (_, i) => ({ sku: `${prefix}-${i}`, productId: p.id, position: i + 1, options: [{ name: 'size', value: size }] }));
    const job = ok(await asStaff(BULK, { input: { mode: 'ALL_OR_NOTHING', rows: rows('M') } })).bulkUpsertVariants;
    const seen: number[] = [];
    for (;;) {
      const j = ok(await asStaff(`query($id: ID!) { bulkJob(id: $id) { status processed total } }`, { id: job.id })).bulkJob;
      seen.push(j.processed);
      if (j.status === 'SUCCEEDED' || j.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // progress never goes backwards
    expect(seen.at(-1)).toBe(2000);
    expect(await waitForJob(job.id)).toMatchObject({ status: 'SUCCEEDED', written: 2000, failed: 0 });

    const again = ok(await asStaff(BULK, { input: { mode: 'ALL_OR_NOTHING', rows: rows('XL') } })).bulkUpsertVariants;
    expect(await waitForJob(again.id)).toMatchObject({ status: 'SUCCEEDED', written: 2000 });
    expect(await storedSkus(prefix)).toBe(2000);
    const res = await gateway(
      `query($sku: String!) { variantBySku(sku: $sku) { options { name value } product { id } } }`,
      { sku: `${prefix}-7` },
      'sandbox-us',
    );
    expect(res.data.variantBySku).toEqual({ options: [{ name: 'size', value: 'XL' }], product: { id: p.id } });
  });

  it('is for master-data staff only', async () => {
    const res = await asStaff(BULK, { input: { mode: 'BEST_EFFORT', csv: 'sku,productId\nA,b' } }, ['web-eu']);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
