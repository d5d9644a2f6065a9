import { maskIdNumber } from '../../privacy/mask.ts';

/**
 * Small helpers shared by rule authors: masking personal identifiers for summaries,
 * formatting money and times for Chinese sentences, scoring, and SQL literals.
 */
import type { Row } from '../../store/db.ts';
import { MAX_EVIDENCE_ROWS, type CodeRule, type ParamDef, type RuleContext, type SqlRule } from '../types.ts';

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

export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Score for "value above threshold" (counts, amounts): 0.5 just past the threshold,
 * approaching 1 as value grows (2× threshold → 0.75). A threshold ≤ 0 yields 0.75.
 */
export function scoreAbove(value: number, threshold: number): number {
  if (!(threshold > 0)) return value > 0 ? 0.75 : 0.5;
  if (value <= threshold) return 0.5;
  return clamp01(Number((1 - (0.5 * threshold) / value).toFixed(4)));
}

/**
 * Score for "value below threshold" (rates, hours): 0.5 just below, 1 at zero,
 * linear in between.
 */
export function scoreBelow(value: number, threshold: number): number {
  if (!(threshold > 0)) return 0.5;
  if (value >= threshold) return 0.5;
  return clamp01(Number((0.5 + (0.5 * (threshold - Math.max(0, value))) / threshold).toFixed(4)));
}

/** Score for a yes/no violation that grows with how many times it happened: 1 → 0.6, 5+ → ~1. */
export function scoreCount(n: number, base = 0.6): number {
  const k = Math.max(1, Number(n) || 1);
  return clamp01(Number((1 - (1 - base) / Math.sqrt(k)).toFixed(4)));
}

/** A SQL string literal ('' escaped). */
export function sqlStr(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A numeric parameter as a SQL-safe number literal (throws on NaN so bad settings fail fast). */
export function p(ctx: RuleContext, name: string): number {
  const n = Number(ctx.params[name]);
  if (!Number.isFinite(n)) throw new Error(`规则参数 ${name} 不是数字: ${String(ctx.params[name])}`);
  return n;
}

/** Build a ParamDef tersely. */
export function param(name: string, def: number, description: string, min?: number, max?: number): ParamDef {
  return { name, default: def, description, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

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
export function refs(...groups: [type: import('../types.ts').SubjectType, ids: unknown[]][]): import('../types.ts').Ref[] {
  const out: import('../types.ts').Ref[] = [];
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

/** String or null from a row value. */
export const str = (v: unknown): string | null => (v == null ? null : String(v));

/**
 * SQL for "subsidised claim items": one row per (claim item) of a claim whose status is not
 * `rejected` (null status counts), with the claim's class. Columns: claim_id, id_number,
 * item_amount, class_id, institution_id, submitted_on, status.
 */
export const SUBSIDISED_ITEMS = `(SELECT ci.claim_id, ci.id_number, ci.amount AS item_amount, cl.class_id, cl.institution_id,
        cl.submitted_on, cl.status
   FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id
  WHERE cl.status IS NULL OR cl.status <> 'rejected')`;

/**
 * A rule evaluated in one SQL pass. Heavy rules (those reading attendance) would compute
 * their expensive aggregate twice as a `kind: 'sql'` rule (once for `detect`, again for
 * `evidence`); here one query returns, per subject, its facts plus zero or more evidence
 * rows: columns prefixed `e_` are evidence (prefix stripped), `e_rn` non-null marks a row
 * that carries evidence; every other column is the subject's facts (same on each of its
 * rows). `finding` is called like a SqlRule's. Order rows by subject, then e_rn.
 */
export interface OnePassDef extends Omit<SqlRule, 'kind' | 'detect' | 'evidence'> {
  query(ctx: RuleContext): string;
}

/** Build a CodeRule from a {@link OnePassDef}. */
export function onePass(def: OnePassDef): CodeRule {
  const { query, finding, ...meta } = def;
  return {
    ...meta,
    kind: 'code',
    async run(ctx) {
      const groups = new Map<string, { row: Row; ev: Row[] }>();
      for (const r of await ctx.db.query(query(ctx))) {
        const k = String(r.subject_id);
        let g = groups.get(k);
        if (!g) {
          const row: Row = {};
          for (const [key, v] of Object.entries(r)) if (!key.startsWith('e_')) row[key] = v;
          groups.set(k, (g = { row, ev: [] }));
        }
        if (r.e_rn != null && g.ev.length < MAX_EVIDENCE_ROWS) {
          const e: Row = { subject_id: r.subject_id };
          for (const [key, v] of Object.entries(r)) if (key.startsWith('e_') && key !== 'e_rn') e[key.slice(2)] = v;
          g.ev.push(e);
        }
      }
      return [...groups.values()].map((g) => finding(g.row, g.ev, ctx));
    },
  };
}
