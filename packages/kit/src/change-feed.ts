import { EventEmitter } from 'node:events';
import type { Sql } from 'postgres';
import type { ChangeEvent } from '@storegraph/server-kit';

/**
 * Data-change notifications, for cache invalidation. Every table of a subgraph's schema carries a
 * statement-level trigger that calls pg_notify (installed with the migrations, see change-triggers.ts);
 * PostgreSQL delivers the notification after COMMIT to every listening connection, so every replica
 * hears every change, whichever replica, job or script made it.
 */
export const CHANGE_CHANNEL = 'storegraph_changes';

export class ChangeFeed extends EventEmitter<{ change: [ChangeEvent]; gap: [] }> {
  private unlisten?: () => Promise<void>;

  async listen(sql: Sql, schema: string): Promise<void> {
    let listens = 0;
    const sub = await sql.listen(
      CHANGE_CHANNEL,
      (payload) => {
        if (payload === schema) this.emit('change', { schema });
      },
      // postgres.js re-listens by itself after losing its connection; whatever was notified meanwhile is
      // lost, so followers are told to forget what they cached.
      () => {
        listens += 1;
        if (listens > 1) this.emit('gap');
      },
    );
    this.unlisten = () => sub.unlisten();
  }

  /**
   * For a subgraph whose writes are too hot for NOTIFY (every notifying commit takes one global queue
   * lock, which serialised stock reservations: 156 -> 231 per second without it), follows a version
   * instead: a cheap query (e.g. the newest outbox id) read every `intervalMs`; a new value is a change.
   * A failed read is a gap: followers drop what they cached.
   */
  poll(sql: Sql, schema: string, query: string, intervalMs: number): void {
    let last: string | undefined;
    let failing = false;
    const tick = async () => {
      try {
        const [row] = await sql.unsafe(query);
        const version = String(Object.values(row ?? {})[0] ?? '');
        if (last !== undefined && version !== last) this.emit('change', { schema });
        last = version;
        failing = false;
      } catch {
        if (!failing) this.emit('gap');
        failing = true;
      }
    };
    const timer = setInterval(() => void tick(), intervalMs);
    timer.unref();
    void tick();
    const unlisten = this.unlisten;
    this.unlisten = async () => {
      clearInterval(timer);
      await unlisten?.();
    };
  }

  async close(): Promise<void> {
    await this.unlisten?.();
  }
}
