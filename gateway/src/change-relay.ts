import { EventEmitter } from 'node:events';
import { ChangeStreamClient, type ChangeEvent } from '@storegraph/server-kit';

/**
 * Follows every subgraph replica's /changes stream and relays the events to the BFFs' caches. While any
 * subgraph has no connected replica, changes could be missed: the relay then reports itself unhealthy so
 * downstream caches are dropped and bypassed until every subgraph is followed again.
 */
export class ChangeRelay extends EventEmitter<{ change: [ChangeEvent]; healthy: [boolean] }> {
  private readonly clients: { subgraph: string; client: ChangeStreamClient }[] = [];
  healthy = false;

  constructor(subgraphUrls: Record<string, string[]>) {
    super();
    for (const [subgraph, urls] of Object.entries(subgraphUrls)) {
      for (const url of urls) {
        const client = new ChangeStreamClient(url.replace(/\/graphql$/, '/changes'));
        client.on('change', (e) => this.emit('change', e));
        client.on('up', () => this.update());
        client.on('down', () => this.update());
        this.clients.push({ subgraph, client });
      }
    }
  }

  start(): this {
    for (const c of this.clients) c.client.start();
    return this;
  }

  private update() {
    const subgraphs = new Set(this.clients.map((c) => c.subgraph));
    const healthy = [...subgraphs].every((s) => this.clients.some((c) => c.subgraph === s && c.client.connected));
    if (healthy !== this.healthy) {
      this.healthy = healthy;
      this.emit('healthy', healthy);
    }
  }

  stop(): void {
    for (const c of this.clients) c.client.stop();
  }
}
