import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const read = (path: string) => readFileSync(path, 'utf8');
const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

let built: { html: string; csp: string } | undefined;

/**
 * The staff dashboard at GET /dashboard: one self-contained page (uPlot and the page's script and styles inlined,
 * as the GraphiQL page is), so it works offline and asks nothing of any other origin. It holds no data: after
 * the staff member signs in it reads `SalesReport` and `TopProducts` by name, so the roles and channels of the
 * signed context decide what it shows. The Content-Security-Policy allows exactly these two inline scripts
 * (by hash), inline styles, and requests to this origin.
 */
export function dashboardPage(): { html: string; csp: string } {
  if (built) return built;
  const uplot = read(require.resolve('uplot/dist/uPlot.iife.min.js'));
  const uplotCss = read(require.resolve('uplot/dist/uPlot.min.css'));
  const script = read(new URL('./dashboard.client.js', import.meta.url).pathname);
  const css = read(new URL('./dashboard.css', import.meta.url).pathname);
  const body = read(new URL('./dashboard.html', import.meta.url).pathname);
  const html = body
    .replace('<!--styles-->', () => `<style>${uplotCss}\n${css}</style>`)
    .replace('<!--scripts-->', () => `<script>${uplot}</script><script>${script}</script>`);
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(uplot)} ${sha256(script)}`,
    "style-src 'unsafe-inline'",
    "connect-src 'self'",
    'img-src data: blob:',
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  built = { html, csp };
  return built;
}
