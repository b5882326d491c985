/**
 * The permissions a check can name a location for (stock writes and reads at a location, stock reports). Any other
 * permission is only ever checked on a whole channel, so a grant of it narrowed to locations would never apply:
 * such a grant is refused, and so is adding such a permission to a role granted at locations.
 */
export const LOCATION_PERMISSIONS: ReadonlySet<string> = new Set(['stock-admin', 'viewer', 'report-viewer']);

/** The permissions of a role that a grant at locations could never use. */
export const notAtLocations = (permissions: readonly string[]) => permissions.filter((p) => !LOCATION_PERMISSIONS.has(p));
