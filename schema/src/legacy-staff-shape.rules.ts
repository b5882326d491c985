import type { StaffGrant, StaffPermission } from './channel-context.ts';

/**
 * The staff principal's shape before grants (`roles` on `channels`), signed beside `grants` for one release so the
 * previous release's subgraphs (whose schema requires `{id, roles, channels}`) accept a context signed by this one
 * during a rolling deploy. Remove it, with the fields it adds, one release after grants shipped.
 *
 * The old reader grants every role on every channel listed (roles × channels), and knows no locations. So the
 * projection never grants more than the grants do: location-narrowed grants are left out; `channels` are those the
 * channel-wide grants name; `roles` are the permissions held on EVERY one of those channels (on '*' only by a grant
 * on '*'). No such permission: nothing at all. One grant (every service context, every built-in member with one
 * role set) projects exactly; a mix may hold less on an old subgraph until it is replaced, never more.
 */
export function legacyStaffShape(grants: readonly StaffGrant[]): { roles: StaffPermission[]; channels: string[] } {
  const wide = grants.filter((g) => g.locations === undefined);
  const channels = [...new Set(wide.flatMap((g) => g.channels))];
  const heldOn = (p: StaffPermission, channel: string) =>
    wide.some((g) => g.permissions.includes(p) && (g.channels.includes('*') || g.channels.includes(channel)));
  const candidates = [...new Set(wide.flatMap((g) => g.permissions))];
  const roles = channels.length === 0 ? [] : candidates.filter((p) => channels.every((c) => heldOn(p, c)));
  return roles.length === 0 ? { roles: [], channels: [] } : { roles, channels };
}
