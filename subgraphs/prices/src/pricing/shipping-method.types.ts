import type { TaxCategory } from '../loaders/settings.loaders.ts';

export type ShippingMethodKind = 'FLAT' | 'FREE_ABOVE' | 'WEIGHT_BANDS' | 'PICKUP';

/** Carts up to `upToGrams` (inclusive) pay `amount`. */
export interface WeightBand {
  upToGrams: number;
  amount: bigint;
}

/** An active shipping method of the caller's channel, amounts in its currency and the channel's tax basis. */
export interface ShippingMethodRule {
  code: string;
  name: string;
  kind: ShippingMethodKind;
  currency: string;
  /** FLAT and FREE_ABOVE; 0 for PICKUP; null for WEIGHT_BANDS. */
  amount: bigint | null;
  /** FREE_ABOVE: the goods total after discounts from which shipping costs nothing. */
  freeFrom: bigint | null;
  /** WEIGHT_BANDS: ascending by upToGrams. */
  weightBands: readonly WeightBand[] | null;
  taxCategory: TaxCategory;
  /** ISO 3166-1 alpha-2; empty ships anywhere. */
  countries: readonly string[];
}

export type ShippingUnavailableReason = 'UNKNOWN_METHOD' | 'COUNTRY_NOT_SERVED' | 'TOO_HEAVY' | 'NO_TAX_RATE' | 'CURRENCY_MISMATCH' | 'CART_NOT_PRICED';
