import { appError } from '@storegraph/schema';
import type { BulkRowError } from '../db/tables.ts';
import { SKU_PATTERN, isValidGtin } from './gtin.ts';

/** Pure parsing and row checks of a variant import; nothing here touches the database. */

export const MAX_BULK_ROWS = 10_000;

export interface BulkRow {
  /** 1-based data row (CSV: not counting the header). */
  row: number;
  sku: string;
  productId: string;
  gtin?: string;
  position?: number;
  options?: Record<string, string>;
  attributes: { code: string; value: string }[];
}
export interface BulkParse {
  rows: BulkRow[];
  errors: BulkRowError[];
  /** Data rows seen, valid or not. */
  total: number;
}
export interface BulkRowInput {
  sku: string;
  productId: string;
  gtin?: string | null;
  position?: number | null;
  options?: { name: string; value: string }[] | null;
  attributes?: { code: string; value: string }[] | null;
}

interface CsvRecord {
  fields: string[];
  malformed: string | null;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
export function csvRecords(text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let i = 0;
  while (i < text.length) {
    const start = i;
    const fields: string[] = [];
    let field = '';
    let malformed: string | null = null;
    let inQuotes = false;
    let afterQuote = false;
    while (i < text.length) {
      const c = text[i]!;
      if (inQuotes) {
        if (c === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (c === '"') {
          inQuotes = false;
          afterQuote = true;
          i++;
        } else {
          field += c;
          i++;
        }
        continue;
      }
      i++;
      if (c === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
      } else if (c === '\n') {
        break;
      } else if (c === '\r' && text[i] === '\n') {
        // CRLF: the \n ends the record
      } else if (afterQuote) {
        malformed ??= 'text after a closing quote';
      } else if (c === '"' && field === '') {
        inQuotes = true;
      } else if (c === '"') {
        malformed ??= 'a quote inside an unquoted field';
      } else {
        field += c;
      }
    }
    if (inQuotes) {
      // An unclosed quote would swallow every later row: report this physical line alone and go on.
      const lineEnd = text.indexOf('\n', start);
      i = lineEnd === -1 ? text.length : lineEnd + 1;
      out.push({ fields: [], malformed: 'unterminated quoted field' });
      continue;
    }
    fields.push(field);
    const blank = fields.length === 1 && fields[0]!.trim() === '' && !malformed;
    if (!blank) out.push({ fields, malformed });
  }
  return out;
}

function tooMany(total: number): never {
  throw appError('BAD_USER_INPUT', `an import holds at most ${MAX_BULK_ROWS} rows, this one has ${total}; nothing was written`, {
    reason: 'TOO_MANY_ROWS',
    limit: MAX_BULK_ROWS,
    total,
  });
}

/** Shape checks every format shares: required fields, SKU and GTIN syntax, duplicates inside the file. */
function checkRows(candidates: (BulkRow | BulkRowError)[], total: number): BulkParse {
  const rows: BulkRow[] = [];
  const errors: BulkRowError[] = [];
  const skus = new Map<string, number>();
  const gtins = new Map<string, number>();
  for (const c of candidates) {
    if ('code' in c) {
      errors.push(c);
      continue;
    }
    const fail = (code: string, message: string, field?: string) => errors.push({ row: c.row, code, message, field, sku: c.sku || undefined });
    if (!c.sku) fail('MISSING_FIELD', 'sku is required', 'sku');
    else if (!c.productId) fail('MISSING_FIELD', 'productId is required', 'productId');
    else if (!SKU_PATTERN.test(c.sku)) fail('INVALID_SKU', `SKU "${c.sku}" must be 1-64 letters, digits, . _ / -`, 'sku');
    else if (c.gtin !== undefined && !isValidGtin(c.gtin)) fail('INVALID_GTIN', `"${c.gtin}" is not a valid GTIN (length or check digit)`, 'gtin');
    else if (c.position !== undefined && (!Number.isInteger(c.position) || c.position < 0))
      fail('INVALID_VALUE', 'position must be a whole number ≥ 0', 'position');
    else if (skus.has(c.sku)) fail('DUPLICATE_SKU', `SKU ${c.sku} is also on row ${skus.get(c.sku)}`, 'sku');
    else if (c.gtin !== undefined && gtins.has(c.gtin)) fail('DUPLICATE_GTIN', `GTIN ${c.gtin} is also on row ${gtins.get(c.gtin)}`, 'gtin');
    else {
      skus.set(c.sku, c.row);
      if (c.gtin !== undefined) gtins.set(c.gtin, c.row);
      rows.push(c);
    }
  }
  return { rows, errors, total };
}

export function parseInputRows(input: BulkRowInput[]): BulkParse {
  if (input.length > MAX_BULK_ROWS) tooMany(input.length);
  return checkRows(
    input.map((r, i) => ({
      row: i + 1,
      sku: r.sku.trim(),
      productId: r.productId.trim(),
      gtin: r.gtin?.trim() || undefined,
      position: r.position ?? undefined,
      options: r.options ? Object.fromEntries(r.options.map((o) => [o.name, o.value])) : undefined,
      attributes: r.attributes ?? [],
    })),
    input.length,
  );
}

const FIXED_COLUMNS = new Set(['sku', 'productId', 'gtin', 'position']);

export function parseCsv(text: string): BulkParse {
  const [header, ...records] = csvRecords(text);
  if (records.length > MAX_BULK_ROWS) tooMany(records.length);
  if (!header || header.malformed) throw appError('BAD_USER_INPUT', 'the CSV needs a header row', { reason: 'MISSING_HEADER' });
  const columns = header.fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !FIXED_COLUMNS.has(c) && !/^option:.+/.test(c) && !/^attr:.+/.test(c));
  if (unknown.length || !columns.includes('sku') || !columns.includes('productId')) {
    throw appError('BAD_USER_INPUT', `CSV columns are sku, productId, gtin, position, option:<name>, attr:<code>; got ${columns.join(',')}`, {
      reason: 'INVALID_HEADER',
      unknownColumns: unknown,
    });
  }
  const candidates = records.map((rec, i): BulkRow | BulkRowError => {
    const row = i + 1;
    if (rec.malformed) return { row, code: 'MALFORMED_ROW', message: `row ${row}: ${rec.malformed}` };
    if (rec.fields.length !== columns.length) {
      return { row, code: 'MALFORMED_ROW', message: `row ${row} has ${rec.fields.length} fields, the header has ${columns.length}` };
    }
    const get = (name: string) => rec.fields[columns.indexOf(name)]?.trim() ?? '';
    const options: Record<string, string> = {};
    const attributes: { code: string; value: string }[] = [];
    columns.forEach((c, k) => {
      const v = rec.fields[k]!.trim();
      if (v === '') return;
      if (c.startsWith('option:')) options[c.slice(7)] = v;
      if (c.startsWith('attr:')) attributes.push({ code: c.slice(5), value: v });
    });
    const position = get('position');
    return {
      row,
      sku: get('sku'),
      productId: get('productId'),
      gtin: get('gtin') || undefined,
      position: position === '' ? undefined : Number(position),
      options: Object.keys(options).length ? options : undefined,
      attributes,
    };
  });
  return checkRows(candidates, records.length);
}

function asOptions(v: unknown): Record<string, string> | undefined | null {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) {
    return v.every((o) => o && typeof o.name === 'string' && typeof o.value === 'string') ? Object.fromEntries(v.map((o) => [o.name, o.value])) : null;
  }
  if (typeof v === 'object' && Object.values(v as object).every((x) => typeof x === 'string')) return v as Record<string, string>;
  return null;
}

export function parseJsonLines(text: string): BulkParse {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length > MAX_BULK_ROWS) tooMany(lines.length);
  const candidates = lines.map((line, i): BulkRow | BulkRowError => {
    const row = i + 1;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line);
    } catch {
      return { row, code: 'MALFORMED_ROW', message: `row ${row} is not valid JSON` };
    }
    if (!o || typeof o !== 'object' || Array.isArray(o)) return { row, code: 'MALFORMED_ROW', message: `row ${row} is not a JSON object` };
    const options = asOptions(o.options);
    const attrs = asOptions(o.attributes);
    if (options === null || attrs === null) return { row, code: 'MALFORMED_ROW', message: `row ${row}: options and attributes map names to strings` };
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string).trim() : typeof o[k] === 'number' ? String(o[k]) : '');
    return {
      row,
      sku: str('sku'),
      productId: str('productId'),
      gtin: str('gtin') || undefined,
      position: o.position === undefined || o.position === null ? undefined : Number(o.position),
      options,
      attributes: Object.entries(attrs ?? {}).map(([code, value]) => ({ code, value })),
    };
  });
  return checkRows(candidates, lines.length);
}
