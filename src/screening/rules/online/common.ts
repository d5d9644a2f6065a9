/**
 * Generic helpers of the online rules for turning bounded evidence rows into findings
 * (candidates for the shared rule kit; util.ts has the masking, refs and formatting ones).
 */
import type { Row } from '../../../store/db.ts';
import { MAX_EVIDENCE_ROWS, type RuleContext } from '../../types.ts';

/** Number of a row value (null → 0); util.ts's `num` formats for a sentence instead. */
export const numOf = (v: unknown): number => (v == null ? 0 : Number(v));

/** Text of a row value, null → '' (util.ts's `str` keeps null). */
export const text = (v: unknown): string => (v == null ? '' : String(v));

/** Clamp a score into [lo, 1], rounded to 3 decimals. */
export function clampScore(x: number, lo = 0.3): number {
  return Math.round(Math.min(1, Math.max(lo, x)) * 1000) / 1000;
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

/** Distinct non-null values of a column, in first-seen order. */
export function distinct(rows: Row[], col: string): string[] {
  return [...new Set(rows.map((r) => r[col]).filter((v) => v != null && v !== '').map(String))];
}

/** Evidence rows without the bookkeeping columns of `boundedRows`. */
export function cleanRows(rows: Row[]): Row[] {
  return rows.map((r) => {
    const { rn: _rn, n_rows: _n, ...rest } = r;
    return rest;
  });
}

/**
 * Run `inner` (rows with a `subject_id`) keeping at most MAX_EVIDENCE_ROWS rows per
 * subject, ordered by `order` (SQL over the inner columns); `n_rows` holds the subject's
 * full row count. Returns the rows grouped by subject, subjects in id order.
 */
export async function boundedRows(ctx: RuleContext, inner: string, order: string): Promise<Map<string, Row[]>> {
  const rows = await ctx.db.query(
    `SELECT * FROM (SELECT x.*, COUNT(*) OVER (PARTITION BY subject_id) AS n_rows,
       ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY ${order}) AS rn FROM (${inner}) x) y
     WHERE rn <= ${MAX_EVIDENCE_ROWS} ORDER BY subject_id, rn`,
  );
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r.subject_id);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}
