/**
 * Shared fixture of the evaluation rule tests: four institutions (registered, terminated,
 * registered without a date, training only), occupation codes, identity numbers, an exam row.
 */
import type { Dialect } from '../../../store/db.ts';
import { insert, useStore } from '../../kit/testkit.ts';
import type { Finding, Rule } from '../../types.ts';
import { EVALUATION_RULES } from './index.ts';

export const rule = (id: string): Rule => EVALUATION_RULES.find((r) => r.id === id)!;
export const ids = (f: Finding[]) => f.map((x) => x.subject.id);
export const rowsOf = (f: Finding) => f.evidence.rows as Record<string, unknown>[];

export const OCC = '4-07-05-04';
export const OCC2 = '4-01-02-01';
export const OCC3 = '6-29-03-01';
export const A = '110101199003071234';
export const B = '110101199104081235';
export const C = '440106198805051236';
export const D = '440106198805051237';
export const N = '440106198805051299';


export const EVAL_INSTITUTIONS = [
  { institution_id: 'IE1', name: '甲评价', uscc: 'U1', kind: 'evaluation', region_code: '110101', eval_registration_no: 'R1', eval_registered_on: '2023-01-01' },
  { institution_id: 'IE2', name: '乙评价', uscc: 'U2', kind: 'both', region_code: '440106', eval_registration_no: 'R2', eval_registered_on: '2022-01-01', eval_terminated_on: '2023-06-01' },
  { institution_id: 'IE3', name: '丙评价', uscc: 'U3', kind: 'evaluation', region_code: '440106', eval_registration_no: 'R3' },
  { institution_id: 'IT', name: '丁培训', uscc: 'U4', kind: 'training', region_code: '440106' },
];

/** An exam row of occupation OCC. */
export const exam = (exam_id: string, institution_id: string, level: number, starts_at: string, ends_at: string, more: Record<string, unknown> = {}) => ({
  exam_id,
  institution_id,
  occupation_code: OCC,
  level,
  starts_at,
  ends_at,
  ...more,
});

/** A store seeded with EVAL_INSTITUTIONS before each case. */
export const useEvalStore = (engine: Dialect) => useStore(engine, (db) => insert(db, 'institutions', EVAL_INSTITUTIONS));
