/**
 * Calendar arithmetic in local (Asia/Shanghai) wall-clock time, done on UTC Date
 * fields so the host time zone never leaks into the output.
 *
 * `day` = days since 1970-01-01; `sec` = seconds since 1970-01-01 00:00 local time.
 */

const p2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Day number of a YYYY-MM-DD date. */
export function day(iso: string): number {
  return Math.round(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86400000);
}

const dateCache: string[] = [];
const CACHE_FROM = 18000; // 2019-04-14; the generator's calendar lies well inside the cache

/** YYYY-MM-DD of a day number. */
export function dateStr(d: number): string {
  const i = d - CACHE_FROM;
  if (i >= 0 && i < 4000) return (dateCache[i] ??= fmtDate(d));
  return fmtDate(d);
}

function fmtDate(d: number): string {
  const t = new Date(d * 86400000);
  return `${t.getUTCFullYear()}-${p2(t.getUTCMonth() + 1)}-${p2(t.getUTCDate())}`;
}

/** `YYYY-MM-DD HH:MM:SS` of a local second. */
export function tsStr(sec: number): string {
  const d = Math.floor(sec / 86400);
  const r = sec - d * 86400;
  const h = Math.floor(r / 3600);
  const m = Math.floor((r % 3600) / 60);
  const s = r % 60;
  return `${dateStr(d)} ${p2(h)}:${p2(m)}:${p2(s)}`;
}

/** ISO 8601 with the +08:00 offset of a local second. */
export function isoStr(sec: number): string {
  return tsStr(sec).replace(' ', 'T') + '+08:00';
}

/** Local second of the given day at h:m:s. */
export function at(d: number, h: number, m = 0, s = 0): number {
  return d * 86400 + h * 3600 + m * 60 + s;
}

/** Day of week, 0 = Sunday. */
export function weekday(d: number): number {
  return (d + 4) % 7;
}

/** Whole years between a birth date and a day (age on that day). */
export function ageOn(birth: string, d: number): number {
  const t = dateStr(d);
  let age = +t.slice(0, 4) - +birth.slice(0, 4);
  if (t.slice(5) < birth.slice(5)) age--;
  return age;
}
