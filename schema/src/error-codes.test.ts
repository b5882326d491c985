import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from './error-codes.ts';

describe('the error contract', () => {
  it('documents every code in the README table, with its HTTP status', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = new Map([...readme.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])]));
    for (const [code, status] of Object.entries(ErrorCodes)) expect(rows.get(code), code).toBe(status);
  });
});
