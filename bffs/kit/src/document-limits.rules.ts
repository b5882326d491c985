import { Kind, type ArgumentNode, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { EdgeCodes, refusal, type EdgeRefusal } from './edge-refusal.ts';
import { isIntrospectionOnly, selectionDepth } from './allow-list.ts';

/**
 * Bounds on ad-hoc documents (allow-listed ones were reviewed when they were listed). Our own rules, not
 * graphql-armor's: armor's cost and alias rules are graphql-js validation rules that need the schema,
 * and a BFF holds none (the gateway validates); these read the document alone, in one pass each.
 */
export const LIMITS = {
  /** Our deepest operation is 8 levels. */
  depth: 12,
  /**
   * Introspection nests type references by design: graphql's getIntrospectionQuery(), which GraphiQL
   * sends, is 18 levels deep (with every option on); 20 lets it pass and refuses a 50-level probe.
   */
  introspectionDepth: 20,
  /** No listed operation uses an alias; 30 leaves room for a hand-written dashboard query. */
  aliases: 30,
  /**
   * Fields the document can make the servers resolve, each field times the page sizes above it: the
   * costliest listed operation, ProductSearch at its largest page (100), is 4,901; ProductListing 2,901;
   * GraphiQL's introspection 227. Twice the costliest leaves room for ad-hoc work in development.
   */
  cost: 10_000,
} as const;

/** Arguments that say how many items a list field returns. */
const SIZE_ARGUMENTS = new Set(['first', 'last', 'limit', 'ids', 'variantIds', 'skus']);

function listSize(args: readonly ArgumentNode[] | undefined, variables: Record<string, unknown>): number {
  let size = 1;
  for (const a of args ?? []) {
    if (!SIZE_ARGUMENTS.has(a.name.value)) continue;
    const v = a.value;
    const value =
      v.kind === Kind.INT ? Number(v.value) : v.kind === Kind.LIST ? v.values.length : v.kind === Kind.VARIABLE ? variables[v.name.value] : undefined;
    const n = Array.isArray(value) ? value.length : typeof value === 'number' && Number.isFinite(value) ? value : 0;
    size = Math.max(size, n);
  }
  return size;
}

/**
 * A document's cost: every field counts 1, and what is selected under a list field counts once per item
 * it may return (its first/last/limit, or the length of its id list). A fragment's cost does not depend
 * on where it is spread, so each is measured once.
 */
export function documentCost(doc: DocumentNode, variables: Record<string, unknown> = {}): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const measured = new Map<string, number>();
  const entered = new Set<string>();
  const setCost = (set: SelectionSetNode): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) cost += fieldCost(sel);
      else if (sel.kind === Kind.INLINE_FRAGMENT) cost += setCost(sel.selectionSet);
      else cost += fragmentCost(sel.name.value);
    }
    return cost;
  };
  const fieldCost = (field: FieldNode): number => 1 + (field.selectionSet ? listSize(field.arguments, variables) * setCost(field.selectionSet) : 0);
  const fragmentCost = (name: string): number => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const f = fragments.get(name);
    if (!f || entered.has(name)) return 0;
    entered.add(name);
    const cost = setCost(f.selectionSet);
    measured.set(name, cost);
    return cost;
  };
  let max = 0;
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) max = Math.max(max, setCost(d.selectionSet));
  return max;
}

/** Aliased fields anywhere in the document: aliases let one request ask the same expensive field many times. */
export function aliasCount(doc: DocumentNode): number {
  let count = 0;
  const walk = (set: SelectionSetNode) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD && sel.alias) count++;
      if (sel.kind !== Kind.FRAGMENT_SPREAD && sel.selectionSet) walk(sel.selectionSet);
    }
  };
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION) walk(d.selectionSet);
  return count;
}

const tooComplex = (limit: string, max: number, message: string) => refusal(400, EdgeCodes.QUERY_TOO_COMPLEX, message, { extensions: { limit, max } });

/** The first limit an ad-hoc document is over, or null. */
export function documentLimitRefusal(doc: DocumentNode, variables: Record<string, unknown> | null | undefined): EdgeRefusal | null {
  const depthCap = isIntrospectionOnly(doc) ? LIMITS.introspectionDepth : LIMITS.depth;
  if (selectionDepth(doc) > depthCap) return tooComplex('depth', depthCap, `query deeper than ${depthCap} levels`);
  const aliases = aliasCount(doc);
  if (aliases > LIMITS.aliases) return tooComplex('aliases', LIMITS.aliases, `${aliases} aliases; at most ${LIMITS.aliases}`);
  const cost = documentCost(doc, variables ?? {});
  if (cost > LIMITS.cost) return tooComplex('cost', LIMITS.cost, `query cost ${cost} is over ${LIMITS.cost}`);
  return null;
}
