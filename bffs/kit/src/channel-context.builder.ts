import type http from 'node:http';
import { appError, type ChannelContext, type StaffGrant } from '@storegraph/schema';
import type { AccountDirectory, AccountFacts } from './account-directory.ts';
import type { ChannelDefinition, ChannelRegistry } from './channel-registry.ts';
import { guestOf, type Principal, verifyBearer } from './identity.ts';
import type { StaffDirectory } from './staff-directory.ts';
import type { TillDirectory } from './till-directory.ts';

/** What a BFF's caller rules may consult beyond the request: its publishable keys and whether the dev header counts. */
export interface CallerLookups {
  /** The channel a storefront's publishable key names, or null when unknown or revoked (storefront BFFs only). */
  channelOfKey(token: string): Promise<string | null>;
  /** Development only: an unsigned `x-storefront-channel` header may pick the channel (BFF_CHANNEL_HEADER). */
  channelHeader: boolean;
  /** The admin BFF: a staff caller's context may only be for one of their own channels. */
  staffChannelsOnly?: boolean;
}

/** Picks the channel; `operationName` lets a closed portal admit anonymous callers to its sign-in operations only. */
export type ResolveCaller = (
  req: http.IncomingMessage,
  principal: Principal | null,
  lookups: CallerLookups,
  operationName?: string,
) => { channel: string } | Promise<{ channel: string }>;
export type ContextBuilder = (req: http.IncomingMessage, principal: Principal | null, requestId: string, operationName?: string) => Promise<ChannelContext>;

/** The admin BFF: the channel a staff request works in (its currency, locale and view of the catalog). */
export const STAFF_CHANNEL_HEADER = 'x-channel';
/** A till's request for a customer standing at it: the customer's own access token (their app's code, scanned). */
export const TILL_CUSTOMER_HEADER = 'x-till-customer';

/**
 * The customer attached at a till: their own access token proves who they are (a cashier typing an email would
 * let anyone's group prices be had), and their record, not the token, gives the group, as for any customer.
 * Only a customer (not a buyer, guest, device or staff) can be attached.
 */
async function tillCustomer(
  header: string | string[] | undefined,
  idpSecret: string,
  accounts: AccountDirectory,
  base: ChannelContext,
): Promise<ChannelContext> {
  if (header === undefined) return base;
  const refused = () => appError('UNAUTHENTICATED', `${TILL_CUSTOMER_HEADER} must be a customer's valid access token`);
  if (typeof header !== 'string' || header.length > 4096) throw refused();
  const customer = await verifyBearer(`Bearer ${header.replace(/^Bearer\s+/i, '')}`, idpSecret).catch(() => null);
  if (customer?.kind !== 'customer') throw refused();
  const facts = await accounts.factsFor(customer, base);
  return { ...base, customerId: customer.sub, customerGroup: facts.group };
}

/** Operations after which the caller's session is over: the BFF drops what it cached about it. */
export const SESSION_ENDING_OPERATIONS: ReadonlySet<string> = new Set(['SignOut', 'EraseMyAccount', 'StaffSignOut', 'TillSignOut']);

/** Operations an anonymous caller may send on every BFF, closed portals included: how one gets signed in. */
export const SIGN_IN_OPERATIONS: ReadonlySet<string> = new Set([
  'SignUp',
  'SignIn',
  'RefreshSession',
  'RequestPasswordReset',
  'ResetPassword',
  'VerifyEmail',
  'StaffSignIn',
  'RefreshStaffSession',
  'TillSignIn',
]);

/** The channel's locale the caller prefers (Accept-Language), by exact tag, then by language, else the default. */
export function negotiateLocale(req: http.IncomingMessage, def: ChannelDefinition): string {
  const header = String(req.headers['accept-language'] ?? '');
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]!.trim();
    const exact = def.locales.find((l) => l.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const lang = def.locales.find((l) => l.slice(0, 2).toLowerCase() === tag.slice(0, 2).toLowerCase());
    if (lang && tag) return lang;
  }
  return def.defaultLocale;
}

/**
 * Builds the sales-channel context the subgraphs trust: the BFF's caller rules pick the channel (throwing
 * a GraphQLError when the caller may not use it), the principal says who is asking.
 */
