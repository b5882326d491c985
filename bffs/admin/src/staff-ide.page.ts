import { createHash } from 'node:crypto';
import { allowListText, loadAllowList } from '@storegraph/bff-kit';
import { graphiqlPage } from '@storegraph/server-kit';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

let built: { html: string; csp: string } | undefined;

/**
 * GraphiQL for staff at GET /graphiql on the admin BFF, in production as in development: one self-contained
 * page (GraphiQL inlined by @graphql-yoga/render-graphiql, as the development IDE is), so it works offline and
 * asks nothing of any other origin. It opens on the allow-listed StaffSignIn; with the token from its answer in
 * the Headers tab, the docs explorer and completion load the schema (introspection the admin BFF answers for
 * staff from the committed supergraph, staff-schema.ts). What runs is the admin allow-list, as for any client:
 * a document that is not on it is refused with OPERATION_NOT_ALLOWED.
 */
export function staffIdePage(): { html: string; csp: string } {
  if (built) return built;
  const signIn = [...loadAllowList(allowListText('admin')).values()].find((op) => op.name === 'StaffSignIn')!.query;
  const intro = [
    '# Storegraph staff GraphiQL. Only the admin allow-list runs (bffs/admin/src/operations.graphql).',
    '# 1. In Variables: {"input": {"email": "you@example.com", "password": "..."}} and run StaffSignIn.',
    '# 2. In Headers: {"authorization": "Bearer <accessToken from the answer>", "x-channel": "web-eu"},',
    '#    then re-fetch the schema (the sidebar button): the docs explorer shows every staff operation.',
    '',
  ].join('\n');
  const html = graphiqlPage('Storegraph staff GraphiQL', { authorization: 'Bearer <accessToken>', 'x-channel': 'web-eu' }, `${intro}${signIn}`);
  // Every inline script by hash: the page's own and GraphiQL's; nothing from elsewhere.
  const scripts = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => sha256(m[1]!));
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.join(' ')}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data: blob:',
    'font-src data:',
    'worker-src blob:',
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  built = { html, csp };
  return built;
}
