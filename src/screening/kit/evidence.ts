/**
 * Evidence helpers: compact rows, references to related subjects, grouping values.
 */
import type { Row } from '../../store/db.ts';
import { MAX_EVIDENCE_ROWS, type Ref, type RuleContext, type SubjectType } from '../types.ts';

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

/**
 * What is wrong with a finding's form (empty list when nothing): a region or institution
 * that is '' instead of null, a summary with blanks at either end, a dangling label (a word
 * followed by a blank and then punctuation or the end: '申报条件 '), empty brackets, or
 * 'null' / 'undefined' / 'NaN' printed into the sentence. Rule tests (kit/testkit.ts `run`)
 * and the recall test check every finding with it.
 */
export function findingProblems(f: { region_code: string | null; institution_id: string | null; summary: string; subject: { id: string } }): string[] {
  const out: string[] = [];
  if (f.region_code === '') out.push('region_code is "" (use null)');
  if (f.institution_id === '') out.push('institution_id is "" (use null)');
  if (!f.subject.id) out.push('empty subject id');
  const s = f.summary;
  if (!s) out.push('empty summary');
  else {
    if (s !== s.trim()) out.push(`summary has leading/trailing blanks: ${JSON.stringify(s)}`);
    if (/[\u4e00-\u9fff] +([，；。、）：,;)]|$)/.test(s)) out.push(`summary has a dangling label: ${JSON.stringify(s)}`);
    if (/（）|\(\)|“”/.test(s)) out.push(`summary has empty brackets: ${JSON.stringify(s)}`);
    if (/\b(null|undefined|NaN)\b/.test(s)) out.push(`summary prints null/undefined/NaN: ${JSON.stringify(s)}`);
  }
  return out;
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
