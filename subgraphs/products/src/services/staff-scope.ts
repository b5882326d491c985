import { appError, staffCan, staffChannels } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';

/** Master data reaches every channel, so changing it needs catalog-admin scoped to every channel. */
export const ALL_CHANNELS = '*';

export function requireCatalogAdmin(ctx: ProductsContext, channel: string): void {
  if (!ctx.channel.staff) throw appError('FORBIDDEN', 'catalog changes need a staff member');
  if (!staffCan(ctx.channel, 'catalog-admin', channel)) {
    const scope = channel === ALL_CHANNELS ? 'every channel (master data)' : `channel ${channel}`;
    throw appError('FORBIDDEN', `catalog-admin for ${scope} is required`, { channel });
  }
}

/** Staff may read the master record when they administer the catalog of at least one channel. */
export function requireAnyCatalogAdmin(ctx: ProductsContext): void {
  if (staffChannels(ctx.channel, ['catalog-admin']).length === 0) throw appError('FORBIDDEN', 'catalog-admin is required');
}
