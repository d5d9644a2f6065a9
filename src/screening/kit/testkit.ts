/**
 * Test support for rule tests: insert hand-built rows (plain objects) into a fresh store,
 * typed from the entity schema so dates and timestamps are real DATE/TIMESTAMP values on
 * both engines, and run one rule.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ENTITIES, type EntityName } from '../../dataset/entities.ts';
import type { Db, Dialect } from '../../store/db.ts';
import { dialectOf } from '../../store/dialect.ts';
import { freshStore, type TestStore } from '../../store/testing.ts';
import { evaluateRule, resolveParams } from '../evaluate.ts';
import type { Finding, Rule } from '../types.ts';
import { findingProblems } from './evidence.ts';

function literal(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number') return String(v);
  const s = `'${String(v).replace(/'/g, "''")}'`;
  if (type === 'date') return `CAST(${s} AS DATE)`;
  if (type === 'timestamp') return `CAST(${s} AS TIMESTAMP)`;
  if (type === 'bool') return `CAST(${s} AS BOOLEAN)`;
  if (type === 'int' || type === 'level' || type === 'money' || type === 'num') return String(Number(v));
  return s;
}

/** Insert rows into an entity table; each row names only the columns it sets. */
export async function insert(db: Db, table: EntityName, rows: Record<string, unknown>[]): Promise<void> {
  const types = new Map(ENTITIES[table].columns.map((c) => [c.name, c.type as string]));
  for (const r of rows) {
    const cols = Object.keys(r);
    const sql = `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols
      .map((c) => literal(r[c], types.get(c) ?? 'text'))
      .join(', ')})`;
    await db.exec(sql);
  }
}

/** Empty every dataset table (between cases that share one store). */
export async function truncateAll(db: Db): Promise<void> {
  for (const t of Object.keys(ENTITIES)) await db.exec(`DELETE FROM ${t}`);
}

/**
 * Evaluate `rule` with its defaults overridden by `overrides`. Every finding's form is
 * checked ({@link findingProblems}: null not '' for unknown region/institution, trimmed
 * summary without dangling labels): a malformed finding fails the calling test.
 */
export async function run(db: Db, rule: Rule, overrides: Record<string, unknown> = {}): Promise<Finding[]> {
  const out = await evaluateRule(rule, { db, d: dialectOf(db.dialect), params: resolveParams(rule, overrides) });
  const problems = out.flatMap((f) => findingProblems(f).map((p) => `${rule.id} ${f.subject.id}: ${p}`));
  if (problems.length) throw new Error(`malformed findings:\n${problems.join('\n')}`);
  return out;
}

/** Two plain training institutions that most cases start from. */
export const TWO_INSTITUTIONS = [
  { institution_id: 'I1', name: '甲', uscc: 'X', kind: 'training', region_code: '440106' },
  { institution_id: 'I2', name: '乙', uscc: 'Y', kind: 'training', region_code: '440105' },
];

/** A class row with defaults for the columns a case does not care about. */
export const classRow = (class_id: string, institution_id: string, extra: Record<string, unknown> = {}) => ({
  class_id,
  institution_id,
  project_id: 'P1',
  mode: 'offline',
  start_date: '2023-08-01',
  end_date: '2023-08-31',
  planned_hours: 10,
  ...extra,
});

/**
 * One fresh store for a describe block on `engine`, emptied and seeded (default: the two
 * institutions) before each case. `.db` is the store's Db once the block runs.
 */
export function useStore(engine: Dialect, seed: (db: Db) => Promise<void> = (db) => insert(db, 'institutions', TWO_INSTITUTIONS)): { readonly db: Db } {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  beforeEach(async () => {
    await truncateAll(s.db);
    await seed(s.db);
  });
  return {
    get db() {
      return s.db;
    },
  };
}
