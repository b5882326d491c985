import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { system, tokenFor } from '../support/clients.ts';

/**
 * The README's curl examples ("Operations of each BFF"), run verbatim with bash and curl against the test
 * system: only the addresses and the demo tokens `npm start` prints are put in, as a newcomer would. Each
 * answer is the operation's data, never an error. The examples read demo data and write only a guest's cart.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const MARK = '@@answer@@';

function exampleBlock(): string {
  const after = README.split('Examples (the demo data; tokens as `npm start` prints them):')[1];
  expect(after, 'the README has its examples').toBeDefined();
  return after!.split('```sh\n')[1]!.split('\n```')[0]!;
}

/** The block as one bash script that prints a marker after each curl's answer (comments and continuations kept). */
async function scriptWithEnvironment(block: string): Promise<string> {
  const s = system();
  const put: [string, string][] = [
    ['localhost:4201', new URL(s.b2c).host],
    ['localhost:4202', new URL(s.b2b).host],
    ['localhost:4203', new URL(s.pos).host],
    ['<buyer@acme.example token>', await tokenFor('buyer@acme.example')],
    ['<till-1@berlin.shop token>', await tokenFor('till-1@berlin.shop')],
  ];
  let script = block;
  for (const [placeholder, value] of put) {
    expect(script.includes(placeholder), placeholder).toBe(true);
    script = script.replaceAll(placeholder, value);
  }
  // A command ends on a line that neither continues with a backslash nor inside a single-quoted body; after
  // each curl, the marker.
  const lines = script.split('\n');
  const out: string[] = ['set -euo pipefail'];
  let command = '';
  for (const line of lines) {
    out.push(line);
    if (!command && line.trimStart().startsWith('#')) continue;
    command += `${line}\n`;
    if (line.endsWith('\\') || (command.match(/'/g) ?? []).length % 2 === 1) continue;
    if (/^\s*curl /.test(command)) out.push(`echo; echo ${MARK}`);
    command = '';
  }
  return out.join('\n');
}

describe('the README’s examples', () => {
  it('run as written against the demo data and answer with data, not errors', async () => {
    const script = await scriptWithEnvironment(exampleBlock());
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 30_000 });
    const answers = stdout
      .split(MARK)
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => JSON.parse(t) as { data?: Record<string, unknown>; errors?: unknown[] });
    // One answer per curl command: 14 examples.
    expect(answers).toHaveLength(14);
    expect((exampleBlock().match(/^\s*curl /gm) ?? []).length).toBe(14);
    for (const a of answers) expect(a.errors, JSON.stringify(a.errors)).toBeUndefined();
    const d = answers.map((a) => a.data as any);
    // In the README's order: what each example asked for, from the demo seed.
    expect(d[0].products.nodes).toHaveLength(3);
    const found = d[1].products.nodes as { slug: string }[];
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const p of found) expect(p.slug).toContain('jacket');
    expect(d[2].currentChannel.code).toBe('web-eu');
    expect(d[3].product.slug).toBe('harbour-shirt-0001');
    const line = d[4].quote.lines[0];
    // 2 x the unit price, no discount on the line.
    expect([d[4].quote.__typename, line.variantId, line.quantity, line.subtotal.amount]).toEqual(['Quote', 'var_0001_1', 2, 2 * line.unit.amount]);
    expect(d[5].shippingMethods.map((m: { code: string }) => m.code)).toEqual(['standard', 'express', 'pickup']);
    const added = d[6].addCartLines;
    expect(added.lines.map((l: { variant: { id: string }; quantity: number }) => [l.variant.id, l.quantity])).toEqual([['var_0001_1', 1]]);
    expect([d[7].setCartDetails.id, d[7].setCartDetails.shippingMethod, d[7].setCartDetails.shippingAddress.city]).toEqual([added.id, 'express', 'Berlin']);
    expect([d[8].myCart.id, d[8].myCart.version]).toEqual([added.id, 3]);
    expect(d[9].products.nodes).toHaveLength(3);
    const trade = d[10].variantBySku;
    // 10 units on the trade portal: the total is 10 x the unit price.
    expect([trade.sku, trade.price.total.amount]).toEqual(['SG-0001-NAV-S', 10 * trade.price.unit.amount]);
    expect(d[11].products.nodes).toHaveLength(3);
    expect(d[12].variantByBarcode.gtin).toBe('4000000008330');
    expect(d[13].variantBySku.sku).toBe('SG-0219-NAV-S');
  });
});
