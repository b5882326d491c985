import { appError, Code, SourceLocationRefusal, type ChannelContext } from '@storegraph/schema';
import { assertCode } from './cart-input.validation.ts';

/**
 * Endless aisle (issue #15 item 5): only a till with a cashier signed in (its POS channel, `till` in the signed
 * context) may name where a cart's units come from; it names a shop or warehouse its channel is not bound to, as
 * TillNearbyStock listed it. Anyone else is refused before anything is written, with the reason stock gives
 * (stock checks it again when it reserves, and also refuses a dropship location or the till's own shop).
 */
export function checkedSource(c: ChannelContext, sourceLocationId: string | null | undefined): string | null {
  if (sourceLocationId == null) return null;
  if (c.channelKind !== 'POS' || !c.till || !c.locationId) {
    throw appError(Code.FORBIDDEN, 'only a till may order from another shop or warehouse', {
      reason: SourceLocationRefusal.TILL_ONLY,
      argument: 'input.sourceLocationId',
    });
  }
  assertCode(sourceLocationId, 'input.sourceLocationId');
  if (sourceLocationId === c.locationId) {
    throw appError(Code.BAD_USER_INPUT, 'the till sells its own shop’s units over the counter', {
      reason: SourceLocationRefusal.NOT_A_SOURCE,
      argument: 'input.sourceLocationId',
    });
  }
  return sourceLocationId;
}
