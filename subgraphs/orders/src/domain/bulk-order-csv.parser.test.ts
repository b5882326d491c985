import { describe, expect, it } from 'vitest';
import { BulkCsvRefused, parseBulkCsv } from './bulk-order-csv.parser.ts';

describe('bulk order CSV', () => {
  it('reads the sku and quantity columns by name, numbering data rows from 1 after the header', async () => {
    const csv = '\uFEFFNote,QUANTITY,Sku\r\n"a, b",2,AB-1\r\n\r\nx,-1,AB-2\r\ny,,AB-3\r\nz,3\r\n';
    expect(await parseBulkCsv(csv)).toEqual({
      lines: [
        { row: 1, sku: 'AB-1', quantity: 2 },
        // Negative passes the syntax: the line rules refuse it with the catalogue's own message.
        { row: 2, sku: 'AB-2', quantity: -1 },
      ],
      problems: [
        { row: 3, sku: 'AB-3', code: 'MALFORMED_ROW', message: 'needs a sku and a quantity' },
        { row: 4, sku: null, code: 'MALFORMED_ROW', message: 'needs a sku and a quantity' },
      ],
      rows: 4,
    });
  });

  it('keeps the rows before broken quoting and reports the broken row', async () => {
    const parsed = await parseBulkCsv('sku,quantity\nA,1\nB,x\n"C,2\nD,3\n');
    expect(parsed.lines).toEqual([{ row: 1, sku: 'A', quantity: 1 }]);
    expect(parsed.problems.map((p) => [p.row, p.code])).toEqual([
      [2, 'INVALID_QUANTITY'],
      [3, 'MALFORMED_ROW'],
    ]);
  });

  it('refuses a file past 5,000 rows, and one without the two columns', async () => {
    const body = 'A,1\n'.repeat(5_000);
    expect((await parseBulkCsv(`sku,quantity\n${body}`)).rows).toBe(5_000);
    await expect(parseBulkCsv(`sku,quantity\n${body}A,1\n`)).rejects.toMatchObject({ reason: 'TOO_MANY_ROWS' });
    await expect(parseBulkCsv('sku,qty\nA,1\n')).rejects.toBeInstanceOf(BulkCsvRefused);
    await expect(parseBulkCsv('')).rejects.toMatchObject({ reason: 'EMPTY_FILE' });
  });
});
