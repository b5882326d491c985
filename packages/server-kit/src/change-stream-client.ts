import { EventEmitter } from 'node:events';
import type { ChangeEvent } from './change-stream.ts';
import { ReplicaRotation } from './replica-rotation.ts';

const SILENCE_LIMIT_MS = 45_000;

export interface ChangeStreamEvents {
  change: [ChangeEvent];
  /** (re)connected: events may have been missed while down, so caches must start empty */
  up: [];
  /** connection lost: nothing can be trusted as fresh until `up` */
  down: [];
}

/**
 * Follows a /changes Server-Sent Events stream, reconnecting with backoff. Consumers treat `down` as
 * "every cached answer may be stale" and `up` as "start from empty".
 *
 * Given several addresses (replicas that relay the same changes: the gateways, or one subgraph's replicas), it
 * follows one at a time; when that one's stream ends or cannot be opened it moves at once to the next, and backs
 * off only after every address has failed in a row. A move is a `down` then an `up`, as any reconnect: what
 * happened in between may have been missed, so caches start from empty.
 */
export class ChangeStreamClient extends EventEmitter<ChangeStreamEvents> {
  private stopped = false;
  private controller?: AbortController;
  private readonly urls: ReplicaRotation<string>;
  connected = false;
  /** the address of the stream followed now (while `connected`) or last */
  url: string;

  constructor(urls: string | readonly string[]) {
    super();
    this.urls = new ReplicaRotation(typeof urls === 'string' ? [urls] : urls);
    this.url = this.urls.replicas[0]!;
  }

  start(): this {
    void this.loop();
    return this;
  }

  private async loop() {
    let delay = 100;
    // Addresses failed in a row without a stream: a full round of them backs off before the next.
    let failedInRow = 0;
    while (!this.stopped) {
      this.url = this.urls.next()[0]!;
      try {
        const controller = new AbortController();
        this.controller = controller;
        const res = await fetch(this.url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
        if (!res.ok || !res.body) throw new Error(`change stream ${this.url}: HTTP ${res.status}`);
        this.connected = true;
        this.emit('up');
        delay = 100;
        failedInRow = 0;
        const decoder = new TextDecoder();
        let buffer = '';
        // The server pings every 15 s; a stream silent for 45 s is half-open and no longer to be trusted.
        let watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS).unref();
        for await (const chunk of res.body) {
          clearTimeout(watchdog);
          watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS).unref();
          buffer += decoder.decode(chunk as Uint8Array, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const line of frame.split('\n')) {
              if (line.startsWith('data: ')) this.emit('change', JSON.parse(line.slice(6)) as ChangeEvent);
            }
            end = buffer.indexOf('\n\n');
          }
        }
        clearTimeout(watchdog);
      } catch {
        /* reconnect below */
      }
      const lost = this.connected;
      if (this.connected) {
        this.connected = false;
        this.emit('down');
      }
      if (this.stopped) break;
      // A stream that was up and ended (its server stopped or died): the next address at once, if there is one.
      failedInRow = lost ? 1 : failedInRow + 1;
      if (failedInRow < this.urls.replicas.length) continue;
      failedInRow = 0;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }
}
