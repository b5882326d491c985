import { and, asc, desc, sql, type SQL } from 'drizzle-orm';
import { appError } from '@storegraph/schema';
import { decodeCursor, encodeCursor } from '@storegraph/kit';
import { channelProducts, products } from '../db/tables.ts';
import type { ProductsContext } from '../context.ts';
import { channelJoin, channelValues, displayNameSql, productFields, type ChannelSql, type ProductRow } from './visibility.ts';
import { catalogQueries } from './catalog.queries.ts';
import { listingConditions, type ListingQuery } from './listing-conditions.ts';
import { searchSql, type SearchSql } from './search-match.ts';

export const MAX_PAGE_SIZE = 100;

export type ProductSort = 'CHANNEL_ORDER' | 'NAME' | 'NEWEST' | 'RELEVANCE';

export interface ListProductsArgs extends ListingQuery {
  first: number;
  after?: string | null;
  sort?: ProductSort | null;
}

type Row = ProductRow & { rank?: string };

/** How each sort orders, what its cursor holds and how it seeks past a cursor (keyset, never OFFSET). */
function sortPlan(channel: ChannelSql, sort: ProductSort, search: SearchSql | null) {
  switch (sort) {
    case 'CHANNEL_ORDER':
      return {
        orderBy: [asc(channelProducts.sortOrder), asc(products.id)],
        key: (r: Row) => [r.sortOrder, r.id],
        after: ([o, id]: (string | number)[]) => sql`(${channelProducts.sortOrder}, ${products.id}) > (${Number(o)}, ${String(id)})`,
        valid: (c: (string | number)[]) => typeof c[0] === 'number',
      };
    case 'NAME': {
      const name = displayNameSql(channel);
      return {
        orderBy: [asc(name), asc(products.id)],
        key: (r: Row) => [r.name, r.id],
        after: ([n, id]: (string | number)[]) => sql`(${name}, ${products.id}) > (${String(n)}, ${String(id)})`,
        valid: (c: (string | number)[]) => typeof c[0] === 'string',
      };
    }
    case 'NEWEST':
      return {
        orderBy: [desc(products.createdAt), desc(products.id)],
        key: (r: Row) => [r.createdAt, r.id],
        after: ([t, id]: (string | number)[]) => sql`(${products.createdAt}, ${products.id}) < (${String(t)}::timestamptz, ${String(id)})`,
        valid: (c: (string | number)[]) => typeof c[0] === 'string' && !Number.isNaN(Date.parse(String(c[0]))),
      };
    case 'RELEVANCE': {
      if (!search) throw appError('BAD_USER_INPUT', 'sort RELEVANCE needs a search', { argument: 'sort' });
      const rank = search.rank;
      return {
        orderBy: [desc(rank), asc(products.id)],
        key: (r: Row) => [r.rank!, r.id],
        // Ranks are compared as the real they are; the cursor keeps their exact text form.
        after: ([k, id]: (string | number)[]) => sql`(${rank} < ${String(k)}::real or (${rank} = ${String(k)}::real and ${products.id} > ${String(id)}))`,
        valid: (c: (string | number)[]) => typeof c[0] === 'string' && !Number.isNaN(Number(c[0])),
        rank,
      };
    }
  }
}

/** Keyset pagination over the chosen order: constant cost per page, stable under inserts. */
export async function listProducts(ctx: ProductsContext, args: ListProductsArgs) {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE_SIZE) {
    throw appError('BAD_USER_INPUT', `first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  const channel = channelValues(ctx.channel);
  const search = await searchSql(ctx, channel, args);
  const sort: ProductSort = args.sort ?? (search ? 'RELEVANCE' : 'CHANNEL_ORDER');
  const plan = sortPlan(channel, sort, search);
  const conditions: SQL[] = listingConditions(channel, args, search);
  let cursor: (string | number)[] | undefined;
  if (args.after) {
    const decoded = decodeCursor(args.after);
    if (decoded?.length !== 3 || decoded[0] !== sort || typeof decoded[2] !== 'string' || !plan.valid(decoded.slice(1))) {
      throw appError('BAD_USER_INPUT', 'malformed cursor, or a cursor of another sort', { argument: 'after' });
    }
    cursor = decoded.slice(1);
  }
  // The storefronts' plain listing (channel order, visibility the only condition) runs prepared; filtered,
  // searched and otherwise sorted listings are built per request.
  const rows = (
    sort === 'CHANNEL_ORDER' && conditions.length === 1
      ? await channelOrderPage(ctx, channel, args.first + 1, cursor)
      : await builtPage(ctx, channel, plan, cursor ? [...conditions, plan.after(cursor)] : conditions, args.first + 1)
  ) as Row[];
  const page = rows.slice(0, args.first);
  for (const row of page) ctx.loaders.visibleProduct.prime(row.id, row);
  const cursorOf = (node: Row) => encodeCursor([sort, ...plan.key(node)]);
  const last = page.at(-1);
  return {
    // Storefronts read `nodes`: a cursor per row is encoded only when `edges` is asked for.
    get edges() {
      return page.map((node) => ({ cursor: cursorOf(node), node }));
    },
    nodes: page,
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? cursorOf(last) : null },
    /** Kept for the facets resolver, which runs only when facets are asked for. */
    query: { filter: args.filter, search: args.search } satisfies ListingQuery,
  };
}

function channelOrderPage(ctx: ProductsContext, channel: ReturnType<typeof channelValues>, limit: number, cursor?: (string | number)[]) {
  const statement = catalogQueries(ctx.db).listing(limit, cursor !== undefined);
  return cursor ? statement.execute({ ...channel, afterSortOrder: Number(cursor[0]), afterId: String(cursor[1]) }) : statement.execute(channel);
}

function builtPage(ctx: ProductsContext, channel: ChannelSql, plan: ReturnType<typeof sortPlan>, conditions: SQL[], limit: number) {
  const fields = { ...productFields(channel), ...('rank' in plan ? { rank: sql<string>`${plan.rank}::text`.as('rank') } : {}) };
  return ctx.db.db
    .select(fields)
    .from(products)
    .innerJoin(channelProducts, channelJoin(channel))
    .where(and(...conditions))
    .orderBy(...plan.orderBy)
    .limit(limit);
}
