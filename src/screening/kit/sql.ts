/**
 * SQL fragments shared by rules: literals, numeric parameters, the subsidised claim items,
 * and "first row per subject" wrappers. All run on both engines (DuckDB, PostgreSQL).
 */
import type { ParamDef, RuleContext } from '../types.ts';

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

/**
 * SQL for "subsidised claim items": one row per (claim item) of a claim whose status is not
 * `rejected` (null status counts), with the claim's class. Columns: claim_id, id_number,
 * item_amount, class_id, institution_id, submitted_on, status.
 */
export const SUBSIDISED_ITEMS = `(SELECT ci.claim_id, ci.id_number, ci.amount AS item_amount, cl.class_id, cl.institution_id,
        cl.submitted_on, cl.status
   FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id
  WHERE cl.status IS NULL OR cl.status <> 'rejected')`;

/** SQL condition: the claim aliased `cl` is not rejected (a null status counts). */
export const NOT_REJECTED = `(cl.status IS NULL OR cl.status <> 'rejected')`;

/** A class's region: its own region_code, else its institution's (aliases `c`, `i`). */
export const CLASS_REGION = 'COALESCE(c.region_code, i.region_code)';

/**
 * Wrap per-item rows (with `subject_id`) so that the query returns the first row per subject
 * (by `order`) plus `items_n`, the subject's item count; `extra` adds more window columns.
 */
export const firstPerSubject = (inner: string, order: string, extra = '') => `SELECT * FROM (
    SELECT x.*, COUNT(*) OVER (PARTITION BY subject_id) AS items_n${extra},
      ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY ${order}) AS rn
    FROM (${inner}) x) y WHERE rn = 1`;

/**
 * The class modes judged by the sign-in and hours rules (TR-HOURS, TR-CLAIM-ATTENDANCE):
 * `offline` and `blended`; online classes are the ON rules' concern (RULES.md).
 */
export const JUDGED_MODES = `('offline', 'blended')`;
