/**
 * The one rule for what a client may send as input (GraphQL variables, or the literals of a document):
 * the BFFs apply it at the edge and the subgraphs to what reaches them, so both refuse the same thing.
 * PostgreSQL refuses a NUL in text (the request died as INTERNAL_SERVER_ERROR), a lone UTF-16 surrogate
 * has no UTF-8 encoding (it was stored as U+FFFD, so a retry with the same idempotency key no longer
 * matched), and invisible control characters let two SKUs or keys that print the same differ.
 */

export interface InputLimits {
  /** UTF-16 code units per string (and per object key). */
  maxStringLength: number;
  /** Objects and lists inside one another; the value handed in (e.g. the variables object) is level 1. */
  maxDepth: number;
  /** Every value counted once (strings, numbers, objects, lists, their keys); caps the work one request costs. */
  maxValues: number;
}

/**
 * The storefront inputs need far less: a 1,000-line reservation is about 3,000 values 4 levels deep; an
 * address or search text is a few hundred characters.
 */
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxStringLength: 10_000, maxDepth: 10, maxValues: 10_000 };

export type InputViolationReason = 'CONTROL_CHARACTER' | 'ILL_FORMED_UNICODE' | 'STRING_TOO_LONG' | 'TOO_DEEP' | 'TOO_MANY_VALUES';

export interface InputViolation {
  /** Where, as a JSON path from the value handed in: `$.input.lines[0].variantId`. */
  path: string;
  reason: InputViolationReason;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return `${path}.${key}`;
  // JSON.stringify escapes control characters and lone surrogates, so the path itself is always printable.
  return `${path}[${JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key)}]`;
}

/**
 * C0 controls except tab, line feed and carriage return (free text such as an address may carry them),
 * DEL, and the C1 controls U+0080–U+009F; and any surrogate that is not half of a pair.
 */
function stringReason(s: string, limits: InputLimits): [InputViolationReason, string] | null {
  if (s.length > limits.maxStringLength) return ['STRING_TOO_LONG', `longer than ${limits.maxStringLength} characters`];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) {
      return ['CONTROL_CHARACTER', `contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`];
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      return ['ILL_FORMED_UNICODE', 'is not valid Unicode (a lone surrogate)'];
    }
    if (c >= 0xdc00 && c <= 0xdfff) return ['ILL_FORMED_UNICODE', 'is not valid Unicode (a lone surrogate)'];
  }
  return null;
}

/**
 * The first place `value` breaks the input rule, or null. Walks objects and arrays; numbers, booleans and
 * null are left to GraphQL's own coercion. `root` names the value in the path (`$` by default).
 */
export function findInputViolation(value: unknown, limits: Partial<InputLimits> = {}, root = '$'): InputViolation | null {
  const max: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...limits };
  let values = 0;
  const violation = (path: string, [reason, what]: [InputViolationReason, string]): InputViolation => ({ path, reason, message: `${path} ${what}` });

  function walk(v: unknown, path: string, depth: number): InputViolation | null {
    values += 1;
    if (values > max.maxValues) return violation(path, ['TOO_MANY_VALUES', `takes the input past ${max.maxValues} values`]);
    if (typeof v === 'string') {
      const bad = stringReason(v, max);
      return bad ? violation(path, bad) : null;
    }
    if (typeof v !== 'object' || v === null) return null;
    if (depth + 1 > max.maxDepth) return violation(path, ['TOO_DEEP', `nests objects or lists deeper than ${max.maxDepth} levels`]);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const found = walk(v[i], childPath(path, i), depth + 1);
        if (found) return found;
      }
      return null;
    }
    for (const [key, child] of Object.entries(v)) {
      const at = childPath(path, key);
      values += 1;
      const badKey = values > max.maxValues ? (['TOO_MANY_VALUES', `takes the input past ${max.maxValues} values`] as const) : stringReason(key, max);
      if (badKey) return violation(at, [badKey[0], `(the key) ${badKey[1]}`]);
      const found = walk(child, at, depth + 1);
      if (found) return found;
    }
    return null;
  }

  return walk(value, root, 0);
}
