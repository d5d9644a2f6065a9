/**
 * Every environment variable zhili reads, validated once (zod) and documented in the README.
 * Read through `env()`; nothing else in src/ touches process.env (tests may call resetEnv()).
 * An invalid value is a one-line ZhiliError naming the variable, before anything runs
 * (src/cli/main.ts calls env() first).
 *
 * zod/mini rather than classic zod: this schema is checked on every CLI start, and bundled
 * zod/mini costs ~7 ms of CPU where classic zod costs ~150 ms (its whole API and locales load).
 * zod/mini has no built-in messages, so every check names its own (中文 / English).
 */
import * as z from 'zod/mini';
import { zerr } from '../errors.ts';

const flag = z.pipe(
  z.optional(z.string()),
  z.transform((v) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'),
);

const instant = z.pipe(
  z.optional(z.string()),
  z.transform((v, ctx) => {
    if (!v) return undefined;
    const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(v.trim());
    const d = new Date(hasOffset ? v.trim() : `${v.trim().replace(' ', 'T')}+08:00`);
    if (Number.isNaN(d.getTime())) {
      ctx.issues.push({ code: 'custom', input: v, message: '不是 ISO 8601 时间（如 2023-10-01T09:00:00+08:00） / not an ISO 8601 time' });
      return z.NEVER;
    }
    return d;
  }),
);

/** An optional string where '' counts as unset. */
const optionalString = (...checks: z.core.$ZodCheck<string>[]) =>
  z.pipe(
    z.transform((v: unknown) => (v === '' ? undefined : v)),
    z.optional(z.string().check(...checks)),
  );

/** A positive whole number given as text, with a default. */
const positiveInt = (def: number) =>
  z.pipe(
    z.optional(z.string()),
    z.transform((v, ctx) => {
      if (v === undefined || v === '') return def;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0) {
        ctx.issues.push({ code: 'custom', input: v, message: '须为正整数 / must be a positive whole number' });
        return z.NEVER;
      }
      return n;
    }),
  );

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const envSchema = z.object({
  /** PostgreSQL URL; used when no --db is given. */
  DATABASE_URL: optionalString(z.regex(/^postgres(ql)?:\/\//, '须以 postgres:// 开头 / must start with postgres://')),
  /** DuckDB memory limit (beyond it sorts and joins spill to disk). */
  ZHILI_DUCKDB_MEMORY: z._default(
    z.string().check(z.regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, '如 9GB / e.g. 9GB')),
    '9GB',
  ),
  /** pino log level. */
  ZHILI_LOG_LEVEL: z._default(z.enum(LEVELS, { error: `须为 ${LEVELS.join('、')} 之一 / must be one of ${LEVELS.join(', ')}` }), 'warn'),
  /** Write the log (JSON lines) to this file, appended, created with mode 0600, instead of stderr. */
  ZHILI_LOG_FILE: optionalString(),
  /** Print stack traces of internal errors. */
  ZHILI_DEBUG: flag,
  /** Freeze the clock at this instant (tests, demos). */
  ZHILI_NOW: instant,
  /** Print per-step import timings to stderr. */
  ZHILI_IMPORT_TRACE: flag,
  /** Disable colour in terminal output (https://no-color.org). */
  NO_COLOR: flag,
  /** PostgreSQL server the tests create throw-away databases on. */
  PG_TEST_URL: z._default(z.string(), 'postgres://postgres@127.0.0.1:5432/postgres'),
  /** PostgreSQL database of the screening benchmark. */
  BENCH_PG_URL: z._default(z.string(), 'postgres://postgres@127.0.0.1:5432/zhili_bench'),
  /** Seconds between the server's periodic deadline checks (also run once at start). */
  ZHILI_SCHEDULER_INTERVAL_S: positiveInt(60),
  /** Trust x-forwarded-* headers from a reverse proxy (client address, HTTPS for the Secure cookie flag). */
  ZHILI_TRUST_PROXY: flag,
  /** Failed logins per username within a minute before further attempts answer 429. */
  ZHILI_LOGIN_USER_LIMIT: positiveInt(5),
  /** Failed logins per client address within a minute before further attempts answer 429. */
  ZHILI_LOGIN_ADDR_LIMIT: positiveInt(20),
  /** Public certificate verifications per client address within a minute before 429; 0 turns the limit off (benchmarks). */
  ZHILI_VERIFY_RATE_LIMIT: z.pipe(
    z.optional(z.string()),
    z.transform((v, ctx) => {
      if (v === undefined || v === '') return 30;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) {
        ctx.issues.push({ code: 'custom', input: v, message: '须为非负整数 / must be a non-negative whole number' });
        return z.NEVER;
      }
      return n;
    }),
  ),
  /** Path of the certificate-credential signing key file (made at first use, mode 0600); default: beside the DuckDB file, or the store's signing_keys table. */
  ZHILI_SIGNING_KEY: optionalString(),
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
    // Our messages read "中文 / English"; the two halves go to the two halves of the error.
    const [zh, en = zh] = issue.message.split(' / ');
    throw zerr('config.env_invalid', `环境变量 ${name} 无效：${zh}`, `invalid environment variable ${name}: ${en}`);
  }
  return r.data;
}

/** Forget the cached environment (tests that change process.env). */
export function resetEnv(): void {
  cached = undefined;
}
