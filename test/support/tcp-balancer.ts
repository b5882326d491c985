import net from 'node:net';

/**
 * A layer-4 load balancer for tests that run a service twice (the gateway): each new connection goes to the next
 * upstream port in turn, as a Kubernetes Service or a TCP load balancer would; a connection that an upstream
 * refuses (the replica is dead) is tried on the next one before the client sees anything, as a balancer whose
 * health check has not noticed yet would retry a refused connect. A connection already open to a replica that
 * dies is dropped with it: the client sees that and retries.
 */
export class TcpBalancer {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private turn = 0;
  port = 0;
  /** connections handed to each upstream port (the test shows that both replicas served) */
  readonly served = new Map<number, number>();

  constructor(private readonly upstreams: number[]) {}

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
  }

  private connect(client: net.Socket, tries: number): void {
    const port = this.upstreams[this.turn++ % this.upstreams.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.track(upstream);
      this.served.set(port, (this.served.get(port) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => {
      if (!connected && tries > 1 && !client.destroyed) return this.connect(client, tries - 1);
      client.destroy();
      upstream.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  }

  async start(): Promise<this> {
    // The client socket stays paused (no reader) until an upstream is connected, so nothing it sends is lost.
    const server = net.createServer((client) => {
      this.track(client);
      this.connect(client, this.upstreams.length);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
