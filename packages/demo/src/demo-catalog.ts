/**
 * The demo brand, generated deterministically (a seeded PRNG), so every machine and every test run
 * sees the same catalog: same ids, SKUs, barcodes, prices and stock.
 */
export function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CHANNELS = [
  {
    code: 'web-eu',
    kind: 'B2C',
    name: 'Web shop EU',
    currency: 'EUR',
    defaultLocale: 'de-DE',
    locales: ['de-DE', 'en-GB', 'fr-FR'],
    country: 'DE',
    taxMode: 'INCLUSIVE',
  },
  { code: 'web-us', kind: 'B2C', name: 'Web shop US', currency: 'USD', defaultLocale: 'en-US', locales: ['en-US'], country: 'US', taxMode: 'EXCLUSIVE' },
  {
    code: 'trade-eu',
    kind: 'B2B',
    name: 'Trade portal EU',
    currency: 'EUR',
    defaultLocale: 'en-GB',
    locales: ['en-GB', 'de-DE'],
    country: 'DE',
    taxMode: 'EXCLUSIVE',
  },
  {
    code: 'pos-berlin',
    kind: 'POS',
    name: 'Berlin flagship tills',
    currency: 'EUR',
    defaultLocale: 'de-DE',
    locales: ['de-DE', 'en-GB'],
    country: 'DE',
    taxMode: 'INCLUSIVE',
  },
  // Staging storefronts: merchandisers preview assortments here before going live. They carry no demo
  // products, stock or prices, so scenarios that create their own products leave the live channels' numbers alone.
  {
    code: 'sandbox-eu',
    kind: 'B2C',
    name: 'Sandbox EU (staging)',
    currency: 'EUR',
    defaultLocale: 'de-DE',
    locales: ['de-DE', 'en-GB', 'fr-FR'],
    country: 'DE',
    taxMode: 'INCLUSIVE',
  },
  {
    code: 'sandbox-us',
    kind: 'B2C',
    name: 'Sandbox US (staging)',
    currency: 'USD',
    defaultLocale: 'en-US',
    locales: ['en-US'],
    country: 'US',
    taxMode: 'EXCLUSIVE',
  },
] as const;

export const BRANDS = [
  { id: 'brd_northwind', slug: 'northwind', name: 'Northwind Outdoor' },
  { id: 'brd_fjell', slug: 'fjell', name: 'Fjell' },
  { id: 'brd_alpaca', slug: 'alpaca-co', name: 'Alpaca & Co' },
  { id: 'brd_urban', slug: 'urban-trail', name: 'Urban Trail' },
  { id: 'brd_kestrel', slug: 'kestrel', name: 'Kestrel' },
  { id: 'brd_lumen', slug: 'lumen', name: 'Lumen' },
];

export const CATEGORIES = [
  { id: 'cat_apparel', parentId: null, slug: 'apparel', name: 'Apparel' },
  { id: 'cat_jackets', parentId: 'cat_apparel', slug: 'jackets', name: 'Jackets' },
  { id: 'cat_shirts', parentId: 'cat_apparel', slug: 'shirts', name: 'Shirts' },
  { id: 'cat_trousers', parentId: 'cat_apparel', slug: 'trousers', name: 'Trousers' },
  { id: 'cat_footwear', parentId: null, slug: 'footwear', name: 'Footwear' },
  { id: 'cat_boots', parentId: 'cat_footwear', slug: 'boots', name: 'Boots' },
  { id: 'cat_sneakers', parentId: 'cat_footwear', slug: 'sneakers', name: 'Sneakers' },
  { id: 'cat_accessories', parentId: null, slug: 'accessories', name: 'Accessories' },
  { id: 'cat_bags', parentId: 'cat_accessories', slug: 'bags', name: 'Bags' },
  { id: 'cat_hats', parentId: 'cat_accessories', slug: 'hats', name: 'Hats' },
];

