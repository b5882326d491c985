import { parse, CsvError } from 'csv-parse';
import type { OrderLineProblem } from './order-line.rules.ts';

/**
 * A bulk order's CSV: a header naming the columns `sku` and `quantity` (any order, any case; other columns
 * are ignored, so a spreadsheet's own columns may stay), then one data row per line. Rows are numbered from 1
 * after the header, as the catalogue's variant import numbers them. Pure apart from the parser's stream.
 */

/** Data rows one upload may hold: a trade buyer's largest replenishment file (issue 14). */
export const MAX_BULK_ROWS = 5_000;
/** One record's most characters: a SKU is at most 64, so a longer record is not an order line. */
const MAX_RECORD_CHARS = 1_024;

export type BulkCsvProblemCode = OrderLineProblem['code'] | 'MALFORMED_ROW';

export interface BulkCsvProblem {
  row: number;
  sku: string | null;
  code: BulkCsvProblemCode;
  message: string;
}

export interface BulkCsv {
  /** Rows with a SKU and a whole-number quantity, numbered as in the file; checked against the catalogue next. */
  lines: { row: number; sku: string; quantity: number }[];
  problems: BulkCsvProblem[];
  /** Data rows read (empty lines skipped). */
  rows: number;
}

export class BulkCsvRefused extends Error {
  constructor(
    readonly reason: 'MISSING_COLUMNS' | 'TOO_MANY_ROWS' | 'EMPTY_FILE',
    message: string,
  ) {
    super(message);
  }
}

const QUANTITY = /^[+-]?\d{1,9}$/;

/** Characters handed to the parser at a time: a file past MAX_BULK_ROWS stops being parsed within one of them. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Reads the CSV record by record (csv-parse, fed in 64 K chunks), so a file past MAX_BULK_ROWS is refused at
 * its 5,001st row without parsing the rest. Broken quoting ends the read: the rows before it are reported as
 * usual and the broken one as MALFORMED_ROW, since nothing after an unclosed quote can be trusted.
 */
export async function parseBulkCsv(text: string): Promise<BulkCsv> {
  const lines: BulkCsv['lines'] = [];
  const problems: BulkCsvProblem[] = [];
  let columns: { sku: number; quantity: number } | null = null;
  let row = 0;
  let refused: BulkCsvRefused | null = null;
  let broken: CsvError | null = null;

  const take = (record: string[]) => {
    if (refused) return;
    if (!columns) {
      const names = record.map((c) => c.toLowerCase());
      const sku = names.indexOf('sku');
      const quantity = names.indexOf('quantity');
      if (sku < 0 || quantity < 0) refused = new BulkCsvRefused('MISSING_COLUMNS', 'the first row must name the columns sku and quantity');
      else columns = { sku, quantity };
      return;
    }
    row += 1;
    if (row > MAX_BULK_ROWS) {
      refused = new BulkCsvRefused('TOO_MANY_ROWS', `at most ${MAX_BULK_ROWS} rows`);
      return;
    }
    const sku = record[columns.sku] ?? '';
    const quantity = record[columns.quantity] ?? '';
    if (sku === '' || quantity === '') problems.push({ row, sku: sku || null, code: 'MALFORMED_ROW', message: 'needs a sku and a quantity' });
    else if (!QUANTITY.test(quantity)) problems.push({ row, sku, code: 'INVALID_QUANTITY', message: 'quantity must be a whole number from 1 to 10000' });
    else lines.push({ row, sku, quantity: Number(quantity) });
  };

  // on_record sees each record as the parser makes it, so every record before a parse error is taken (a
  // stream consumer loses those still buffered when the stream errors); returning null keeps none buffered.
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (record: string[]) => {
      take(record);
      return null;
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.resume();
    parser.on('end', resolve);
    parser.on('error', (err) => {
      if (err instanceof CsvError) {
        broken = err;
        resolve();
      } else reject(err);
    });
    for (let at = 0; at < text.length && !refused && !broken; at += CHUNK_CHARS) parser.write(text.slice(at, at + CHUNK_CHARS));
    if (refused || broken) {
      parser.destroy();
      resolve();
    } else parser.end();
  });
  if (refused) throw refused;
  const err = broken as CsvError | null;
  if (err && !columns) throw new BulkCsvRefused('MISSING_COLUMNS', `the header row is not readable as CSV (${err.code})`);
  // The record being read when the parser stopped: the row after the last one it completed.
  if (err) problems.push({ row: row + 1, sku: null, code: 'MALFORMED_ROW', message: `not readable as CSV (${err.code}); nothing after it was read` });
  if (!columns) throw new BulkCsvRefused('EMPTY_FILE', 'the file has no header row');
  return { lines, problems, rows: row };
}
