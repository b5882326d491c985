import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { readWorthRepeating } from './dependency-guard.ts';
import { ReplicaRotation, replicaUrls } from './replica-rotation.ts';

const failure = (code: string) => Object.assign(new Error(code), { code });

/** Replicas by name: each call is recorded, and a replica listed in `failing` fails with its code. */
function replicas(failing: Record<string, string> = {}) {
  const calls: string[] = [];
  const call = async (name: string) => {
    calls.push(name);
    const code = failing[name];
    if (code) throw failure(code);
    return name;
  };
  return { calls, call };
}

/** A port that refuses connections: taken from the OS, then released. */
async function refusingPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('replica addresses', () => {
  it('reads one address as a list of one, and a comma-separated list with spaces in order', () => {
    expect(replicaUrls('http://gw:4000/graphql', 'gateway').map(String)).toEqual(['http://gw:4000/graphql']);
    expect(replicaUrls(' http://a:4000/graphql, http://b:4000/graphql ,', 'gateway').map(String)).toEqual(['http://a:4000/graphql', 'http://b:4000/graphql']);
  });

  it('refuses an empty list, naming the service', () => {
    expect(() => replicaUrls(' , ', 'gateway')).toThrow('no address for the gateway service');
  });
});

describe('a replica rotation', () => {
  it('takes the replicas in turn', async () => {
    const r = replicas();
    const rotation = new ReplicaRotation(['a', 'b', 'c']);
    const served = [];
    for (let i = 0; i < 5; i++) served.push(await rotation.send(r.call));
    expect(served).toEqual(['a', 'b', 'c', 'a', 'b']);
  });

  it('sends a request a replica refused to the next one, once, and tries the refuser last while it rests', async () => {
    const r = replicas({ a: 'ECONNREFUSED' });
    const rotation = new ReplicaRotation(['a', 'b', 'c'], { restMs: 60_000 });
    const served = [];
    for (let i = 0; i < 4; i++) served.push(await rotation.send(r.call));
    // 1st: a refuses, b answers. 2nd: b in turn. 3rd: c in turn. 4th: a's turn, but it rests: b, its successor.
    expect(served).toEqual(['b', 'b', 'c', 'b']);
    expect(r.calls).toEqual(['a', 'b', 'b', 'c', 'b']);
  });

  it('takes a refuser in turn again once its rest is over', async () => {
    const r = replicas({ a: 'ECONNREFUSED' });
    const rotation = new ReplicaRotation(['a', 'b'], { restMs: 0 });
    for (let i = 0; i < 3; i++) await rotation.send(r.call);
    // a is asked on each of its turns (1st and 3rd), refuses, and b answers each time.
    expect(r.calls).toEqual(['a', 'b', 'b', 'a', 'b']);
  });

  it('never sends again a request that may have reached a replica (reset mid-answer, timed out)', async () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT']) {
      const r = replicas({ a: code });
      const rotation = new ReplicaRotation(['a', 'b']);
      await expect(rotation.send(r.call)).rejects.toMatchObject({ code });
      expect(r.calls).toEqual(['a']);
    }
  });

  it('sends a read dropped on the wire to the next replica when the caller says it may, but not one that timed out', async () => {
    const dropped = replicas({ a: 'UND_ERR_SOCKET' });
    expect(await new ReplicaRotation(['a', 'b']).send(dropped.call, readWorthRepeating)).toBe('b');
    expect(dropped.calls).toEqual(['a', 'b']);
    const slow = replicas({ a: 'UND_ERR_HEADERS_TIMEOUT' });
    await expect(new ReplicaRotation(['a', 'b']).send(slow.call, readWorthRepeating)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    expect(slow.calls).toEqual(['a']);
  });

  it('throws the last refusal when every replica refuses, having asked each once', async () => {
    const r = replicas({ a: 'ECONNREFUSED', b: 'EHOSTUNREACH' });
    const rotation = new ReplicaRotation(['a', 'b']);
    await expect(rotation.send(r.call)).rejects.toMatchObject({ code: 'EHOSTUNREACH' });
    expect(r.calls).toEqual(['a', 'b']);
  });

  it('recognises a real refused connection (fetch wraps the code in its cause) and goes on to the next replica', async () => {
    const dead = `http://127.0.0.1:${await refusingPort()}/`;
    const rotation = new ReplicaRotation([dead, 'alive']);
    const answer = await rotation.send(async (url) => (url === 'alive' ? 'alive' : (await fetch(url)).statusText));
    expect(answer).toBe('alive');
  });
});
