import type { Coordinates } from './geo-distance.ts';

/** Where an order goes, as far as routing needs to know: coordinates if the client has them, else the address. */
export interface ShipTo {
  latitude?: number | null;
  longitude?: number | null;
  country?: string | null;
  postalCode?: string | null;
  city?: string | null;
}

/**
 * German postal codes start with a zone digit (0 Saxony ... 9 Franconia); the zone's main city stands in for
 * it. Good to ~150 km, which is all routing between a few warehouses and shops needs.
 */
const DE_POSTAL_ZONES: Record<string, Coordinates> = {
  '0': { latitude: 51.3397, longitude: 12.3731 }, // Leipzig
  '1': { latitude: 52.52, longitude: 13.405 }, // Berlin
  '2': { latitude: 53.5511, longitude: 9.9937 }, // Hamburg
  '3': { latitude: 52.3759, longitude: 9.732 }, // Hannover
  '4': { latitude: 51.2277, longitude: 6.7735 }, // Düsseldorf
  '5': { latitude: 50.9375, longitude: 6.9603 }, // Köln
  '6': { latitude: 50.1109, longitude: 8.6821 }, // Frankfurt am Main
  '7': { latitude: 48.7758, longitude: 9.1829 }, // Stuttgart
  '8': { latitude: 48.1351, longitude: 11.582 }, // München
  '9': { latitude: 49.4521, longitude: 11.0767 }, // Nürnberg
};

/** Cities the demo channels ship to most, for countries without a postal-zone table. */
const CITIES: Record<string, Coordinates> = {
  'AT|wien': { latitude: 48.2082, longitude: 16.3738 },
  'AT|vienna': { latitude: 48.2082, longitude: 16.3738 },
  'FR|paris': { latitude: 48.8566, longitude: 2.3522 },
  'NL|amsterdam': { latitude: 52.3676, longitude: 4.9041 },
  'GB|london': { latitude: 51.5072, longitude: -0.1276 },
  'US|new york': { latitude: 40.7128, longitude: -74.006 },
  'US|newark': { latitude: 40.7357, longitude: -74.1724 },
  'US|chicago': { latitude: 41.8781, longitude: -87.6298 },
  'US|los angeles': { latitude: 34.0522, longitude: -118.2437 },
  'US|san francisco': { latitude: 37.7749, longitude: -122.4194 },
};

/** A country's population centre, the last resort. */
const COUNTRIES: Record<string, Coordinates> = {
  DE: { latitude: 50.9, longitude: 10.3 },
  AT: { latitude: 47.8, longitude: 14.6 },
  CH: { latitude: 47.0, longitude: 8.2 },
  FR: { latitude: 47.0, longitude: 2.4 },
  NL: { latitude: 52.2, longitude: 5.3 },
  BE: { latitude: 50.8, longitude: 4.4 },
  GB: { latitude: 52.6, longitude: -1.5 },
  US: { latitude: 37.6, longitude: -91.0 },
};

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/**
 * Coordinates for a ship-to, most precise first: what the client sent, the German postal zone, a known city,
 * the country's centre. Null when none applies: routing then ranks by the channel's priority alone.
 */
export function shipToCoordinates(to: ShipTo | null | undefined): Coordinates | null {
  if (!to) return null;
  if (finite(to.latitude) && finite(to.longitude) && Math.abs(to.latitude) <= 90 && Math.abs(to.longitude) <= 180) {
    return { latitude: to.latitude, longitude: to.longitude };
  }
  const country = (to.country ?? '').toUpperCase();
  const postal = (to.postalCode ?? '').trim();
  if (country === 'DE' && /^[0-9]{5}$/.test(postal)) return DE_POSTAL_ZONES[postal[0]!]!;
  const city = CITIES[`${country}|${(to.city ?? '').trim().toLowerCase()}`];
  return city ?? COUNTRIES[country] ?? null;
}