/** A staff principal's grants: an identity provider's `roles` on `channels` are one grant, beside any grants it lists. */
function staffGrantsOf(principal: Principal): StaffGrant[] {
  const roles = principal.roles ?? [];
  const base = roles.length > 0 ? [{ permissions: roles, channels: principal.channels ?? [] }] : [];
  return [...base, ...(principal.grants ?? [])];
}

export function contextBuilder(
  resolveCaller: ResolveCaller,
  channels: ChannelRegistry,
  idpSecret: string,
  lookups: CallerLookups,
  accounts: AccountDirectory,
  staffDirectory: StaffDirectory,
  tillDirectory?: TillDirectory,
): ContextBuilder {
  return async (req, given, requestId, operationName) => {
    const { channel } = await resolveCaller(req, given, lookups, operationName);
    let def = await channels.get(channel);
    const lookupBase = () => ({
      requestId,
      channel: def.code,
      channelKind: def.kind,
      currency: def.currency,
      locale: def.defaultLocale,
      country: def.country,
      taxMode: def.taxMode,
    });
    // Built-in staff: roles and channels from the staff record (cached briefly), never from the token.
    const principal = given?.kind === 'staff' ? await staffDirectory.current(given, lookupBase()) : given;
    // A till sign-in: the till's channel and shop and the cashier's role from their records (cached briefly).
    const till = tillDirectory ? await tillDirectory.current(principal, lookupBase()) : null;
    if (till && (till.channel !== def.code || def.kind !== 'POS')) throw appError('FORBIDDEN', 'this till belongs to another channel');
    const staff = principal?.kind === 'staff' ? { id: principal.sub, grants: staffGrantsOf(principal) } : undefined;
    const staffChannels = [...new Set(staff?.grants.flatMap((g) => g.channels) ?? [])];
    if (staff && lookups.staffChannelsOnly && !staffChannels.includes('*') && !staffChannels.includes(def.code)) {
      // Without a channel asked for, a staff member works in their first channel; asking for another is refused.
      if (req.headers[STAFF_CHANNEL_HEADER] !== undefined || !staffChannels[0])
        throw appError('FORBIDDEN', `your staff roles do not cover channel ${def.code}`);
      def = await channels.get(staffChannels[0]);
    }
    const isCustomer = principal?.kind === 'customer' || principal?.kind === 'buyer';
    // A guest is their session; a customer who just signed in may name the guest session they came from.
    const guestId =
      principal?.kind === 'guest' ? principal.sub : principal?.kind === 'customer' ? await guestOf(req.headers['x-guest-token'], idpSecret) : undefined;
    const base: ChannelContext = {
      requestId,
      channel: def.code,
      channelKind: def.kind,
      currency: def.currency,
      locale: negotiateLocale(req, def),
      country: def.country,
      taxMode: def.taxMode,
      guestId,
      locationId: till ? till.locationId : principal?.kind === 'device' ? principal.location : undefined,
      till: till ? { id: till.tillId, signInId: principal!.sid!, staffId: till.staffId, role: till.role } : undefined,
      clientIp: req.socket?.remoteAddress,
      staff,
      // A built-in staff member's sign-in, so staffSignOut ends that session.
      sessionId: staff ? principal?.sid : undefined,
    };
    if (till) return tillCustomer(req.headers[TILL_CUSTOMER_HEADER], idpSecret, accounts, base);
    if (!isCustomer) return base;
    const caller = principal.external && principal.email ? await accounts.externalAccount(principal, base) : principal;
    // Group, company and role from the customer record (cached briefly), never from the token's claims.
    const facts: AccountFacts = await accounts.factsFor(caller, base);
    if (caller.kind === 'buyer' && !facts.companyId) throw appError('FORBIDDEN', 'this buyer no longer acts for a company');
    return {
      ...base,
      customerId: caller.sub,
      sessionId: caller.sid,
      customerGroup: facts.group,
      companyId: caller.kind === 'buyer' ? facts.companyId : undefined,
      companyRole: caller.kind === 'buyer' ? facts.companyRole : undefined,
      buyerLimits: caller.kind === 'buyer' ? facts.buyerLimits : undefined,
      companyCredit: caller.kind === 'buyer' ? facts.companyCredit : undefined,
    };
  };
}
