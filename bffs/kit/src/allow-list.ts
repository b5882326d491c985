import { createHash } from 'node:crypto';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';

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

/** Depth of the deepest selection: ad-hoc queries (development only) are still bounded. */
export function selectionDepth(doc: DocumentNode): number {
  let depth = 0;
  let max = 0;
  visit(doc, {
    SelectionSet: {
      enter() {
        depth += 1;
        max = Math.max(max, depth);
      },
      leave() {
        depth -= 1;
      },
    },
  });
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
