import { CurrentChannelDocument } from '@storegraph/bff-b2c/operations';
import { catalogueClient } from './shop.client';
import type { Market } from './markets';

/** The market's channel as the BFF describes it: currency, locales and whether prices include tax. */
export async function channelOf(market: Market) {
  return (await (await catalogueClient(market)).request(CurrentChannelDocument)).currentChannel;
}
