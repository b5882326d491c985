import type { Sql } from 'postgres';
import { SpanStatusCode, startClientSpan } from '@storegraph/server-kit';

/** Statement text on a span is capped: the SQL (with $n placeholders, never the values) names the query. */
const MAX_STATEMENT = 500;

/**
 * Traces the statements run through a postgres.js pool: a `pg <verb>` client span per executed query, under the
 * request's span (drizzle queries, tagged templates and `unsafe`, inside transactions too). Used only when
 * tracing is on (see openDatabase): off, the pool is the untouched postgres.js function.
 *
 * A postgres.js query is a lazy promise that runs when first awaited, so the span opens in its first `then`
 * (a fragment built with sql`...` and embedded in another query is never awaited and gets no span) and ends
 * when it settles.
 */
export function tracedSql<T extends Sql<any>>(sql: T, applicationName: string): T {
  const traceQuery = (query: any, text: string) => {
    if (!query || typeof query.then !== 'function') return query;
    const then = query.then;
    let span: ReturnType<typeof startClientSpan> | undefined;
    // biome-ignore lint/suspicious/noThenProperty: a postgres.js query is a thenable; its then is what runs it
    query.then = function (onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
      if (!span) {
        const statement = text.replace(/\s+/g, ' ').trim().slice(0, MAX_STATEMENT);
        span = startClientSpan(`pg ${statement.split(' ', 1)[0]!.toLowerCase()}`, {
          'db.system': 'postgresql',
          'db.statement': statement,
          'db.user': applicationName,
        });
        const s = span;
        then.call(
          this,
          () => s.end(),
          (err: unknown) => {
            s.setStatus({ code: SpanStatusCode.ERROR, message: (err as { code?: string }).code ?? 'error' });
            s.end();
          },
        );
      }
      return then.call(this, onFulfilled, onRejected);
    };
    return query;
  };
  const wrap = (target: any): any =>
    new Proxy(target, {
      apply(fn, thisArg, args) {
        const result = Reflect.apply(fn, thisArg, args);
        // A tagged template (sql`...`) is a query; sql(value) builds identifiers and lists, left alone.
        const strings = args[0];
        return Array.isArray(strings) && 'raw' in strings ? traceQuery(result, strings.map((s: string, i: number) => (i ? `$${i}${s}` : s)).join('')) : result;
      },
      get(fn, prop) {
        const value = Reflect.get(fn, prop);
        if (prop === 'unsafe') return (text: string, ...rest: unknown[]) => traceQuery(value.call(fn, text, ...rest), text);
        // A transaction's (and a savepoint's) own sql is traced the same way.
        if (prop === 'begin' || prop === 'savepoint')
          return (...args: any[]) => {
            const i = args.findIndex((a) => typeof a === 'function');
            if (i >= 0) {
              const body = args[i];
              args[i] = (tx: any) => body(wrap(tx));
            }
            return value.apply(fn, args);
          };
        return typeof value === 'function' ? value.bind(fn) : value;
      },
    });
  return wrap(sql) as T;
}
