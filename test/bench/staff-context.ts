import { signChannelContext, type StaffRole } from '@storegraph/schema';
import { DEV_CONTEXT_SECRET } from '@storegraph/kit';

/** The harness as web-eu staff with `roles` on every channel (issuer `bench`, accepted by the bench's services). */
export function benchStaffContext(roles: StaffRole[]): Promise<string> {
  return signChannelContext(
    {
      requestId: 'bench-setup',
      channel: 'web-eu',
      channelKind: 'B2C',
      currency: 'EUR',
      locale: 'de-DE',
      country: 'DE',
      taxMode: 'INCLUSIVE',
      staff: { id: 'bench', roles, channels: ['*'] },
    },
    DEV_CONTEXT_SECRET,
    'bench',
  );
}
