import { sql } from 'drizzle-orm';
import { appError, staffCan, staffChannels, staffHolds } from '@storegraph/schema';
import type { OrdersContext } from '../context.ts';

const REGION = /^[a-z0-9][a-z0-9-]{0,39}$/;
const CHANNEL = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ReportScopeInput {
  channels?: string[] | null;
  region?: string | null;
}

/** Every channel (null: no filter) or the listed ones, each readable by the caller (report-viewer there). */
export async function reportChannels(ctx: OrdersContext, input: ReportScopeInput): Promise<string[] | null> {
  const staff = ctx.channel.staff;
  if (!staff || !staffHolds(ctx.channel, 'report-viewer')) throw appError('FORBIDDEN', 'reports are for staff with report-viewer');
  if (input.region && input.channels?.length) throw appError('BAD_USER_INPUT', 'give channels or a region, not both', { argument: 'input.region' });
  let channels = input.channels ?? [];
  if (input.region) {
    if (!REGION.test(input.region)) throw appError('BAD_USER_INPUT', 'unknown region', { argument: 'input.region' });
    const rows = await ctx.db.db.execute<{ channel: string }>(sql`select channel from orders.report_regions where region = ${input.region} order by channel`);
    if (rows.length === 0) throw appError('NOT_FOUND', `no region ${input.region}`);
    channels = rows.map((r) => r.channel);
  }
  if (channels.length === 0) {
    // The whole brand: every channel for a report-viewer on `*`, else the channels they hold the role on.
    const held = staffChannels(ctx.channel, ['report-viewer']);
    if (held.includes('*')) return null;
    channels = held;
  }
  for (const c of channels) if (!CHANNEL.test(c)) throw appError('BAD_USER_INPUT', `bad channel ${c}`, { argument: 'input.channels' });
  const refused = channels.filter((c) => !staffCan(ctx.channel, 'report-viewer', c));
  if (refused.length > 0 || channels.length === 0) {
    throw appError('FORBIDDEN', `report-viewer on ${refused.join(', ') || 'a channel'} is required`);
  }
  return [...new Set(channels)].sort();
}

/** Staff-admin on `*`: a region groups channels for reports. Replaces the region's channels (none: the region is gone). */
export async function setReportRegion(ctx: OrdersContext, region: string, channels: string[]) {
  if (!REGION.test(region)) throw appError('BAD_USER_INPUT', 'a region is 1 to 40 lowercase letters, digits and dashes', { argument: 'region' });
  if (channels.length > 100 || !channels.every((c) => CHANNEL.test(c))) throw appError('BAD_USER_INPUT', 'bad channel list', { argument: 'channels' });
  if (!staffCan(ctx.channel, 'staff-admin', '*')) {
    throw appError('FORBIDDEN', 'staff-admin on every channel is required to group channels into regions');
  }
  const unique = [...new Set(channels)].sort();
  await ctx.db.db.transaction(async (tx) => {
    await tx.execute(sql`delete from orders.report_regions where region = ${region}`);
    if (unique.length > 0)
      await tx.execute(sql`insert into orders.report_regions (region, channel) select ${region}, unnest(${`{${unique.join(',')}}`}::text[])`);
  });
  return { id: region, channels: unique };
}

/** Regions and those of their channels the caller reads reports of. */
export async function reportRegions(ctx: OrdersContext) {
  if (!staffHolds(ctx.channel, 'report-viewer')) throw appError('FORBIDDEN', 'report-viewer is required');
  const rows = await ctx.db.db.execute<{ region: string; channels: string[] }>(
    sql`select region, array_agg(channel order by channel) as channels from orders.report_regions group by region order by region`,
  );
  // Only the channels the caller may read; a region with none of them is not shown.
  return rows
    .map((r) => ({ id: r.region, channels: r.channels.filter((c) => staffCan(ctx.channel, 'report-viewer', c)) }))
    .filter((r) => r.channels.length > 0);
}
