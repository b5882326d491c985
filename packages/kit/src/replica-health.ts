import postgres from 'postgres';
import type { Logger } from '@storegraph/server-kit';
import { databaseReachable } from './database.ts';

export interface ReplicaHealthOptions {
  /** How often the replica is asked `select 1` (default 1 s). */
  intervalMs?: number;
  /** An answer later than this counts as no answer (default 800 ms, as readiness does for the primary). */
  timeoutMs?: number;
}

/**
 * Whether the read replica may be used right now. A replica is a copy: when it is down or hangs, the primary
 * holds the same data, so catalog reads move back to the primary instead of failing (a dead replica must not
 * become a dead shop window). It is probed on a connection of its own, so a hung replica holds one probe, never
 * the request pool; it is used again after the first probe it answers. It starts as "down" and is used once
 * the first probe succeeds, so a subgraph booting beside a replica that is not there yet serves from the primary.
 */
export class ReplicaHealth {
  private up = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly probe: postgres.Sql;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(
    url: string,
    /** The subgraph's name, for the probe's application_name (`probe:storegraph-<name>` in pg_stat_activity). */
    service: string,
    private readonly logger: Logger,
    opts: ReplicaHealthOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    this.timeoutMs = opts.timeoutMs ?? 800;
    this.probe = postgres(url, {
      max: 1,
      connect_timeout: 2,
      idle_timeout: 0,
      onnotice: () => {},
      connection: { application_name: `probe:storegraph-${service}` },
    });
  }

  get usable(): boolean {
    return this.up;
  }

  /** 'up' or 'unavailable', for /readyz's detail (the subgraph stays ready: the primary serves its reads). */
  get state(): 'up' | 'unavailable' {
    return this.up ? 'up' : 'unavailable';
  }

  start(): this {
    const tick = async () => {
      const ok = await databaseReachable(this.probe, this.timeoutMs);
      if (ok !== this.up) {
        if (ok) this.logger.info('read replica answers again: catalog reads go to it');
        else this.logger.warn('read replica unavailable: catalog reads go to the primary until it answers');
      }
      this.up = ok;
      if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
    };
    void tick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.probe.end({ timeout: 1 });
  }
}