const LEAF = [
  { cat: 'cat_jackets', en: 'Jacket', de: 'Jacke', fr: 'Veste', base: 14900 },
  { cat: 'cat_shirts', en: 'Shirt', de: 'Hemd', fr: 'Chemise', base: 4900 },
  { cat: 'cat_trousers', en: 'Trousers', de: 'Hose', fr: 'Pantalon', base: 8900 },
  { cat: 'cat_boots', en: 'Boot', de: 'Stiefel', fr: 'Botte', base: 17900 },
  { cat: 'cat_sneakers', en: 'Sneaker', de: 'Sneaker', fr: 'Basket', base: 11900 },
  { cat: 'cat_bags', en: 'Backpack', de: 'Rucksack', fr: 'Sac à dos', base: 9900 },
  { cat: 'cat_hats', en: 'Beanie', de: 'Mütze', fr: 'Bonnet', base: 2900 },
];
const ADJECTIVES = [
  ['Alpine', 'Alpine', 'Alpine'],
  ['Coastal', 'Küsten', 'Côtière'],
  ['Merino', 'Merino', 'Mérinos'],
  ['Storm', 'Sturm', 'Tempête'],
  ['Trail', 'Trail', 'Sentier'],
  ['City', 'Stadt', 'Ville'],
  ['Harbour', 'Hafen', 'Port'],
  ['Summit', 'Gipfel', 'Sommet'],
  ['Canvas', 'Canvas', 'Toile'],
  ['Ridge', 'Grat', 'Crête'],
];
const COLOURS = ['Navy', 'Black', 'Olive', 'Sand', 'Rust'];
const SIZES = ['S', 'M', 'L', 'XL'];

