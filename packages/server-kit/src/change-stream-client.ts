import { EventEmitter } from 'node:events';
import type { ChangeEvent } from './change-stream.ts';

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
 */
export class ChangeStreamClient extends EventEmitter<ChangeStreamEvents> {
  private stopped = false;
  private controller?: AbortController;
  connected = false;

  constructor(private readonly url: string) {
    super();
  }

  start(): this {
    void this.loop();
    return this;
  }

  private async loop() {
    let delay = 100;
    while (!this.stopped) {
      try {
        const controller = new AbortController();
        this.controller = controller;
        const res = await fetch(this.url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
        if (!res.ok || !res.body) throw new Error(`change stream ${this.url}: HTTP ${res.status}`);
        this.connected = true;
        this.emit('up');
        delay = 100;
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
      if (this.connected) {
        this.connected = false;
        this.emit('down');
      }
      if (this.stopped) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5_000);
    }
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
  }
}
