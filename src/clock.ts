/**
 * The one clock. Every "now" in zhili — deadlines, overdue states, ages, "future" dates,
 * timestamps written to the store — comes from here, so tests and demos can move time.
 *
 * `ZHILI_NOW` (an ISO 8601 instant, e.g. `2023-10-01T09:00:00+08:00`) freezes the clock at
 * that instant for the whole process. In-process tests use `setClock()` to set or advance it.
 * The store keeps local Asia/Shanghai wall-clock times (UTC+8, no daylight saving).
 */
import { env } from './config/env.ts';

const CST_MS = 8 * 3600_000;
let override: number | null | undefined; // undefined: not decided yet; null: real time

function fixedFromEnv(): number | null {
  const v = env().ZHILI_NOW;
  return v ? v.getTime() : null;
}

/** Milliseconds since the epoch, honouring ZHILI_NOW and setClock(). */
export function nowMs(): number {
  if (override === undefined) override = fixedFromEnv();
  return override ?? Date.now();
}

/** The current instant. */
export function now(): Date {
  return new Date(nowMs());
}

/**
 * Set the clock (tests): an instant or ISO text freezes it there; `null` returns to real time
 * (still honouring ZHILI_NOW when it is set); a number of ms is added to the current reading.
 */
export function setClock(to: Date | string | null | { advanceMs: number }): void {
  if (to === null) override = fixedFromEnv();
  else if (typeof to === 'string') override = parseInstant(to).getTime();
  else if (to instanceof Date) override = to.getTime();
  else override = nowMs() + to.advanceMs;
}

/** Parse an ISO 8601 instant; text without an offset is read as Asia/Shanghai local time. */
export function parseInstant(text: string): Date {
  const t = text.trim();
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(t);
  const iso = t.includes('T') || t.length <= 10 ? t : t.replace(' ', 'T');
  const d = new Date(hasOffset ? iso : `${iso.length === 10 ? `${iso}T00:00:00` : iso}+08:00`);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not an ISO 8601 time: ${text}`);
  return d;
}

/** Local (Asia/Shanghai) wall-clock text 'YYYY-MM-DD HH:MM:SS' of an instant (default: now). */
export function localTimestamp(d: Date = now()): string {
  return new Date(d.getTime() + CST_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Local (Asia/Shanghai) date 'YYYY-MM-DD' of an instant (default: now). */
export function localDate(d: Date = now()): string {
  return new Date(d.getTime() + CST_MS).toISOString().slice(0, 10);
}

/** ISO 8601 with the +08:00 offset, e.g. '2023-10-01T09:00:00+08:00' (API timestamps). */
export function isoOffset(d: Date = now()): string {
  return `${localTimestamp(d).replace(' ', 'T')}+08:00`;
}

/** A stored local timestamp ('YYYY-MM-DD HH:MM:SS' or a Date read back from it) as ISO with +08:00. */
export function storedToIso(v: string | Date | null | undefined): string | null {
  if (v == null) return null;
  if (v instanceof Date) return isoOffset(v);
  const s = String(v);
  return s.length <= 10 ? s : `${s.slice(0, 19).replace(' ', 'T')}+08:00`;
}

/** Add whole days to a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Whole days from date `a` to date `b` ('YYYY-MM-DD'): b − a. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}
