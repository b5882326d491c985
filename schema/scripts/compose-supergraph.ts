import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPHS } from '../src/subgraph-list.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Composition {
  supergraphSdl: string;
  errors: string[];
  hints: string[];
}

/** Every subgraph's committed SDL (its main file and any further files), as composition and codegen read them. */
export const subgraphServices = () =>
  SUBGRAPHS.map((s) => ({
    name: s.name,
    url: `http://127.0.0.1:${s.port}/graphql`,
    typeDefs: parse([s.sdl, ...('extraSdl' in s ? s.extraSdl : [])].map((f) => readFileSync(path.join(root, f), 'utf8')).join('\n')),
  }));

/** Composes the committed subgraph SDLs; URLs are placeholders, the gateway maps names to real URLs. */
export function composeSupergraph(): Composition {
  const result = composeServices(subgraphServices());
  return {
    supergraphSdl: result.errors ? '' : `${result.supergraphSdl.trimEnd()}\n`,
    errors: (result.errors ?? []).map((e) => e.message),
    hints: (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`),
  };
}
