import { beforeAll, describe, expect, it } from 'vitest';
import { bff } from '../support/clients.ts';
import { eventually } from '../support/webhook-receiver.ts';
import { uid } from '../../subgraphs/products/test/catalog-admin.ts';
import { data } from './checkout-support.ts';
import { createStaff, staffSession } from './admin-support.ts';

/**
 * Storefront search answers from the materialised (channel, locale) documents (migration 0008): these specify
 * that each write changing what a reader reads changes what they find, in the same transaction, for that reader
 * only. A product of the file's own in the EU staging channel (locales de-DE, en-GB, fr-FR; default de-DE),
 * written by a catalogue admin through the admin BFF and searched through the B2C BFF by name. The BFF caches
 * responses until the change feed drops them, so an answer that must change is polled for (bounded).
 */
const K = uid();
/** A word of letters only, so every configuration (german, english, french) keeps it as one unstemmed lexeme. */
const word = (tag: string) => `${tag}${K.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}q`;
const W = {
  master: word('mastr'),
  deOld: word('altwort'),
  deNew: word('neuwort'),
  fr: word('motfr'),
  en: word('engword'),
  override: word('sonder'),
};
const P = { id: `prd_t_searchdoc_${K}`, slug: `search-doc-${K}` };
let token = '';

async function found(locale: string, search: string): Promise<string[]> {
  const res = await bff('b2c', 'ProductSearch', { first: 10, search }, { channel: 'sandbox-eu', headers: { 'accept-language': locale } });
  return data(res).products.nodes.map((n: { id: string }) => n.id);
}
/** Polls until the reader's answer is `expected` (the BFF's cached answer is dropped by the change feed). */
const becomes = (locale: string, search: string, expected: string[]) =>
  eventually(
    () => found(locale, search),
    (ids) => JSON.stringify(ids) === JSON.stringify(expected),
    `${locale} "${search}" -> ${expected}`,
  );
const admin = (op: string, variables: Record<string, unknown>) => bff('admin', op, variables, { token, channel: 'sandbox-eu' });

beforeAll(async () => {
  token = (await staffSession((await createStaff('search-docs', ['catalog-admin', 'viewer'], ['*'])).email)).token;
  const created = data(
    await admin('CreateProduct', {
      input: { id: P.id, slug: P.slug, name: `Parka ${W.master}`, description: 'a parka of the search documents test', status: 'ACTIVE', brandId: 'brd_fjell' },
    }),
  ).createProduct;
  expect(created).toMatchObject({ id: P.id, version: 1 });
  const translations = [
    { locale: 'de-DE', name: `Parka ${W.deOld}`, description: 'ein Parka' },
    { locale: 'fr-FR', name: `Parka ${W.fr}`, description: 'une parka' },
  ];
  expect(data(await admin('SetProductTranslations', { id: P.id, expectedVersion: 1, translations })).setProductTranslations).toMatchObject({ version: 2 });
  const assigned = data(await admin('SetChannelProduct', { channel: 'sandbox-eu', productId: P.id, input: { assigned: true } })).setChannelProduct;
  expect(assigned).toMatchObject({ channel: 'sandbox-eu', productId: P.id, assigned: true, visible: true, nameOverride: null });
});

describe('search documents follow the writes that change them', { shuffle: false }, () => {
  it('finds the product by the text each locale reads once it enters the channel', async () => {
    // de-DE and fr-FR read their translations; en-GB reads the master (a reader of the master's language
    // skips the channel's German default).
    expect(await found('de-DE', W.deOld)).toEqual([P.id]);
    expect(await found('fr-FR', W.fr)).toEqual([P.id]);
    expect(await found('en-GB', W.master)).toEqual([P.id]);
    expect(await found('en-GB', W.deOld)).toEqual([]);
    expect(await found('de-DE', W.master)).toEqual([]);
  });

  it('finds the new German word and not the old one after the German translation is edited, in German only', async () => {
    const edited = data(
      await admin('SetProductTranslations', {
        id: P.id,
        expectedVersion: 2,
        translations: [{ locale: 'de-DE', name: `Parka ${W.deNew}`, description: 'ein Parka' }],
      }),
    ).setProductTranslations;
    expect(edited).toMatchObject({ version: 3 });
    await becomes('de-DE', W.deNew, [P.id]);
    await becomes('de-DE', W.deOld, []);
    // The other readers read other documents: neither German word, and their own words as before.
    expect(await found('fr-FR', W.deNew)).toEqual([]);
    expect(await found('en-GB', W.deNew)).toEqual([]);
    expect(await found('fr-FR', W.fr)).toEqual([P.id]);
    expect(await found('en-GB', W.master)).toEqual([P.id]);
  });

  it('reads a new English translation instead of the master for an English reader, and nobody else', async () => {
    const added = data(
      await admin('SetProductTranslations', {
        id: P.id,
        expectedVersion: 3,
        translations: [{ locale: 'en-GB', name: `Parka ${W.en}`, description: 'an English parka' }],
      }),
    ).setProductTranslations;
    expect(added).toMatchObject({ version: 4 });
    await becomes('en-GB', W.en, [P.id]);
    // The en-GB reader's document is now the translation: the master's word is no longer theirs.
    await becomes('en-GB', W.master, []);
    expect(await found('de-DE', W.en)).toEqual([]);
    expect(await found('fr-FR', W.en)).toEqual([]);
  });

  it('finds the product by the channel’s name override, in every locale of the channel', async () => {
    expect(await found('de-DE', W.override)).toEqual([]);
    const set = data(
      await admin('SetChannelProduct', { channel: 'sandbox-eu', productId: P.id, input: { nameOverride: `Parka ${W.override}` } }),
    ).setChannelProduct;
    expect(set).toMatchObject({ nameOverride: `Parka ${W.override}`, assigned: true });
    await becomes('de-DE', W.override, [P.id]);
    expect(await found('en-GB', W.override)).toEqual([P.id]);
    expect(await found('fr-FR', W.override)).toEqual([P.id]);
    // The override is searched beside the document, not instead of it (a query no test asked before).
    expect(await found('de-DE', `Parka ${W.deNew}`)).toEqual([P.id]);
  });

  it('no longer finds the product once it is taken out of the channel', async () => {
    const removed = data(await admin('SetChannelProduct', { channel: 'sandbox-eu', productId: P.id, input: { assigned: false } })).setChannelProduct;
    expect(removed).toMatchObject({ assigned: false, byRule: false });
    await becomes('de-DE', W.deNew, []);
    await becomes('de-DE', W.override, []);
    await becomes('fr-FR', W.fr, []);
    await becomes('en-GB', W.en, []);
  });
});
