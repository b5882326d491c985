import { createHash } from 'node:crypto';
import { Kind, print, visit, type DocumentNode, type FieldNode, type SelectionSetNode } from 'graphql';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * The document with every `__typename` removed and its definitions in one order (operations, then
 * fragments by name), printed: two documents with the same normal form ask for the same data, whatever
 * whitespace, fragment order or `__typename` fields a client's cache added (Apollo's InMemoryCache adds
 * one to every selection set; urql's cache does too). `__typename` costs no resolver, so it is free to allow.
 */
export function normalFormHash(doc: DocumentNode): string {
  const stripped = visit(doc, {
    Field: (node) => (node.name.value === '__typename' && !node.alias ? null : undefined),
  });
  const definitions = [...stripped.definitions].sort((a, b) => rank(a) - rank(b) || nameOf(a).localeCompare(nameOf(b)));
  return sha256(print({ ...stripped, definitions }));
}

const rank = (d: DocumentNode['definitions'][number]) => (d.kind === Kind.OPERATION_DEFINITION ? 0 : 1);
const nameOf = (d: DocumentNode['definitions'][number]) => ('name' in d && d.name ? d.name.value : '');

/**
 * The document as Apollo Client sends it with its default cache (addTypenameToDocument): `__typename`
 * appended to every selection set but an operation's root and those already selecting it. Its hash is
 * what Apollo's persisted-queries link sends first, so the allow-list can answer that hash directly.
 */
export function withTypenames(doc: DocumentNode): DocumentNode {
  return visit(doc, {
    SelectionSet: {
      enter(node: SelectionSetNode, _key, parent) {
        if (parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION) return undefined;
        const has = node.selections.some((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
        return has ? undefined : { ...node, selections: [...node.selections, TYPENAME] };
      },
    },
  });
}

export const documentHash = (doc: DocumentNode) => sha256(print(doc));
