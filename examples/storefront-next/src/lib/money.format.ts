/**
 * Money as the BFF sends it: integer minor units and an ISO 4217 code. The generated documents type the
 * MinorUnits scalar as unknown, so amounts are checked once here.
 */
export interface Money {
  amount: unknown;
  currency: string;
}

export function minorUnits(money: Money): number {
  if (typeof money.amount !== 'number' || !Number.isSafeInteger(money.amount)) throw new Error(`not an amount of minor units: ${String(money.amount)}`);
  return money.amount;
}

/**
 * Formats minor units by the currency's own number of digits (EUR and USD 2, JPY 0, KWD 3), which
 * Intl.NumberFormat knows: 1999 EUR is €19.99, 1999 JPY is ¥1,999. The division is for display only.
 */
export function formatMoney(money: Money, locale: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits(money) / 10 ** digits);
}
