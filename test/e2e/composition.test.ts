import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/scripts/compose-supergraph.ts';

describe('supergraph composition', () => {
  it('composes without errors or hints and matches the committed schema/supergraph.graphql', () => {
    const result = composeSupergraph();
    expect(result.errors).toEqual([]);
    expect(result.hints).toEqual([]);
    expect(readFileSync('schema/supergraph.graphql', 'utf8'), 'stale supergraph: run pnpm compose').toBe(result.supergraphSdl);
  });
});
