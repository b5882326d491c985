'use server';

import { redirect } from 'next/navigation';
import { AddAddressDocument, MeDocument, RemoveAddressDocument, UpdateAddressDocument } from '@storegraph/bff-b2c/operations';
import { marketOf, type Market } from '@/lib/markets';
import { currentSession, personalClient } from '@/lib/shop.client';

/** The signed-in customer's saved addresses (customers subgraph, through the B2C BFF's account operations). */
async function customer(form: FormData): Promise<{ market: Market; token: string }> {
  const market = marketOf(String(form.get('market')));
  if (!market) throw new Error('unknown market');
  const session = await currentSession(market);
  if (session.kind !== 'customer' || !session.token) redirect(`/${market.slug}/sign-in?next=/${market.slug}/account`);
  return { market, token: session.token };
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const optional = (form: FormData, name: string) => text(form, name) || null;
// No #fragment: the router takes a redirect to the same path plus a fragment as a scroll, not a fresh render.
const back = (market: Market, problem?: string) => redirect(`/${market.slug}/account${problem ? `?problem=${encodeURIComponent(problem)}` : ''}`);

export async function addAddress(form: FormData) {
  const { market, token } = await customer(form);
  const input = {
    label: optional(form, 'label'),
    address: {
      name: text(form, 'name'),
      company: optional(form, 'company'),
      line1: text(form, 'line1'),
      line2: optional(form, 'line2'),
      postalCode: text(form, 'postalCode'),
      city: text(form, 'city'),
      region: optional(form, 'region'),
      country: text(form, 'country').toUpperCase(),
      phone: optional(form, 'phone'),
    },
    defaultShipping: form.get('defaultShipping') === 'on',
    defaultBilling: form.get('defaultBilling') === 'on',
  };
  const added = (await personalClient(market, token).request(AddAddressDocument, { input })).addAddress;
  back(market, added.__typename === 'AccountInputInvalid' ? `${added.field}: ${added.message}` : undefined);
}

/** Makes a saved address the default for shipping: UpdateAddress takes the whole address, so it is read first. */
export async function makeDefaultShipping(form: FormData) {
  const { market, token } = await customer(form);
  const shop = personalClient(market, token);
  const id = text(form, 'addressId');
  const saved = (await shop.request(MeDocument)).me?.addresses.find((a) => a.id === id);
  if (!saved) back(market, 'That address is no longer in your address book.');
  const { name, company, line1, line2, postalCode, city, region, country, phone } = saved!.address;
  const input = { label: saved!.label, address: { name, company, line1, line2, postalCode, city, region, country, phone }, defaultShipping: true };
  const updated = (await shop.request(UpdateAddressDocument, { id, input })).updateAddress;
  back(market, updated.__typename === 'AccountInputInvalid' ? `${updated.field}: ${updated.message}` : undefined);
}

export async function removeAddress(form: FormData) {
  const { market, token } = await customer(form);
  await personalClient(market, token).request(RemoveAddressDocument, { id: text(form, 'addressId') });
  back(market);
}
