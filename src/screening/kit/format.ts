/**
 * Formatting for summaries (Chinese sentences): masking personal identifiers, money,
 * percentages, times, id lists, and reading row values. Summaries never carry a full
 * identity number, phone or bank account.
 */
import { maskIdNumber } from '../../privacy/mask.ts';

/**
 * Mask an identity number for a summary: keep the 6-digit region prefix and the last 4
 * characters (`110101********1234`). Short or empty strings are masked completely, so a
 * malformed number never leaks.
 */
export function maskId(id: unknown): string {
  const s = id == null ? '' : String(id);
  // Short or missing values still show a fixed-width mask, so summaries never reveal a length.
  return s.length < 11 ? '*'.repeat(Math.max(s.length, 4)) : maskIdNumber(s);
}

/** Mask a phone number or bank account: keep the first 3 and last 4 characters. */
export function maskContact(v: unknown): string {
  const s = v == null ? '' : String(v);
  if (s.length < 8) return '*'.repeat(Math.max(s.length, 4));
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** Format integer fen as yuan with thousands separators and 2 decimals: 120050 → '1,200.50元'. */
export function yuan(fen: unknown): string {
  const n = Number(fen);
  if (!Number.isFinite(n)) return '—元';
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(Math.round(n));
  const int = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${int}.${String(abs % 100).padStart(2, '0')}元`;
}

/** A percentage for a sentence: 0.2567 → '25.7%'. */
export function pct(ratio: unknown): string {
  const n = Number(ratio);
  return Number.isFinite(n) ? `${(Math.round(n * 1000) / 10).toString()}%` : '—';
}

/** Round to `digits` decimals (for hours, km) and print without trailing zeros. */
export function num(v: unknown, digits = 1): string {
  const n = Number(v);
  if (!Number.isFinite(n)) return '—';
  const f = 10 ** digits;
  return String(Math.round(n * f) / f);
}

/** 'YYYY-MM-DD HH:MM:SS[.f]' → 'YYYY-MM-DD HH:MM' (minutes are enough in a sentence). */
export function minute(ts: unknown): string {
  return ts == null ? '' : String(ts).slice(0, 16);
}

/** 'YYYY-MM-DD HH:MM:SS' → 'HH:MM'. */
export function clock(ts: unknown): string {
  return ts == null ? '' : String(ts).slice(11, 16);
}

/** A time range for a sentence: same day → '2023-08-02 09:00–11:00', else both full. */
export function timeRange(from: unknown, to: unknown): string {
  const a = String(from ?? '');
  const b = String(to ?? '');
  return a.slice(0, 10) === b.slice(0, 10) ? `${minute(a)}–${clock(b)}` : `${minute(a)}–${minute(b)}`;
}

/** Join ids for a sentence, at most `max` of them, then '等N个'. */
export function listIds(ids: unknown[], max = 3): string {
  const uniq = [...new Set(ids.filter((x) => x != null).map(String))];
  if (uniq.length <= max) return uniq.join('、');
  return `${uniq.slice(0, max).join('、')}等${uniq.length}个`;
}

/**
 * A row value as text, null-preserving: null/undefined → null, anything else → String(v).
 * The one `str` of the kit (a null region or institution stays null, never '').
 */
export const str = (v: unknown): string | null => (v == null ? null : String(v));

/** A row value as text for a sentence: null/undefined → '' (use where a blank is meant). */
export const text = (v: unknown): string => (v == null ? '' : String(v));

/** A row value as a number: null/undefined → 0 (counts that SQL leaves null when empty). */
export const toNumber = (v: unknown): number => (v == null ? 0 : Number(v));
