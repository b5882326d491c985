import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

/** What one log call writes, as the JSON line a log shipper would read. */
function logged(write: (log: ReturnType<typeof createLogger>) => void): string {
  const lines: string[] = [];
  const log = createLogger('test', { write: (line: string) => lines.push(line) });
  write(log);
  expect(lines.length).toBe(1);
  return lines[0]!;
}

describe('log lines', () => {
  it('carry a PostgreSQL error without its query parameters or SQL text', () => {
    // postgres.js puts the statement and its parameters on the error it throws.
    const err = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      query: "select * from orders.carts where email = 'anna@example.com'",
      parameters: ['cus_anna', 'anna@example.com'],
    });
    const line = logged((log) => log.error({ err }, 'unexpected resolver error'));
    expect(line).toContain('22021');
    expect(line).toContain('invalid byte sequence');
    expect(line).not.toContain('anna');
    expect(line).not.toContain('cus_anna');
    expect(JSON.parse(line).err.parameters).toBe('[redacted]');
  });

  it('never write a bearer token, a signed context, an email or a customer id', () => {
    const line = logged((log) =>
      log.error(
        { headers: { authorization: 'Bearer eyJsecret', 'x-storegraph-context': 'eyJcontext' }, email: 'ben@example.com', customerId: 'cus_ben' },
        'refused',
      ),
    );
    for (const secret of ['eyJsecret', 'eyJcontext', 'ben@example.com', 'cus_ben']) expect(line).not.toContain(secret);
    expect(line).toContain('refused');
  });

  it('never write a password, a refresh or reset token, or the variables of a sign-in', () => {
    const line = logged((log) =>
      log.warn(
        {
          variables: { input: { email: 'anna@example.com', password: 'hunter2hunter2' } },
          input: { password: 'p4ssw0rd-nested', email: 'nested@example.com' },
          refreshToken: 'rt-secret',
          body: { token: 'reset-secret', newPassword: 'new-secret-pass' },
          accountId: 'cus_anna',
        },
        'sign-in',
      ),
    );
    for (const secret of ['hunter2hunter2', 'p4ssw0rd-nested', 'nested@example.com', 'rt-secret', 'reset-secret', 'new-secret-pass', 'cus_anna']) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('sign-in');
  });

  it('never write a store-credit code, however deep the tender that carries it', () => {
    const line = logged((log) =>
      log.warn(
        {
          creditCode: 'SC-AAAA-BBBB-CCCC-DDD1',
          tender: { creditCode: 'SC-AAAA-BBBB-CCCC-DDD2' },
          input: { tenders: [{ method: 'CASH' }, { creditCode: 'SC-AAAA-BBBB-CCCC-DDD3' }] },
        },
        'tender',
      ),
    );
    for (const code of ['DDD1', 'DDD2', 'DDD3']) expect(line).not.toContain(code);
    expect(line).toContain('tender');
  });

  it('never write a credit code or a PIN however deep it sits, in an error or a plain object, and keep the rest', () => {
    // A GraphQL error carrying the till's input, 5 levels below the log call's object (pino paths reach 1-2).
    const err = Object.assign(new TypeError('tender refused'), {
      extensions: {
        code: 'BAD_USER_INPUT',
        input: {
          tenders: [
            { method: 'CASH', amount: 500 },
            { method: 'STORE_CREDIT', amount: 1880, creditCode: 'SC-DEEP-DEEP-DEEP-ERR1' },
          ],
        },
      },
    });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const line = logged((log) =>
      log.error(
        {
          err,
          a: { b: { c: { d: { e: { creditCode: 'SC-DEEP-DEEP-DEEP-OBJ2', pin: '24680', currentPin: '13579', newPin: '97531', note: 'kept' } } } } },
          list: [[{ input: { newPin: '86420' } }]],
          cyclic,
        },
        'deep',
      ),
    );
    for (const secret of ['ERR1', 'OBJ2', '24680', '13579', '97531', '86420']) expect(line).not.toContain(secret);
    const entry = JSON.parse(line);
    // The error is still logged as one: its class, message and stack, and the non-secret parts of its input.
    expect(entry.err.type).toBe('TypeError');
    expect(entry.err.message).toBe('tender refused');
    expect(entry.err.stack).toContain('tender refused');
    expect(entry.err.extensions.input.tenders).toEqual([
      { method: 'CASH', amount: 500 },
      { method: 'STORE_CREDIT', amount: 1880, creditCode: '[redacted]' },
    ]);
    expect(entry.a.b.c.d.e).toEqual({ creditCode: '[redacted]', pin: '[redacted]', currentPin: '[redacted]', newPin: '[redacted]', note: 'kept' });
    expect(entry.list).toEqual([[{ input: { newPin: '[redacted]' } }]]);
    expect(entry.cyclic).toEqual({ name: 'loop', self: '[circular]' });
    expect(entry.msg).toBe('deep');
    // The caller's objects are not changed: the walk censors a copy.
    expect(err.extensions.input.tenders[1]!.creditCode).toBe('SC-DEEP-DEEP-DEEP-ERR1');
  });
});
