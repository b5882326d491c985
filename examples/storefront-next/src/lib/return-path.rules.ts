import { marketOf } from './markets';

/**
 * Where `/api/session/refresh?next=...` may send the shopper back to: a page of one of this storefront's markets
 * on this origin, else `/`. The answer is a path the route sends as a relative `Location`, so the browser stays on
 * whatever origin it asked (behind a proxy the server itself only sees `localhost`). A prefix check on the raw
 * string is not enough: browsers and `new URL` read `/\evil.com` and `/<tab>/evil.com` as `//evil.com`, so the
 * path is resolved as the browser will resolve it (against a stand-in origin) and must stay on that origin.
 */
const STAND_IN = 'http://storefront.invalid';

export function safeReturnPath(asked: string | null): string {
  // Only a path: an absolute URL is refused even when it names the stand-in.
  if (!asked?.startsWith('/')) return '/';
  let url: URL;
  try {
    url = new URL(asked, STAND_IN);
  } catch {
    return '/';
  }
  if (url.origin !== STAND_IN) return '/';
  const slug = url.pathname.split('/')[1] ?? '';
  if (!marketOf(slug) || (url.pathname !== `/${slug}` && !url.pathname.startsWith(`/${slug}/`))) return '/';
  return url.pathname + url.search + url.hash;
}
