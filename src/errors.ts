/**
 * Stable error ids with a Chinese message for people (English after it).
 * The CLI prints `message` on one line and exits non-zero; the HTTP layer maps `id` to a status.
 */
export class ZhiliError extends Error {
  constructor(
    /** Stable machine id, e.g. `dataset.dir_missing`. */
    readonly id: string,
    /** One line: Chinese first, English after. */
    message: string,
    /** Optional details that are safe to show (never identity numbers). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ZhiliError';
  }
}

/** Build a ZhiliError whose message reads "中文说明 / English explanation". */
export function zerr(id: string, zh: string, en: string, details?: Record<string, unknown>): ZhiliError {
  return new ZhiliError(id, `${zh} / ${en}`, details);
}
