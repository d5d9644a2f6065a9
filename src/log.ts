/**
 * The process logger (pino, JSON to stderr). Identity numbers, phones and bank accounts must
 * never reach a log: known field names are redacted, and message strings are scrubbed.
 * Level from ZHILI_LOG_LEVEL (default 'warn' so CLI output stays readable).
 */
import { env } from './config/env.ts';
import pino, { type DestinationStream, type Logger } from 'pino';
import { scrubText } from './privacy/mask.ts';

const SENSITIVE = ['id_number', 'phone', 'bank_account', 'payee_account', 'teacher_id_number', 'examiner_id_numbers'];

/** A logger writing to `dest` (default stderr) with redaction and message scrubbing. */
export function createLogger(dest?: DestinationStream, level: string = env().ZHILI_LOG_LEVEL): Logger {
  return pino(
    {
      level,
      redact: { paths: [...SENSITIVE, ...SENSITIVE.map((k) => `*.${k}`)], censor: '[masked]' },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
    },
    dest ?? pino.destination(2),
  );
}

export const log = createLogger();
