/**
 * Measure effects on the dataset (WORKFLOW.md "Effects survive re-import"). A measure that
 * changes the world writes the effective value onto the dataset row — so screening, the
 * institution profile and certificate verification read it with no extra join — and records the
 * effect with the export's own value in `measure_effects`. `reapplyEffects` runs after every
 * import, so no later export (still saying `valid`, or still listing the institution in the
 * catalog) can undo a measure; the profile shows both values where they differ.
 */
import { SYSTEM_ACTOR, type Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/index.ts';
import { localTimestamp } from '../clock.ts';
import type { Db } from '../store/db.ts';
import { newId } from './model.ts';

/** The dataset columns a measure may set, with their SQL type and key columns. */
export const EFFECT_TARGETS = {
  'certificates.status': { table: 'certificates', column: 'status', type: 'VARCHAR', keys: ['certificate_no'] },
  'institutions.subsidy_catalog_to': { table: 'institutions', column: 'subsidy_catalog_to', type: 'DATE', keys: ['institution_id'] },
  'institutions.eval_terminated_on': { table: 'institutions', column: 'eval_terminated_on', type: 'DATE', keys: ['institution_id'] },
  'projects.catalog_to': { table: 'projects', column: 'catalog_to', type: 'DATE', keys: ['project_id'] },
  'exam_results.passed': { table: 'exam_results', column: 'passed', type: 'BOOLEAN', keys: ['exam_id', 'id_number'] },
} as const;
export type EffectTarget = keyof typeof EFFECT_TARGETS;

/** Dataset tables that measures change (the importer re-applies effects when it loads one). */
export const EFFECT_TABLES: ReadonlySet<string> = new Set(Object.values(EFFECT_TARGETS).map((t) => t.table));

export interface EffectInput {
  target: EffectTarget;
  key: string;
  key2?: string | null;
  value: string;
}

function where(t: (typeof EFFECT_TARGETS)[EffectTarget], first: number): string {
  return t.keys.map((k, i) => `${k} = $${first + i}`).join(' AND ');
}

/** Apply effects of one measure in the caller's transaction and record them. */
export async function applyEffects(db: Db, measureId: string, effects: readonly EffectInput[], actor: Actor = SYSTEM_ACTOR, regionCode: string | null = null): Promise<void> {
  const at = localTimestamp();
  for (const e of effects) {
    const t = EFFECT_TARGETS[e.target];
    const keyParams = t.keys.length === 2 ? [e.key, e.key2 ?? null] : [e.key];
    const [cur] = await db.query<{ v: unknown }>(`SELECT CAST(${t.column} AS VARCHAR) AS v FROM ${t.table} WHERE ${where(t, 1)} LIMIT 1`, keyParams);
    // The export's value: what the row said before the first measure touched it.
    const [prior] = await db.query<{ v: string | null }>(
      `SELECT exported_value AS v FROM measure_effects WHERE entity = $1 AND column_name = $2 AND entity_key = $3 AND COALESCE(key2, '') = $4 ORDER BY applied_at, effect_id LIMIT 1`,
      [t.table, t.column, e.key, e.key2 ?? ''],
    );
    const exported = prior ? prior.v : cur?.v == null ? null : String(cur.v);
    await db.query(`UPDATE ${t.table} SET ${t.column} = CAST($1 AS ${t.type}) WHERE ${where(t, 2)}`, [e.value, ...keyParams]);
    await db.query(
      `INSERT INTO measure_effects (effect_id, measure_id, entity, entity_key, key2, column_name, exported_value, effective_value, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CAST($9 AS TIMESTAMP))`,
      [newId('EF'), measureId, t.table, e.key, e.key2 ?? null, t.column, exported, e.value, at],
    );
    // The status change itself is audited (WORKFLOW.md lists certificate status changes), besides the measure.
    await appendAudit(db, {
      actor,
      action: `${t.table}.${t.column}`,
      target_type: t.table,
      target_id: e.key2 ? `${e.key}/${e.key2}` : e.key,
      region_code: regionCode,
      before: { [t.column]: cur?.v == null ? null : String(cur.v) },
      after: { [t.column]: e.value, measure_id: measureId },
    });
  }
}

/**
 * Write every recorded effect (of one table, or all) onto the dataset again (after an import added or replaced rows).
 * Effects are replayed in the order they were applied, so a later measure wins. Returns the
 * number of rows that had to be corrected.
 */
export async function reapplyEffects(db: Db, table?: string): Promise<number> {
  const effects = await db.query<{ entity: string; column_name: string; entity_key: string; key2: string | null; effective_value: string }>(
    `SELECT entity, column_name, entity_key, key2, effective_value FROM measure_effects ${table ? 'WHERE entity = $1' : ''} ORDER BY applied_at, effect_id`,
    table ? [table] : [],
  );
  let fixed = 0;
  for (const e of effects) {
    const t = EFFECT_TARGETS[`${e.entity}.${e.column_name}` as EffectTarget];
    if (!t) continue;
    const keyParams = t.keys.length === 2 ? [e.entity_key, e.key2] : [e.entity_key];
    const rows = await db.query<{ n: number }>(
      `UPDATE ${t.table} SET ${t.column} = CAST($1 AS ${t.type}) WHERE ${where(t, 2)} AND ${t.column} IS DISTINCT FROM CAST($1 AS ${t.type}) RETURNING 1 AS n`,
      [e.effective_value, ...keyParams],
    );
    fixed += rows.length;
  }
  return fixed;
}

/** Effects recorded for rows of a table and key (the profile shows exported beside effective). */
export async function effectsOf(db: Db, table: string, key: string): Promise<{ column: string; exported_value: string | null; effective_value: string; measure_id: string }[]> {
  const rows = await db.query<{ column_name: string; exported_value: string | null; effective_value: string; measure_id: string }>(
    'SELECT column_name, exported_value, effective_value, measure_id FROM measure_effects WHERE entity = $1 AND entity_key = $2 ORDER BY applied_at, effect_id',
    [table, key],
  );
  return rows.map((r) => ({ column: r.column_name, exported_value: r.exported_value, effective_value: r.effective_value, measure_id: r.measure_id }));
}