/** EAN-13 with a valid check digit. */
export function ean13(n: number): string {
  const body = `400${String(n).padStart(9, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + String((10 - (sum % 10)) % 10);
}

/** Typed attributes of the demo catalog; values derive from the product number, never from the PRNG, so prices stay put. */
export const ATTRIBUTES = [
  { code: 'material', name: 'Material', type: 'ENUM', allowedValues: ['cotton', 'wool', 'nylon', 'leather', 'canvas'], filterable: true },
  { code: 'waterproof', name: 'Waterproof', type: 'BOOLEAN', allowedValues: [], filterable: true },
  { code: 'weight_g', name: 'Weight (g)', type: 'NUMBER', allowedValues: [], filterable: true },
] as const;
const MATERIALS = ['cotton', 'wool', 'nylon', 'leather', 'canvas'];

export interface DemoVariant {
  id: string;
  sku: string;
  gtin: string;
  options: Record<string, string>;
  position: number;
  /** Shipping weight in grams: the product's weight_g, ten times that for a trade bulk pack of 10. */
  weightGrams: number;
}
export interface DemoProduct {
  id: string;
  slug: string;
  name: { en: string; de: string; fr: string };
  description: string;
  brandId: string;
  categoryIds: string[];
  basePrice: number;
  /** Channels where the product is assigned and visible. */
  channels: string[];
  variants: DemoVariant[];
  /** Product-level attribute values (canonical text). */
  attributes: Record<string, string>;
}

export function demoProducts(count = 240): DemoProduct[] {
  const rand = prng(42);
  const products: DemoProduct[] = [];
  let gtinSeq = 1;
  for (let i = 1; i <= count; i++) {
    const leaf = LEAF[i % LEAF.length]!;
    const adj = ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]!;
    const brand = BRANDS[i % BRANDS.length]!;
    const n = String(i).padStart(4, '0');
    const parentCat = CATEGORIES.find((c) => c.id === leaf.cat)!.parentId!;
    // Every 10th product is a trade-only bulk pack; every 7th is not sold in the US; POS carries a third.
    const tradeOnly = i % 10 === 0;
    const channels = tradeOnly ? ['trade-eu'] : ['web-eu', 'trade-eu', ...(i % 7 === 0 ? [] : ['web-us']), ...(i % 3 === 0 ? ['pos-berlin'] : [])];
    const colours = COLOURS.slice(0, 1 + Math.floor(rand() * 2));
    const sizes = leaf.cat === 'cat_bags' || leaf.cat === 'cat_hats' ? ['One size'] : SIZES.slice(0, 2 + Math.floor(rand() * 3));
    // From the product number, never from the PRNG, so adding weights moved no price or stock level.
    const weightGrams = 200 + (i % 9) * 100;
    const variants: DemoVariant[] = [];
    for (const colour of colours) {
      for (const size of sizes) {
        const position = variants.length;
        variants.push({
          id: `var_${n}_${position + 1}`,
          sku: `SG-${n}-${colour.slice(0, 3).toUpperCase()}-${size.replace(' ', '').toUpperCase()}`,
          gtin: ean13(gtinSeq++),
          options: { colour, size },
          position,
          weightGrams: tradeOnly ? weightGrams * 10 : weightGrams,
        });
      }
    }
    products.push({
      id: `prd_${n}`,
      slug: `${adj[0]!.toLowerCase()}-${leaf.en.toLowerCase()}-${n}${tradeOnly ? '-bulk-pack' : ''}`,
      name: {
        en: `${adj[0]} ${leaf.en}${tradeOnly ? ' (bulk pack of 10)' : ''}`,
        de: `${adj[1]}-${leaf.de}${tradeOnly ? ' (Großpackung à 10)' : ''}`,
        fr: `${leaf.fr} ${adj[2]}${tradeOnly ? ' (lot de 10)' : ''}`,
      },
      description: `${brand.name} ${adj[0]!.toLowerCase()} ${leaf.en.toLowerCase()}, built to last.`,
      brandId: brand.id,
      categoryIds: [leaf.cat, parentCat],
      basePrice: (tradeOnly ? leaf.base * 8 : leaf.base) + Math.floor(rand() * 5) * 1000,
      channels,
      variants,
      attributes: {
        material: MATERIALS[i % MATERIALS.length]!,
        waterproof: String(leaf.cat === 'cat_jackets' || leaf.cat === 'cat_boots'),
        weight_g: String(weightGrams),
      },
    });
  }
  return products;
}

export const LOCATIONS = [
  {
    id: 'loc_wh_hamburg',
    name: 'Hamburg warehouse',
    kind: 'WAREHOUSE',
    address: 'Am Sandtorkai 1, 20457 Hamburg, DE',
    latitude: 53.5436,
    longitude: 9.9887,
    pickup: false,
  },
  {
    id: 'loc_wh_newjersey',
    name: 'New Jersey warehouse',
    kind: 'WAREHOUSE',
    address: '100 Harbor Blvd, Newark, NJ, US',
    latitude: 40.7357,
    longitude: -74.1724,
    pickup: false,
  },
  {
    id: 'loc_berlin_shop',
    name: 'Berlin flagship',
    kind: 'SHOP',
    address: 'Kurfürstendamm 21, 10719 Berlin, DE',
    latitude: 52.5035,
    longitude: 13.3324,
    pickup: true,
  },
  {
    id: 'loc_munich_shop',
    name: 'Munich shop',
    kind: 'SHOP',
    address: 'Kaufingerstraße 9, 80331 München, DE',
    latitude: 48.1374,
    longitude: 11.5733,
    pickup: true,
  },
] as const;

export const CHANNEL_LOCATIONS = [
  { channel: 'web-eu', locationId: 'loc_wh_hamburg', priority: 0 },
  { channel: 'web-eu', locationId: 'loc_berlin_shop', priority: 1 },
  { channel: 'web-eu', locationId: 'loc_munich_shop', priority: 2 },
  { channel: 'web-us', locationId: 'loc_wh_newjersey', priority: 0 },
  { channel: 'trade-eu', locationId: 'loc_wh_hamburg', priority: 0 },
  { channel: 'pos-berlin', locationId: 'loc_berlin_shop', priority: 0 },
];
