export type PromotionKind = 'PERCENT_OFF' | 'AMOUNT_OFF' | 'BUY_N';
export type PromotionTarget = 'PRODUCTS' | 'CATEGORIES' | 'SUBTOTAL';
export type PromotionStacking = 'EXCLUSIVE' | 'COMBINABLE';

export interface BuyNTier {
  minQuantity: number;
  percentBp: number;
}

/** A promotion already found eligible for this cart's channel, time, coupon codes and usage limits. */
export interface PromotionRule {
  id: string;
  name: string;
  kind: PromotionKind;
  target: PromotionTarget;
  variantIds: readonly string[];
  categoryIds: readonly string[];
  percentBp: number | null;
  amountOff: bigint | null;
  tiers: readonly BuyNTier[] | null;
  couponCode: string | null;
  stacking: PromotionStacking;
  priority: number;
}
