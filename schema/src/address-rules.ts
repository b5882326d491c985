/** A postal address as the checkout stores it; validated here, with no I/O. */
export interface Address {
  name: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  region?: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone?: string | null;
}

const LIMITS: Record<keyof Address, number> = {
  name: 120,
  company: 120,
  line1: 200,
  line2: 200,
  postalCode: 16,
  city: 100,
  region: 10,
  country: 2,
  phone: 32,
};
const REQUIRED: (keyof Address)[] = ['name', 'line1', 'postalCode', 'city', 'country'];

/** The first thing wrong with an address, as [field, message], or null when it is usable. */
export function addressProblem(a: Address): [string, string] | null {
  for (const field of REQUIRED) {
    const v = a[field];
    if (typeof v !== 'string' || v.trim().length === 0) return [field, `${field} is required`];
  }
  for (const [field, max] of Object.entries(LIMITS) as [keyof Address, number][]) {
    const v = a[field];
    if (v != null && (typeof v !== 'string' || v.length > max)) return [field, `${field} is at most ${max} characters`];
  }
  if (!/^[A-Z]{2}$/.test(a.country)) return ['country', 'country is an ISO 3166-1 alpha-2 code such as DE'];
  if (a.region && !/^[A-Z0-9-]{1,10}$/.test(a.region)) return ['region', 'region is up to 10 of A-Z, 0-9 and -'];
  if (!/^[A-Za-z0-9 -]{2,16}$/.test(a.postalCode)) return ['postalCode', 'postalCode is 2 to 16 letters, digits, spaces or dashes'];
  return null;
}

/** Trimmed copy with only the known fields: nothing a client adds is stored. */
export function cleanAddress(a: Address): Address {
  const t = (v: string | null | undefined) => (v == null ? null : v.trim());
  return {
    name: a.name.trim(),
    company: t(a.company),
    line1: a.line1.trim(),
    line2: t(a.line2),
    postalCode: a.postalCode.trim(),
    city: a.city.trim(),
    region: t(a.region),
    country: a.country,
    phone: t(a.phone),
  };
}
