/**
 * Evidence helpers: compact rows, references to related subjects, grouping values.
 */
import type { Row } from '../../store/db.ts';
import type { Ref, SubjectType } from '../types.ts';

/** Pick the given keys of a row (for compact evidence). */
export function pick(row: Row, keys: string[]): Row {
  const out: Row = {};
  for (const k of keys) if (k in row) out[k] = row[k];
  return out;
}

/** Drop `subject_id` from evidence rows (it is the clue's subject already). */
export function evRows(rows: Row[]): Row[] {
  return rows.map(({ subject_id: _s, ...rest }) => rest);
}

/** Ref list without duplicates, in first-seen order; null ids skipped. */
export function refs(...groups: [type: SubjectType, ids: unknown[]][]): Ref[] {
  const out: Ref[] = [];
  const seen = new Set<string>();
  for (const [type, ids] of groups) {
    for (const id of ids) {
      if (id == null || id === '') continue;
      const k = `${type}\u0000${String(id)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ type, id: String(id) });
    }
  }
  return out;
}

/** Evidence rows without bookkeeping columns (subject_id, rn, items_n, n_rows, e_rn). */
export function cleanRows(rows: Row[]): Row[] {
  return rows.map((r) => {
    const { subject_id: _s, rn: _r, items_n: _i, n_rows: _n, ...rest } = r;
    return rest;
  });
}

/** The given keys of the first `n` rows (a bounded evidence sample). */
export function sample(rows: Row[], keys: string[], n = 20): Row[] {
  return rows.slice(0, n).map((e) => pick(e, keys));
}

/** Distinct non-null, non-empty values of a column, in first-seen order. */
export function distinct(rows: Row[], col: string): string[] {
  return [...new Set(rows.map((r) => r[col]).filter((v) => v != null && v !== '').map(String))];
}

/** The most frequent non-null value of `col` among rows (ties: first seen), or null. */
export function mostCommon(rows: Row[], col: string): string | null {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const v = r[col];
    if (v == null || v === '') continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestN = 0;
  for (const [k, n] of counts) if (n > bestN) (best = k), (bestN = n);
  return best;
}
