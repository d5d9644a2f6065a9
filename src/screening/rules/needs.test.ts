/**
 * `needs` checked mechanically: every dataset table a rule reads must be declared — in
 * `needs` / `needsAny` (absent → the rule is skipped, not run on nothing, RULES.md) or in
 * `optional` (lookups and sub-check inputs, an explicit decision per table). A table read
 * but not declared fails here (TR-HOURS once ran without attendance and flagged every class
 * reporting completed hours). The tables read are taken from the SQL itself:
 * - a SQL rule's detect and evidence SQL, rendered with default parameters for both dialects;
 * - every statement any rule (SQL or code) sends while it runs on a store where every entity
 *   has one row whose text keys all agree (so joins match and code rules reach their
 *   follow-up queries), recorded by a wrapper around the store's Db, on both engines;
 * - the source text of a code rule's `run` (table names after FROM / JOIN).
 */
import { describe, expect, it } from 'vitest';
import { ENTITIES, ENTITY_NAMES, type EntityName } from '../../dataset/entities.ts';
import type { Db } from '../../store/db.ts';
import { dialectOf } from '../../store/dialect.ts';
import { ENGINES } from '../../store/testing.ts';
import { runScreening } from '../engine.ts';
import { evaluateRule, resolveParams } from '../evaluate.ts';
import { classRow, insert, useStore } from '../kit/testkit.ts';
import type { Rule } from '../types.ts';
import { RULES } from './index.ts';

const ENTITY_SET = new Set<string>(ENTITY_NAMES);

/** Dataset tables named after FROM or JOIN in SQL text (CTE names and aliases are not entities). */
export function tablesRead(sql: string): Set<EntityName> {
  const out = new Set<EntityName>();
  for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) {
    const t = m[1]!.toLowerCase();
    if (ENTITY_SET.has(t)) out.add(t as EntityName);
  }
  return out;
}

/** One row per entity: every text-like key is 'K' so that all joins match. */
function oneRow(entity: EntityName): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of ENTITIES[entity].columns) {
    switch (c.type) {
      case 'date':
        row[c.name] = '2023-06-01';
        break;
      case 'timestamp':
        row[c.name] = '2023-06-01 09:00:00';
        break;
      case 'int':
      case 'num':
      case 'money':
        row[c.name] = 1;
        break;
      case 'level':
        row[c.name] = 3;
        break;
      case 'levels':
        row[c.name] = '3;4;5';
        break;
      case 'bool':
        row[c.name] = true;
        break;
      case 'enum':
        row[c.name] = c.values![0];
        break;
      default:
        // long enough for length thresholds (answer strings ≥ 20)
        row[c.name] = c.name === 'answers' || c.name === 'text' ? 'K'.repeat(30) : 'K';
    }
  }
  return row;
}

/** A Db that records every statement it is sent. */
function recording(db: Db, log: string[]): Db {
  return {
    dialect: db.dialect,
    location: db.location,
    exec: (sql) => (log.push(sql), db.exec(sql)),
    query: (sql, params) => (log.push(sql), db.query(sql, params)),
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
  } as Db;
}

const declared = (r: Rule) => new Set<string>([...r.needs, ...(r.needsAny ?? []), ...(r.optional ?? [])]);

describe('tablesRead', () => {
  it('finds FROM and JOIN targets that are entities, not CTEs or functions', () => {
    expect([...tablesRead('WITH x AS (SELECT * FROM sessions s) SELECT * FROM x JOIN classes c ON 1=1 LEFT JOIN\n  institutions i ON TRUE WHERE EXTRACT(YEAR FROM c.start_date) > 1')].sort()).toEqual([
      'classes',
      'institutions',
      'sessions',
    ]);
  });
});

describe('every rule lists the tables its SQL reads', () => {
  it.each(RULES.filter((r) => r.kind === 'sql').map((r) => [r.id, r] as const))('%s: detect and evidence SQL (both dialects)', (_id, rule) => {
    if (rule.kind !== 'sql') return;
    const read = new Set<string>();
    for (const engine of ENGINES) {
      const ctx = { db: undefined as unknown as Db, d: dialectOf(engine), params: resolveParams(rule) };
      for (const sql of [rule.detect(ctx), rule.evidence?.(ctx) ?? '']) for (const t of tablesRead(sql)) read.add(t);
    }
    expect([...read].filter((t) => !declared(rule).has(t))).toEqual([]);
  });

  it.each(RULES.filter((r) => r.kind === 'code').map((r) => [r.id, r] as const))('%s: source of run', (_id, rule) => {
    if (rule.kind !== 'code') return;
    expect([...tablesRead(rule.run.toString())].filter((t) => !declared(rule).has(t))).toEqual([]);
  });
});

describe.each(ENGINES)('every rule lists the tables it queries when run, on %s', (engine) => {
  const s = useStore(engine, async (db) => {
    for (const e of ENTITY_NAMES) await insert(db, e, [oneRow(e)]);
  });

  it('all rules', async () => {
    const missing: string[] = [];
    for (const rule of RULES) {
      const log: string[] = [];
      const db = recording(s.db, log);
      await evaluateRule(rule, { db, d: dialectOf(engine), params: resolveParams(rule) });
      const read = new Set(log.flatMap((sql) => [...tablesRead(sql)]));
      const extra = [...read].filter((t) => !declared(rule).has(t));
      if (extra.length) missing.push(`${rule.id}: ${extra.join(', ')}`);
    }
    expect(missing).toEqual([]);
  }, 120_000);
});

describe.each(ENGINES)('absent inputs skip the rule on %s', (engine) => {
  const s = useStore(engine);

  it('TR-HOURS and TR-CLAIM-ATTENDANCE are skipped, not run, when attendance is absent', async () => {
    await insert(s.db, 'projects', [{ project_id: 'P1', name: '项目', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' }]);
    await insert(s.db, 'classes', [classRow('C1', 'I1')]);
    await insert(s.db, 'sessions', [{ session_id: 'S1', class_id: 'C1', starts_at: '2023-08-02 09:00:00', ends_at: '2023-08-02 18:00:00' }]);
    await insert(s.db, 'enrollments', [{ class_id: 'C1', id_number: 'A', completed_hours: 9 }]);
    await insert(s.db, 'claims', [{ claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-09-01', amount: 100000 }]);
    await insert(s.db, 'claim_items', [{ claim_id: 'K1', id_number: 'A', amount: 100000 }]);
    const report = await runScreening(s.db, { rules: ['TR-HOURS', 'TR-CLAIM-ATTENDANCE'] });
    expect(report.rules.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['TR-HOURS', 'skipped', expect.stringContaining('attendance')],
      ['TR-CLAIM-ATTENDANCE', 'skipped', expect.stringContaining('attendance')],
    ]);
    // With attendance present (one sign-in elsewhere), both run and find the enrolled person's 0 hours.
    await insert(s.db, 'attendance', [{ session_id: 'S1', id_number: 'B', checked_at: '2023-08-02 08:55:00' }]);
    const ran = await runScreening(s.db, { rules: ['TR-HOURS', 'TR-CLAIM-ATTENDANCE'] });
    expect(ran.rules.map((r) => [r.id, r.status, r.clues])).toEqual([
      ['TR-HOURS', 'ran', 1],
      ['TR-CLAIM-ATTENDANCE', 'ran', 1],
    ]);
  });
});
