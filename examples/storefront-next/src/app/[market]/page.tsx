import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ProductSearchDocument } from '@storegraph/bff-b2c/operations';
import { PriceTag, priceOf } from '@/components/price-tag';
import { channelOf } from '@/lib/channel.query';
import { marketOf } from '@/lib/markets';
import { catalogueClient } from '@/lib/shop.client';

export const dynamic = 'force-dynamic';

type Search = { q?: string; brand?: string; category?: string };

/** The catalogue with full-text search (in the market's locale) and brand and category facets. */
export default async function Listing({ params, searchParams }: { params: Promise<{ market: string }>; searchParams: Promise<Search> }) {
  const market = marketOf((await params).market);
  if (!market) notFound();
  const { q, brand, category } = await searchParams;
  const shop = await catalogueClient(market);
  const [channel, result] = await Promise.all([
    channelOf(market),
    shop.request(ProductSearchDocument, {
      first: 24,
      search: q || undefined,
      sort: q ? 'RELEVANCE' : undefined,
      filter: brand || category ? { brandSlugs: brand ? [brand] : undefined, categorySlug: category || undefined } : undefined,
    }),
  ]);
  const link = (change: Search) => {
    const next = new URLSearchParams(Object.entries({ q, brand, category, ...change }).filter((e): e is [string, string] => !!e[1]));
    const qs = next.toString();
    return `/${market.slug}${qs ? `?${qs}` : ''}`;
  };
  const { nodes, facets } = result.products;
  return (
    <div className="listing">
      <aside className="facets" aria-label="Filters">
        <p id="channel-currency">
          {channel.name} · {channel.currency}
        </p>
        <h2>Brands</h2>
        <ul id="facet-brands">
          {facets.brands.map((f) => (
            <li key={f.value}>
              <Link href={link({ brand: brand === f.value ? undefined : f.value })} aria-current={brand === f.value ? 'true' : undefined}>
                {f.label} ({f.count})
              </Link>
            </li>
          ))}
        </ul>
        <h2>Categories</h2>
        <ul id="facet-categories">
          {facets.categories.map((f) => (
            <li key={f.value}>
              <Link href={link({ category: category === f.value ? undefined : f.value })}>
                {f.label} ({f.count})
              </Link>
            </li>
          ))}
        </ul>
      </aside>
      <section>
        <h1>{q ? `Results for “${q}”` : 'All products'}</h1>
        <ul className="grid" id="products">
          {nodes.map((p) => {
            const first = p.variants[0];
            const price = priceOf(first?.price);
            return (
              <li key={p.id} className="card product" data-slug={p.slug}>
                <Link href={`/${market.slug}/products/${p.slug}`}>{p.name}</Link>
                <div>{p.brand?.name}</div>
                {price ? (
                  <PriceTag unit={price.unit} compareAt={price.compareAt} locale={market.locale} taxMode={channel.taxMode} />
                ) : (
                  <span>Price on request</span>
                )}
              </li>
            );
          })}
        </ul>
        {nodes.length === 0 ? <p id="no-results">Nothing found.</p> : null}
      </section>
    </div>
  );
}
