/**
 * Which shops a member of a till's staff works in (issue #16): null is every shop of their channel (the meaning
 * before shops existed, so members registered earlier keep working), else exactly the listed stock locations.
 */
export const worksAt = (locationIds: readonly string[] | null, locationId: string): boolean => locationIds === null || locationIds.includes(locationId);

const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Shops one member lists at most: someone who works in more shops than that is given every shop of the channel. */
export const MAX_TILL_STAFF_SHOPS = 50;

export type ShopList = { ids: string[] } | { problem: string };

/**
 * The shops as given, checked for form and de-duplicated (sorted, so the same set is stored and audited alike).
 * An empty list is refused rather than read as "no shop": a member who should work nowhere is deactivated.
 */
export function shopList(ids: readonly string[]): ShopList {
  if (ids.length === 0) return { problem: 'at least one shop; leave locationIds out for every shop of the channel' };
  if (ids.length > MAX_TILL_STAFF_SHOPS) return { problem: `at most ${MAX_TILL_STAFF_SHOPS} shops` };
  const bad = ids.find((id) => !LOCATION_ID.test(id));
  if (bad !== undefined) return { problem: 'not a location id' };
  return { ids: [...new Set(ids)].sort() };
}

/** The shops not among the locations the channel sells from, in the order given. */
export const unboundShops = (ids: readonly string[], bound: ReadonlySet<string>): string[] => ids.filter((id) => !bound.has(id));
