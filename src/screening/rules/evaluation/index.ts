import type { Rule } from '../../types.ts';
import { CERTIFICATE_RULES } from './certificates.ts';
import { ELIGIBILITY_RULES } from './eligibility.ts';
import { RESULT_RULES } from './results.ts';
import { SCOPE_RULES } from './scope.ts';

export { condZh, DEFAULT_CONDITIONS, parseConditions, type Cond } from './eligibility.ts';
export { similarPairs } from './results.ts';

/** The rule ids of RULES.md's "Evaluation and certificates (评价与证书)" section, in its order. */
export const EVALUATION_RULE_IDS = [
  'EV-SCOPE', 'EV-ELIGIBILITY', 'EV-NO-EXAM', 'EV-PASS-RATE', 'EV-ANSWERS', 'EV-CLASH', 'EV-MILL', 'EV-CAPACITY', 'EV-CERT-DATA',
] as const;

const all = new Map([...SCOPE_RULES, ...ELIGIBILITY_RULES, ...RESULT_RULES, ...CERTIFICATE_RULES].map((r) => [r.id, r]));

/** Evaluation and certificate rules, in RULES.md order (the files group them by topic). */
export const EVALUATION_RULES: Rule[] = EVALUATION_RULE_IDS.flatMap((id) => all.get(id) ?? []);
