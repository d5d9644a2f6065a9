import type { Rule } from '../types.ts';
import { ATTENDANCE_RULES } from './training/attendance.ts';
import { CATALOG_RULES } from './training/catalog.ts';
import { CLAIM_RULES } from './training/claims.ts';
import { IDENTITY_RULES } from './training/identity.ts';
import { PEOPLE_RULES } from './training/people.ts';
import { SUBSIDY_RULES } from './training/subsidy.ts';
import { TEACHING_RULES } from './training/teaching.ts';

/** The rule ids of RULES.md's "Training (培训)" section, in its order. */
export const TRAINING_RULE_IDS = [
  'TR-ID-INVALID', 'TR-DECEASED', 'TR-AGE', 'TR-REPEAT', 'TR-FREQ', 'TR-OVERLAP', 'TR-BULK-SIGNIN', 'TR-NO-FACE',
  'TR-SIGNIN-OUTSIDE', 'TR-HOURS', 'TR-CLAIM-ATTENDANCE', 'TR-CLAIM-AMOUNT', 'TR-PAYEE', 'TR-SHARED-CONTACT',
  'TR-INSIDER', 'TR-CATALOG', 'TR-LOW-YIELD', 'TR-TEACHER-CLASH', 'TR-SUBCONTRACT',
] as const;

const all = new Map(
  [...IDENTITY_RULES, ...SUBSIDY_RULES, ...ATTENDANCE_RULES, ...CLAIM_RULES, ...PEOPLE_RULES, ...CATALOG_RULES, ...TEACHING_RULES].map((r) => [r.id, r]),
);

/** The rules of RULES.md's "Training (培训)" section, in RULES.md order (the files group them by topic). */
export const TRAINING_RULES: Rule[] = TRAINING_RULE_IDS.flatMap((id) => all.get(id) ?? []);
