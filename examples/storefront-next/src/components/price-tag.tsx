import { formatMoney, minorUnits, type Money } from '@/lib/money.format';

/** A price as the channel charges it: tax included (web-eu) or added at checkout (web-us). */
export function PriceTag({ unit, compareAt, locale, taxMode }: { unit: Money; compareAt?: Money | null; locale: string; taxMode: string }) {
  return (
    <span>
      <span className="price" data-price={`${minorUnits(unit)} ${unit.currency}`}>
        {formatMoney(unit, locale)}
      </span>{' '}
      {compareAt ? <s>{formatMoney(compareAt, locale)}</s> : null} <span className="tax-note">{taxMode === 'INCLUSIVE' ? 'incl. tax' : 'plus tax'}</span>
    </span>
  );
}

type PriceField = { __typename: string; unit?: Money; compareAt?: Money | null } | null | undefined;

/** The variant's price when it has one in this channel (the union's other members say why not). */
export function priceOf(price: PriceField): { unit: Money; compareAt: Money | null } | null {
  return price && price.__typename === 'VariantPrice' && price.unit ? { unit: price.unit, compareAt: price.compareAt ?? null } : null;
}
