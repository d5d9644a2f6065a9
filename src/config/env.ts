/**
 * Every environment variable zhili reads, validated once (zod) and documented in the README.
 * Read through `env()`; nothing else in src/ touches process.env (tests may call resetEnv()).
 * An invalid value is a one-line ZhiliError naming the variable, before anything runs.
 */
import { z } from 'zod';
import { zerr } from '../errors.ts';

const flag = z
  .string()
  .optional()
  .transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false');

const instant = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(v.trim());
    const d = new Date(hasOffset ? v.trim() : `${v.trim().replace(' ', 'T')}+08:00`);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: 'custom', message: '不是 ISO 8601 时间（如 2023-10-01T09:00:00+08:00） / not an ISO 8601 time' });
      return z.NEVER;
    }
    return d;
  });

const emptyToUndef = (s: z.ZodString) => z.preprocess((v) => (v === '' ? undefined : v), s.optional());

export const envSchema = z.object({
  /** PostgreSQL URL; used when no --db is given. */
  DATABASE_URL: emptyToUndef(z.string().regex(/^postgres(ql)?:\/\//, '须以 postgres:// 开头 / must start with postgres://')),
  /** DuckDB memory limit (beyond it sorts and joins spill to disk). */
  ZHILI_DUCKDB_MEMORY: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, '如 9GB / e.g. 9GB').default('9GB'),
  /** pino log level. */
  ZHILI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  /** Print stack traces of internal errors. */
  ZHILI_DEBUG: flag,
  /** Freeze the clock at this instant (tests, demos). */
  ZHILI_NOW: instant,
  /** Print per-step import timings to stderr. */
  ZHILI_IMPORT_TRACE: flag,
  /** Disable colour in terminal output (https://no-color.org). */
  NO_COLOR: flag,
  /** PostgreSQL server the tests create throw-away databases on. */
  PG_TEST_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
  /** PostgreSQL database of the screening benchmark. */
  BENCH_PG_URL: z.string().default('postgres://postgres@127.0.0.1:5432/zhili_bench'),
  /** Seconds between the server's periodic deadline checks (also run once at start). */
  ZHILI_SCHEDULER_INTERVAL_S: z.coerce.number().int().positive().default(60),
  /** Trust x-forwarded-* headers from a reverse proxy (client address, HTTPS for the Secure cookie flag). */
  ZHILI_TRUST_PROXY: flag,
  /** Failed logins per username within a minute before further attempts answer 429. */
  ZHILI_LOGIN_USER_LIMIT: z.coerce.number().int().positive().default(5),
  /** Failed logins per client address within a minute before further attempts answer 429. */
  ZHILI_LOGIN_ADDR_LIMIT: z.coerce.number().int().positive().default(20),
  /** Set by CI: tests must not skip silently. */
  CI: flag,
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** The validated environment, read once. */
export function env(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

/** Validate an environment (exported for tests). */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const r = envSchema.safeParse(source);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw zerr('config.env_invalid', `环境变量 ${name} 无效：${issue.message}`, `invalid environment variable ${name}`);
  }
  return r.data;
}

/** Forget the cached environment (tests that change process.env). */
export function resetEnv(): void {
  cached = undefined;
}
