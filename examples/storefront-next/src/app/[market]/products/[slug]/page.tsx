import { notFound } from 'next/navigation';
import { ProductPageDocument } from '@storegraph/bff-b2c/operations';
import { PriceTag, priceOf } from '@/components/price-tag';
import { channelOf } from '@/lib/channel.query';
import { marketOf } from '@/lib/markets';
import { minorUnits } from '@/lib/money.format';
import { showableMedia } from '@/lib/media.rules';
import { catalogueClient } from '@/lib/shop.client';
import { addToCart } from '../../cart.actions';

export const dynamic = 'force-dynamic';

type Place = { location: { id: string; name: string; pickup: boolean }; available: number };

/** The shops that hand this variant over today, for the checkout's click & collect choice (id|name;...). */
function pickupShops(locations: Place[]): string {
  return locations
    .filter((l) => l.location.pickup && l.available > 0)
    .map((l) => `${l.location.id}|${l.location.name}`)
    .join(';');
}

/** One product: pick a variant (each with its price and availability), see the shops to collect it from, add it. */
export default async function ProductPage({ params }: { params: Promise<{ market: string; slug: string }> }) {
  const { market: slug, slug: productSlug } = await params;
  const market = marketOf(slug);
  if (!market) notFound();
  const shop = await catalogueClient(market);
  const [channel, { product }] = await Promise.all([channelOf(market), shop.request(ProductPageDocument, { slug: productSlug })]);
  if (!product) notFound();
  // Availability is null while stock cannot answer: such a variant is shown but not offered.
  const variants = product.variants.map((v) => ({ ...v, available: v.availability?.available ?? 0, places: v.availability?.locations ?? [] }));
  const sellable = variants.filter((v) => priceOf(v.price) && v.available > 0);
  return (
    <article id="product" data-product-id={product.id}>
      <h1>{product.name}</h1>
      <p>{product.brand?.name}</p>
      {product.media
        .filter((m) => showableMedia(m.url))
        .map((m) => (
          // biome-ignore lint/performance/noImgElement: plain <img> on purpose: no image optimiser, see next.config.ts
          <img key={m.url} src={m.url} alt={m.alt ?? ''} width={320} />
        ))}
      <p>{product.description}</p>
      <form action={addToCart} className="stack" id="add-to-cart">
        <input type="hidden" name="market" value={market.slug} />
        {variants.map((v) => (
          <input key={v.id} type="hidden" name={`pickup:${v.id}`} value={pickupShops(v.places)} />
        ))}
        {/* The price this page shows, so the cart can tell the shopper when the live one differs. */}
        {variants.map((v) => {
          const price = priceOf(v.price);
          return price ? <input key={v.id} type="hidden" name={`shown:${v.id}`} value={`${minorUnits(price.unit)} ${price.unit.currency}`} /> : null;
        })}
        <fieldset>
          <legend>Variant</legend>
          {variants.map((v) => {
            const price = priceOf(v.price);
            const label = v.options.map((o) => `${o.name} ${o.value}`).join(', ') || v.sku;
            return (
              <label key={v.id} className="variant" data-variant-id={v.id} style={{ display: 'block' }}>
                <input type="radio" name="variantId" value={v.id} defaultChecked={v.id === sellable[0]?.id} disabled={!price || v.available <= 0} /> {label}{' '}
                {price ? (
                  <PriceTag unit={price.unit} compareAt={price.compareAt} locale={market.locale} taxMode={channel.taxMode} />
                ) : (
                  <span>not sold here</span>
                )}{' '}
                <span className="availability">{v.available > 0 ? `${v.available} available` : 'sold out'}</span>
                {v.places.some((l) => l.location.pickup && l.available > 0) ? (
                  <span className="pickup">
                    {' '}
                    · collect from{' '}
                    {v.places
                      .filter((l) => l.location.pickup && l.available > 0)
                      .map((l) => `${l.location.name} (${l.available})`)
                      .join(', ')}
                  </span>
                ) : null}
              </label>
            );
          })}
        </fieldset>
        <label>
          Quantity <input type="number" name="quantity" defaultValue={1} min={1} max={99} />
        </label>
        <button type="submit" disabled={sellable.length === 0}>
          Add to cart
        </button>
      </form>
    </article>
  );
}
