/**
 * The process logger (pino, one JSON object per line). Identity numbers, phones and bank
 * accounts must never reach a log: known field names are redacted, and every string — the
 * message and any string inside the logged fields — is scrubbed (src/privacy/mask.ts).
 *
 * Level from ZHILI_LOG_LEVEL (default 'warn' so CLI output stays readable). Lines go to stderr,
 * or to ZHILI_LOG_FILE (appended; a new file is created with mode 0600). Writes are synchronous:
 * a CLI exits soon after its last line (process.exit, an uncaught error) and must not lose it.
 */
import { env } from './config/env.ts';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubText } from './privacy/mask.ts';

const SENSITIVE = ['id_number', 'phone', 'bank_account', 'payee_account', 'teacher_id_number', 'examiner_id_numbers'];

/** A copy of a logged value with every string scrubbed (objects and arrays to a bounded depth). */
function scrubValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return scrubText(v);
  if (v === null || typeof v !== 'object' || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
  if (v instanceof Error) return { type: v.name, message: scrubText(v.message), stack: v.stack ? scrubText(v.stack) : undefined };
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubValue(x, depth + 1);
  return out;
}

/** Where the process log goes: ZHILI_LOG_FILE if set, else stderr; both written synchronously. */
export function logDestination(file: string | undefined = env().ZHILI_LOG_FILE): DestinationStream {
  return file ? pino.destination({ dest: file, sync: true, append: true, mkdir: true, mode: 0o600 }) : pino.destination({ dest: 2, sync: true });
}

/** A logger writing to `dest` (default: logDestination()) with redaction and scrubbing. */
export function createLogger(dest?: DestinationStream, level: string = env().ZHILI_LOG_LEVEL): Logger {
  return pino(
    {
      level,
      redact: { paths: [...SENSITIVE, ...SENSITIVE.map((k) => `*.${k}`)], censor: '[masked]' },
      formatters: { log: (obj) => scrubValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    dest ?? logDestination(),
  );
}

export const log = createLogger();
