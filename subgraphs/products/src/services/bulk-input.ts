import { parseCsv, parseInputRows, parseJsonLines, type BulkParse, type BulkRowInput } from './bulk-parse.ts';

export type BulkMode = 'ALL_OR_NOTHING' | 'BEST_EFFORT';
export interface BulkUpsertInput {
  mode: BulkMode;
  rows?: BulkRowInput[] | null;
  csv?: string | null;
  jsonl?: string | null;
}

/** The one payload given (rows, CSV or JSON lines), parsed; the request and the job's every run parse it alike. */
export function parseBulkInput(input: BulkUpsertInput): BulkParse {
  return input.rows ? parseInputRows(input.rows) : input.csv != null ? parseCsv(input.csv) : parseJsonLines(input.jsonl!);
}
