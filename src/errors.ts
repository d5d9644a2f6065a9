/**
 * Stable error ids with a Chinese message for people (English after it).
 * The CLI prints `message` on one line and exits non-zero; the HTTP layer answers
 * `{"error":{"id","message"}}` with `status` (API.md: 400 invalid input, 401 not logged in,
 * 403 role may not, 404 absent or outside jurisdiction, 409 stale version / illegal transition /
 * duplicate, 429 rate limited). Errors without a status are 400 when thrown for a request.
 */
export class ZhiliError extends Error {
  constructor(
    /** Stable machine id, e.g. `dataset.dir_missing`. */
    readonly id: string,
    /** One line: Chinese first, English after. */
    message: string,
    /** Optional details that are safe to show (never identity numbers). */
    readonly details?: Record<string, unknown>,
    /** HTTP status when this error answers a request. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ZhiliError';
  }
}

/** Build a ZhiliError whose message reads "中文说明 / English explanation". */
export function zerr(id: string, zh: string, en: string, details?: Record<string, unknown>): ZhiliError {
  return new ZhiliError(id, `${zh} / ${en}`, details);
}

/** An error that answers a request with `status` (message in Chinese, for the console). */
export function httpErr(status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503, id: string, zh: string, details?: Record<string, unknown>): ZhiliError {
  return new ZhiliError(id, zh, details, status);
}

/** 404 — absent or outside the caller's jurisdiction (existence never revealed). */
export const notFound = (what = '记录'): ZhiliError => httpErr(404, 'not_found', `${what}不存在`);
/** 403 — the caller's role may not do this. */
export const forbidden = (zh = '当前角色无权执行此操作'): ZhiliError => httpErr(403, 'forbidden', zh);
/** 409 — stale version. */
export const staleVersion = (): ZhiliError => httpErr(409, 'conflict.stale_version', '记录已被他人修改，请刷新后重试');
/** 400 — invalid input; the message names the field. */
export const invalid = (field: string, zh: string): ZhiliError => httpErr(400, 'invalid', `字段 ${field}：${zh}`, { field });
