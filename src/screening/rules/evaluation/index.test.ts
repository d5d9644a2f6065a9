import { describe, expect, it } from 'vitest';
import { EVALUATION_RULE_IDS, EVALUATION_RULES } from './index.ts';

describe('EVALUATION_RULES', () => {
  it('lists the 9 rules of RULES.md in its order, once each, with its subject types', () => {
    expect(EVALUATION_RULES.map((r) => r.id)).toEqual([...EVALUATION_RULE_IDS]);
    expect(Object.fromEntries(EVALUATION_RULES.map((r) => [r.id, r.subject]))).toEqual({
      'EV-SCOPE': 'exam', 'EV-ELIGIBILITY': 'person', 'EV-NO-EXAM': 'certificate', 'EV-PASS-RATE': 'exam', 'EV-ANSWERS': 'exam',
      'EV-CLASH': 'person', 'EV-MILL': 'person', 'EV-CAPACITY': 'institution', 'EV-CERT-DATA': 'certificate',
    });
    for (const r of EVALUATION_RULES) expect(r.family).toBe('evaluation');
  });
});
