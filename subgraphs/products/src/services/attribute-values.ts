/** Pure validation of attribute values against their definitions; shared by single writes and bulk rows. */

export type AttributeType = 'TEXT' | 'NUMBER' | 'BOOLEAN' | 'ENUM';
export interface AttributeDefinitionRow {
  code: string;
  name: string;
  type: AttributeType;
  allowedValues: string[];
  filterable: boolean;
}
export interface CanonicalValue {
  code: string;
  value: string;
  numberValue: number | null;
}
export type ValueCheck = { ok: true; value: CanonicalValue } | { ok: false; code: 'UNKNOWN_ATTRIBUTE' | 'INVALID_ATTRIBUTE_VALUE'; message: string };

const MAX_TEXT = 500;

/** The canonical text form makes equality filters and facets exact: "1e3" and "1000" are one value. */
export function canonicalAttributeValue(def: AttributeDefinitionRow | undefined, code: string, raw: string): ValueCheck {
  if (!def) return { ok: false, code: 'UNKNOWN_ATTRIBUTE', message: `no attribute ${code} is defined` };
  const text = raw.trim();
  const invalid = (why: string): ValueCheck => ({ ok: false, code: 'INVALID_ATTRIBUTE_VALUE', message: `${code}: ${why}` });
  switch (def.type) {
    case 'NUMBER': {
      const n = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) return invalid(`"${raw}" is not a number`);
      return { ok: true, value: { code, value: String(n), numberValue: n } };
    }
    case 'BOOLEAN': {
      const b = text.toLowerCase();
      if (b !== 'true' && b !== 'false') return invalid(`"${raw}" is not true or false`);
      return { ok: true, value: { code, value: b, numberValue: null } };
    }
    case 'ENUM':
      if (!def.allowedValues.includes(text)) return invalid(`"${raw}" is not one of ${def.allowedValues.join(', ')}`);
      return { ok: true, value: { code, value: text, numberValue: null } };
    case 'TEXT':
      if (text === '' || text.length > MAX_TEXT) return invalid(`text must be 1 to ${MAX_TEXT} characters`);
      return { ok: true, value: { code, value: text, numberValue: null } };
  }
}
