import { marketOf } from './markets';

/**
 * Where `/api/session/refresh?next=...` may send the shopper back to: a page of one of this storefront's markets
 * on this origin, else `/`. A prefix check on the raw string is not enough: browsers and `new URL` read `/\evil.com`
 * and `/<tab>/evil.com` as `//evil.com`, so the path is resolved as the redirect will be and then checked.
 */
export function safeReturnPath(asked: string | null, origin: string): string {
  if (!asked) return '/';
  let url: URL;
  try {
    url = new URL(asked, origin);
  } catch {
    return '/';
  }
  if (url.origin !== new URL(origin).origin) return '/';
  const slug = url.pathname.split('/')[1] ?? '';
  if (!marketOf(slug) || (url.pathname !== `/${slug}` && !url.pathname.startsWith(`/${slug}/`))) return '/';
  return url.pathname + url.search + url.hash;
}
