import { certainlyNotSent } from './dependency-guard.ts';

/**
 * A comma-separated list of one service's replica addresses (`http://a/graphql,http://b/graphql`), as the
 * URL variables take them; one address is a list of one. Throws, naming `service`, on an empty list.
 */
export function replicaUrls(list: string, service: string): URL[] {
  const urls = list
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => new URL(u));
  if (urls.length === 0) throw new Error(`no address for the ${service} service`);
  return urls;
}

export interface ReplicaRotationOptions {
  /**
   * How long a replica that refused a connection is tried only after the others (1 s unless told): a killed
   * replica costs each request a refused connect (microseconds), but a black-holed address costs the whole
   * connect timeout, so requests do not keep starting there until it may be back.
   */
  restMs?: number;
}

/**
 * Several replicas of one service, taken in turn. A call that fails before it left (the replica refused the
 * connection, its name did not resolve, its host was unreachable) certainly never reached that replica, so
 * it is sent to the next one, even a write; any other failure is the caller's, since the request may have
 * been served. Used by every client that talks to replicas: subgraph to subgraph (kit's SubgraphClient) and
 * BFF to gateway (bff-kit's GatewayClient).
 */
export class ReplicaRotation<R> {
  private turn = 0;
  private readonly restingUntil: number[];
  private readonly restMs: number;

  constructor(
    readonly replicas: readonly R[],
    opts: ReplicaRotationOptions = {},
  ) {
    if (replicas.length === 0) throw new Error('a replica rotation needs at least one replica');
    this.restingUntil = replicas.map(() => 0);
    this.restMs = opts.restMs ?? 1_000;
  }

  /** The order the next call tries the replicas in: from the next one in turn, those resting after a refusal last. */
  next(): R[] {
    const n = this.replicas.length;
    const first = this.turn++ % n;
    const now = performance.now();
    const order = Array.from({ length: n }, (_, i) => (first + i) % n);
    const awake = order.filter((i) => this.restingUntil[i]! <= now);
    const resting = order.filter((i) => this.restingUntil[i]! > now);
    return [...awake, ...resting].map((i) => this.replicas[i]!);
  }

  /** Puts a replica that refused a connection at the back of every order for `restMs`. */
  refused(replica: R): void {
    const i = this.replicas.indexOf(replica);
    if (i >= 0) this.restingUntil[i] = performance.now() + this.restMs;
  }

  /**
   * Runs `call` on the next replica in turn, and on the following ones while a failure certainly left the
   * request unsent, or (`alsoRetry`, for reads only) is one the caller may safely repeat elsewhere, such as a
   * connection dropped mid-answer. The last failure is thrown when no replica answers.
   */
  async send<T>(call: (replica: R) => Promise<T>, alsoRetry: (err: unknown) => boolean = () => false): Promise<T> {
    const order = this.next();
    for (let i = 0; ; i++) {
      const replica = order[i]!;
      try {
        return await call(replica);
      } catch (err) {
        const unsent = certainlyNotSent(err);
        if (unsent) this.refused(replica);
        if (i + 1 >= order.length || !(unsent || alsoRetry(err))) throw err;
      }
    }
  }
}
