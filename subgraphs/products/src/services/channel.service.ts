import { staffCan } from '@storegraph/schema';
import type { ProductsContext } from '../context.ts';

/** A caller sees its own channel; staff see the channels their roles are scoped to. */
export async function findChannel(ctx: ProductsContext, code: string) {
  const allowed = code === ctx.channel.channel || staffCan(ctx.channel, 'viewer', code) || staffCan(ctx.channel, 'catalog-admin', code);
  return allowed ? ctx.loaders.channel.load(code) : null;
}
