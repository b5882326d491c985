import { valueFromASTUntyped, visit, type ArgumentNode, type DocumentNode } from 'graphql';
import { findInputViolation, type InputLimits, type InputViolation } from '@storegraph/schema';
import { refusal, type EdgeRefusal } from './edge-refusal.ts';

function toRefusal(v: InputViolation): EdgeRefusal {
  return refusal(400, 'BAD_USER_INPUT', v.message, { extensions: { argument: v.path, reason: v.reason } });
}

/** Schema's input rule over the variables, named from `$`: `$.input.idempotencyKey`. */
export function variablesRefusal(variables: Record<string, unknown> | null | undefined, limits?: Partial<InputLimits>): EdgeRefusal | null {
  const found = variables ? findInputViolation(variables, limits) : null;
  return found ? toRefusal(found) : null;
}

/**
 * The same rule over the values written into an ad-hoc document: its string literals reach the subgraphs
 * like variables do. Each argument is named by its field or directive (`product.slug`), each variable's
 * default by `$` (`$.slug`). Allow-listed documents are ours and skip this.
 */
export function literalsRefusal(doc: DocumentNode): EdgeRefusal | null {
  let found: InputViolation | null = null;
  const check = (owner: string, args: readonly ArgumentNode[] | undefined) => {
    for (const arg of args ?? []) {
      found ??= findInputViolation(valueFromASTUntyped(arg.value), {}, `${owner}.${arg.name.value}`);
    }
  };
  visit(doc, {
    Field: (node) => check(node.name.value, node.arguments),
    Directive: (node) => check(`@${node.name.value}`, node.arguments),
    VariableDefinition: (node) => {
      if (node.defaultValue) found ??= findInputViolation(valueFromASTUntyped(node.defaultValue), {}, `$.${node.variable.name.value}`);
    },
  });
  return found ? toRefusal(found) : null;
}
