/**
 * A subgraph's Cache-Control header as the cache hint the gateway folds into the overall policy, the way
 * Apollo's RemoteGraphQLDataSource reads it: no max-age means 0 (not cacheable); `private` or `public`
 * sets the scope.
 */
export function cacheHintOf(header: string | null): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  if (!header) return hint;
  for (const part of header.split(',')) {
    const [name, value] = part.trim().toLowerCase().split('=');
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}
