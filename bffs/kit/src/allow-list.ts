import { createHash } from 'node:crypto';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';

export interface AllowedOperation {
  name: string;
  hash: string;
  query: string;
}

export function hashDocument(query: string): string {
  return createHash('sha256')
    .update(print(parse(query)))
    .digest('hex');
}

/** Splits an operations file into one document per named operation with the fragments it uses. */
export function loadAllowList(source: string): Map<string, AllowedOperation> {
  const doc = parse(source);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const allowed = new Map<string, AllowedOperation>();
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION || !d.name) continue;
    const used = new Set<string>();
    const collect = (node: DefinitionNode) =>
      visit(node, {
        FragmentSpread(spread) {
          if (used.has(spread.name.value)) return;
          used.add(spread.name.value);
          const f = fragments.get(spread.name.value);
          if (f) collect(f);
        },
      });
    collect(d);
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [d, ...[...used].map((n) => fragments.get(n)!).filter(Boolean)] };
    const query = print(single);
    const hash = createHash('sha256').update(query).digest('hex');
    allowed.set(hash, { name: d.name.value, hash, query });
  }
  return allowed;
}

/**
 * Depth of the deepest selection: ad-hoc queries (development only) are still bounded. Every selection set
 * is a level, an inline fragment's included, and a fragment spread counts as its inline equivalent would:
 * counted per definition, 50 levels split over a chain of fragments each one level deep passed as 2.
 */
export function selectionDepth(doc: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  // A fragment's depth does not depend on where it is spread: each is measured once, so a document that
  // spreads the same fragments again and again costs no more than its size.
  const measured = new Map<string, number>();
  const entered = new Set<string>();
  const setDepth = (set: SelectionSetNode): number => {
    let deepest = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) deepest = Math.max(deepest, sel.selectionSet ? setDepth(sel.selectionSet) : 0);
      else if (sel.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, setDepth(sel.selectionSet));
      else deepest = Math.max(deepest, fragmentDepth(sel.name.value));
    }
    return 1 + deepest;
  };
  const fragmentDepth = (name: string): number => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const f = fragments.get(name);
    // Unknown or cyclic spreads are the gateway's validation errors; here they only must not loop.
    if (!f || entered.has(name)) return 0;
    entered.add(name);
    const depth = setDepth(f.selectionSet);
    measured.set(name, depth);
    return depth;
  };
  let max = 0;
  for (const d of doc.definitions) if (d.kind === Kind.OPERATION_DEFINITION) max = Math.max(max, setDepth(d.selectionSet));
  return max;
}

/** Introspection only (what an IDE sends to learn the schema): its type-reference nesting is deep by design. */
export function isIntrospectionOnly(doc: DocumentNode): boolean {
  return doc.definitions.every(
    (d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ||
      (d.kind === Kind.OPERATION_DEFINITION && d.selectionSet.selections.every((sel) => sel.kind === Kind.FIELD && sel.name.value.startsWith('__'))),
  );
}
