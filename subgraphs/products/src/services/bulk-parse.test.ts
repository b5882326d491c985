import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv, parseJsonLines, parseInputRows } from './bulk-parse.ts';

describe('CSV records', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF endings', () => {
    const recs = csvRecords('a,b\r\n"x, y","say ""hi""\nthere"\n');
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
    expect(recs.every((r) => r.malformed === null)).toBe(true);
  });

  it('flags a stray quote and text after a closing quote as malformed', () => {
    expect(csvRecords('ab"c,d\n')[0]!.malformed).toMatch(/quote/);
    expect(csvRecords('"ab"c,d\n')[0]!.malformed).toMatch(/after a closing quote/);
    const unclosed = csvRecords('"open,d\nnext,row\n');
    expect(unclosed.map((r) => r.malformed)).toEqual(['unterminated quoted field', null]);
    expect(unclosed[1]!.fields).toEqual(['next', 'row']);
  });
});

describe('variant import rows', () => {
  it('reports each bad row with a stable code and keeps the good ones', () => {
    const csv = [
      'sku,productId,gtin,option:size,attr:material',
      'A-1,prd_1,4006381333931,M,wool',
      'A-2,prd_1,4006381333932,L,',
      'A-1,prd_1,,S,',
      'A-3,prd_1,"broken,',
    ].join('\n');
    const parsed = parseCsv(csv);
    expect(parsed.total).toBe(4);
    expect(parsed.rows.map((r) => r.sku)).toEqual(['A-1']);
    expect(parsed.rows[0]).toMatchObject({ options: { size: 'M' }, attributes: [{ code: 'material', value: 'wool' }] });
    expect(parsed.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'INVALID_GTIN'],
      [3, 'DUPLICATE_SKU'],
      [4, 'MALFORMED_ROW'],
    ]);
  });

  it('refuses a header without sku and productId, and more than 10,000 rows before looking at any', () => {
    expect(() => parseCsv('sku,colour\nA,red')).toThrow(/columns/);
    const big = ['sku,productId', ...Array.from({ length: 10_001 }, (_, i) => `S-${i},prd_1`)].join('\n');
    expect(() => parseCsv(big)).toThrow(/at most 10000 rows/);
    expect(() => parseInputRows(Array.from({ length: 10_001 }, (_, i) => ({ sku: `S-${i}`, productId: 'p' })))).toThrow(/at most/);
  });

  it('reads JSON Lines and marks a line that is not a JSON object', () => {
    const parsed = parseJsonLines('{"sku":"J-1","productId":"p","options":{"size":"M"}}\nnot json\n[1]\n{"sku":"J-2"}\n');
    expect(parsed.rows.map((r) => r.sku)).toEqual(['J-1']);
    expect(parsed.errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'MALFORMED_ROW'],
      [3, 'MALFORMED_ROW'],
      [4, 'MISSING_FIELD'],
    ]);
  });
});
