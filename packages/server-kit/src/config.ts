import { z } from 'zod';
import { DEFAULT_CONTEXT_ISSUERS } from '@storegraph/schema';

/**
 * Configuration is read once at start-up and validated; a bad value stops the process with the
 * variable's name instead of surfacing later as an odd runtime error.
 */
export function loadConfig<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** Development default: only used when NODE_ENV is not production, so a forgotten secret fails there. */
export const DEV_CONTEXT_SECRET = 'storegraph-dev-context-secret-change-me-0123456789';

export const contextSecretsSchema = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v)
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    if (process.env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', message: 'STOREGRAPH_CONTEXT_SECRET is required in production' });
      return z.NEVER;
    }
    return [DEV_CONTEXT_SECRET];
  });

/** Services whose signed contexts subgraphs accept (comma-separated); the BFFs and the checkout by default. */
export const contextIssuersSchema = z
  .string()
  .optional()
  .transform((v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [...DEFAULT_CONTEXT_ISSUERS],
  );

export const portSchema = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const boolSchema = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

/**
 * One address, or a comma-separated list of one service's replicas (`http://a/graphql,http://b/graphql`),
 * every one a URL; `fallback` when unset.
 */
export const urlListSchema = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().url()).min(1));

/** An optional URL where an empty value means unset: a deployment's secret may carry the key with nothing in it. */
export const optionalUrlSchema = z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional());
