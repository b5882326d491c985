import { and, eq, inArray, sql } from 'drizzle-orm';
import type { JobQueue, Logger } from '@storegraph/kit';
import type { ProductsDb } from '../context.ts';
import { bulkJobs, type BulkRowError } from '../db/tables.ts';
import type { Tx } from '../services/attributes.service.ts';
import { parseBulkInput, type BulkUpsertInput } from '../services/bulk-input.ts';
import { CHUNK, type Ready, validateAgainstCatalog, writeChunk, writeError } from '../services/bulk-write.ts';

export const BULK_IMPORT_JOB = 'products.bulk-import';

export interface BulkImportJobData {
  bulkJobId: string;
  input: BulkUpsertInput;
}

/** A run that finds a newer attempt of its job stops: the newer one owns the job from there. */
class Superseded extends Error {}
class RollBack extends Error {}

/**
 * Declares the bulk import job. A run claims the job with a new attempt number, and every write it makes
 * checks that number in the same transaction, so a run the queue gave up on (its process died, or it
 * outlived `expireInSeconds`) can never write beside its successor. Best-effort chunks commit with their
 * checkpoint (the last source row handled), so a successor resumes after it: each row is written once.
 */
export async function declareBulkImportJob(database: ProductsDb, jobs: JobQueue, log: Logger, expireInSeconds: number): Promise<void> {
  await jobs.durable<BulkImportJobData>(BULK_IMPORT_JOB, { expireInSeconds, retryLimit: 5, retryDelaySeconds: 1 }, async (data) => {
    const id = data.bulkJobId;
    let attempt: number | undefined;
    try {
      attempt = await claim(database, id);
      if (attempt === undefined) return;
      await runBulkImport(database, id, attempt, data.input);
    } catch (err) {
      if (err instanceof Superseded) return;
      log.error({ err, job: id }, 'bulk job failed unexpectedly');
      // As before the queue: an internal error ends the job FAILED (a retry would most likely fail alike).
      await database.db
        .update(bulkJobs)
        .set({ status: 'FAILED', finishedAt: sql`now()`, errors: [{ row: 0, code: 'WRITE_FAILED', message: 'the job stopped on an internal error' }] })
        .where(and(eq(bulkJobs.id, id), attempt === undefined ? sql`true` : eq(bulkJobs.attempt, attempt)));
    }
  });
}

/** Takes the job for a new run; undefined when it has finished already (a retry after a committed finish). */
async function claim(database: ProductsDb, id: string): Promise<number | undefined> {
  const [row] = await database.db
    .update(bulkJobs)
    .set({ status: 'RUNNING', attempt: sql`${bulkJobs.attempt} + 1` })
    .where(and(eq(bulkJobs.id, id), inArray(bulkJobs.status, ['QUEUED', 'RUNNING'])))
    .returning({ attempt: bulkJobs.attempt });
  return row?.attempt;
}

async function runBulkImport(database: ProductsDb, id: string, attempt: number, input: BulkUpsertInput): Promise<void> {
  const { db } = database;
  const mine = and(eq(bulkJobs.id, id), eq(bulkJobs.attempt, attempt));
  const [state] = await db.select({ cursor: bulkJobs.cursor, written: bulkJobs.written, errors: bulkJobs.errors }).from(bulkJobs).where(mine);
  if (!state) throw new Superseded();
  const write = async (on: Tx | ProductsDb['db'], set: Record<string, unknown>) => {
    const rows = await on.update(bulkJobs).set(set).where(mine).returning({ id: bulkJobs.id });
    if (rows.length === 0) throw new Superseded();
  };
  const parsed = parseBulkInput(input);
  const checked = await validateAgainstCatalog(db, parsed);
  const invalid = [...parsed.errors, ...checked.errors];
  const finish = (on: Tx | ProductsDb['db'], status: 'SUCCEEDED' | 'FAILED', written: number, all: BulkRowError[]) =>
    write(on, { status, processed: parsed.total, written, failed: all.length, errors: all.sort((a, b) => a.row - b.row), finishedAt: sql`now()` });

  if (input.mode === 'ALL_OR_NOTHING') {
    // One transaction for the whole import: a crash rolls all of it back and the next run starts over.
    if (invalid.length > 0) return void (await finish(db, 'FAILED', 0, invalid));
    const errors: BulkRowError[] = [];
    try {
      await db.transaction(async (tx) => {
        let done = 0;
        for (let i = 0; i < checked.ready.length; i += CHUNK) {
          const chunk = checked.ready.slice(i, i + CHUNK);
          const ok = await writeChunk(tx, chunk);
          const lost = chunk.filter((r) => !ok.has(r.row.sku));
          if (lost.length) {
            errors.push(
              ...lost.map((r) => ({ row: r.row.row, code: 'SKU_OF_OTHER_PRODUCT', message: 'the SKU moved to another product meanwhile', sku: r.row.sku })),
            );
            throw new RollBack();
          }
          done += chunk.length;
          // Progress is written beside the transaction, on another connection, so pollers see it move.
          await write(db, { processed: done });
        }
        await finish(tx, 'SUCCEEDED', checked.ready.length, []);
      });
    } catch (err) {
      if (err instanceof Superseded) throw err;
      if (!(err instanceof RollBack)) errors.push({ row: 0, code: 'WRITE_FAILED', message: `nothing was written: ${writeError(checked.ready[0]!, err).code}` });
      return void (await finish(db, 'FAILED', 0, errors));
    }
    return;
  }

  // Best effort: each chunk commits on its own with the checkpoint; a chunk that fails is retried row by row.
  const todo = checked.ready.filter((r) => r.row.row > state.cursor);
  let written = state.written;
  const writeErrors: BulkRowError[] = [...state.errors];
  let handled = invalid.length + (checked.ready.length - todo.length);
  const checkpoint = (tx: Tx, last: Ready, w: number, errs: BulkRowError[], h: number) =>
    write(tx, { cursor: last.row.row, processed: Math.min(h, parsed.total), written: w, errors: errs });
  for (let i = 0; i < todo.length; i += CHUNK) {
    const chunk = todo.slice(i, i + CHUNK);
    try {
      // Counts are committed with the chunk and adopted here only once it has committed.
      const after = await db.transaction(async (tx) => {
        const ok = await writeChunk(tx, chunk);
        const lost = chunk
          .filter((r) => !ok.has(r.row.sku))
          .map((r) => ({ row: r.row.row, code: 'SKU_OF_OTHER_PRODUCT', message: 'the SKU belongs to another product', sku: r.row.sku }));
        const next = { written: written + ok.size, errors: [...writeErrors, ...lost], handled: handled + chunk.length };
        await checkpoint(tx, chunk.at(-1)!, next.written, next.errors, next.handled);
        return next;
      });
      written = after.written;
      writeErrors.splice(0, writeErrors.length, ...after.errors);
      handled = after.handled;
    } catch (err) {
      if (err instanceof Superseded) throw err;
      for (const r of chunk) {
        try {
          written = await db.transaction(async (tx) => {
            const ok = await writeChunk(tx, [r]);
            await checkpoint(tx, r, written + ok.size, writeErrors, handled + 1);
            return written + ok.size;
          });
        } catch (rowErr) {
          if (rowErr instanceof Superseded) throw rowErr;
          writeErrors.push(writeError(r, rowErr));
          // The row wrote nothing; its error is kept with the checkpoint so a successor does not retry it.
          await db.transaction((tx) => checkpoint(tx, r, written, writeErrors, handled + 1));
        }
        handled += 1;
      }
    }
  }
  await finish(db, 'SUCCEEDED', written, [...invalid, ...writeErrors]);
}
