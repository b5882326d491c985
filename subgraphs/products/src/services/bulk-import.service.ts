import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { appError } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';
import { bulkJobs } from '../db/tables.ts';
import { BULK_IMPORT_JOB, type BulkImportJobData } from '../jobs/bulk-import.job.ts';
import { parseBulkInput, type BulkUpsertInput } from './bulk-input.ts';
import { ALL_CHANNELS, requireCatalogAdmin } from './staff-scope.ts';

export type { BulkMode, BulkUpsertInput } from './bulk-input.ts';

/**
 * Parses and size-checks the payload in the request (10,001 rows is an error and writes nothing, not even
 * a job), then records the job and enqueues its run in one transaction: the payload travels in the queue's
 * job, so a run whose process dies is taken up by another (jobs/bulk-import.job.ts). Callers poll bulkJob(id).
 */
export async function startBulkUpsertVariants(ctx: ProductsContext, input: BulkUpsertInput) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const given = [input.rows, input.csv, input.jsonl].filter((x) => x != null);
  if (given.length !== 1) throw appError('BAD_USER_INPUT', 'give exactly one of rows, csv, jsonl', { reason: 'INVALID_VALUE' });
  const parsed = parseBulkInput(input);
  if (parsed.total === 0) throw appError('BAD_USER_INPUT', 'the import holds no rows', { reason: 'EMPTY_IMPORT' });
  const id = `blk_${randomUUID()}`;
  const data: BulkImportJobData = {
    bulkJobId: id,
    input: { mode: input.mode, rows: input.rows ?? null, csv: input.csv ?? null, jsonl: input.jsonl ?? null },
  };
  await ctx.db.sql.begin(async (tx) => {
    await tx`insert into products.bulk_jobs (id, kind, mode, total, created_by)
      values (${id}, 'variants', ${input.mode}, ${parsed.total}, ${ctx.channel.staff!.id})`;
    await ctx.jobs.enqueue(BULK_IMPORT_JOB, data, { tx });
  });
  const [job] = await ctx.db.db.select().from(bulkJobs).where(eq(bulkJobs.id, id));
  return job!;
}

export async function getBulkJob(ctx: ProductsContext, id: string) {
  requireCatalogAdmin(ctx, ALL_CHANNELS);
  const [job] = await ctx.db.db.select().from(bulkJobs).where(eq(bulkJobs.id, id));
  return job ?? null;
}
