import { describe, expect, it } from 'vitest';
import { system } from '../support/clients.ts';
import { RawConnection, request } from '../support/raw-connection.ts';

/**
 * Keep-alive connections after the BFF refused a body it did not read (413, 415): the unsent rest must not be
 * parsed as the next request, nor hold the client's next request until the keep-alive timeout.
 */
describe('connections after a refused body', () => {
  const small = JSON.stringify({ operationName: 'CurrentChannel' });

  it('closes the connection after a 413 instead of parsing the unsent rest of the body as the next request', async () => {
    const conn = new RawConnection(system().b2c);
    try {
      // Reuse works: the first answer keeps the connection open.
      await conn.write(request(['content-type: application/json', `content-length: ${small.length}`], small));
      const first = await conn.response();
      expect(first?.status).toBe(200);
      expect(first?.headers.connection).toBe('keep-alive');
      // 64 KB of a declared 1 MB body, then the client waits for the answer (as one that got it early stops sending).
      await conn.write(request(['content-type: application/json', 'content-length: 1000000'], `{"query":"${'x'.repeat(64 * 1024)}`));
      const refused = await conn.response();
      expect(refused?.status).toBe(413);
      expect(refused?.headers.connection).toBe('close');
      expect(JSON.parse(refused!.body).errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
    }
  });

  it('closes the connection after a 413 for a chunked body with no declared length', async () => {
    const conn = new RawConnection(system().b2b);
    try {
      const chunk = 'x'.repeat(64 * 1024);
      await conn.write(request(['content-type: application/json', 'transfer-encoding: chunked'], ''));
      // Up to 20 x 64 KB: past the trade portal's 1 MiB (its CSV bulk order uploads; 256 KB elsewhere). Like an
      // HTTP client that watches for an early answer, it stops sending once answered: bytes still arriving after
      // the server closed make its kernel reset the connection, and on a loaded machine the reset could overtake
      // the 413 before this process read it (the PG15 pass once saw no answer at all).
      let refused: Awaited<ReturnType<RawConnection['response']>> = null;
      for (let i = 0; i < 20 && !refused && !conn.closed; i++) {
        await conn.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
        refused = await conn.response(i < 15 ? 1 : 250);
      }
      refused ??= await conn.response();
      expect(refused?.status).toBe(413);
      expect(refused?.headers.connection).toBe('close');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
    }
  });

  it('closes the connection after refusing a body it did not read (415)', async () => {
    const conn = new RawConnection(system().pos);
    try {
      await conn.write(request(['content-type: text/plain', 'content-length: 100000'], small));
      const refused = await conn.response();
      expect(refused?.status).toBe(415);
      expect(refused?.headers.connection).toBe('close');
      expect(await conn.closedWithin(3_000)).toBe(true);
    } finally {
      conn.destroy();
    }
  });
});
