import { describe, expect, it } from 'vitest';
import { ENTITY_NAMES } from '../../dataset/entities.ts';
import { TRAINING_RULE_IDS, TRAINING_RULES } from './training.ts';

describe('TRAINING_RULES', () => {
  it('lists the 19 rules of RULES.md in its order, once each', () => {
    expect(TRAINING_RULES.map((r) => r.id)).toEqual([...TRAINING_RULE_IDS]);
    expect(TRAINING_RULES).toHaveLength(19);
  });

  it('has the subject types of RULES.md', () => {
    const subjects = Object.fromEntries(TRAINING_RULES.map((r) => [r.id, r.subject]));
    expect(subjects).toEqual({
      'TR-ID-INVALID': 'person', 'TR-DECEASED': 'person', 'TR-AGE': 'person', 'TR-REPEAT': 'person', 'TR-FREQ': 'person',
      'TR-OVERLAP': 'person', 'TR-BULK-SIGNIN': 'class', 'TR-NO-FACE': 'class', 'TR-SIGNIN-OUTSIDE': 'class', 'TR-HOURS': 'class',
      'TR-CLAIM-ATTENDANCE': 'claim', 'TR-CLAIM-AMOUNT': 'claim', 'TR-PAYEE': 'claim', 'TR-SHARED-CONTACT': 'institution',
      'TR-INSIDER': 'person', 'TR-CATALOG': 'class', 'TR-LOW-YIELD': 'institution', 'TR-TEACHER-CLASH': 'person', 'TR-SUBCONTRACT': 'class',
    });
  });

  it('has the default thresholds of RULES.md', () => {
    const defaults = Object.fromEntries(TRAINING_RULES.flatMap((r) => r.params.map((p) => [`${r.id}.${p.name}`, p.default])));
    expect(defaults).toEqual({
      'TR-AGE.min_age': 16, 'TR-AGE.max_age': 60,
      'TR-REPEAT.max_per_occupation_level': 1,
      'TR-FREQ.max_per_year': 3,
      'TR-OVERLAP.min_overlap_minutes': 1,
      'TR-BULK-SIGNIN.same_second_min': 10, 'TR-BULK-SIGNIN.per_device_min': 10,
      'TR-NO-FACE.max_share': 0.3, 'TR-NO-FACE.min_face_score': 0.6,
      'TR-SIGNIN-OUTSIDE.early_minutes': 30, 'TR-SIGNIN-OUTSIDE.max_km': 5,
      'TR-HOURS.min_share': 0.9,
      'TR-CLAIM-ATTENDANCE.min_rate': 0.8,
      'TR-SHARED-CONTACT.min_people': 5,
      'TR-LOW-YIELD.min_rate': 0.3, 'TR-LOW-YIELD.min_completers': 50,
      'TR-TEACHER-CLASH.min_overlap_minutes': 1,
      'TR-SUBCONTRACT.max_share': 0.5,
    });
  });

  it('has Chinese metadata and known entities', () => {
    for (const r of TRAINING_RULES) {
      expect(r.family).toBe('training');
      expect(r.title).toMatch(/[\u4e00-\u9fff]/);
      expect(r.description).toMatch(/[\u4e00-\u9fff]/);
      for (const p of r.params) expect(p.description).toMatch(/[\u4e00-\u9fff]/);
      for (const n of r.needs) expect(ENTITY_NAMES).toContain(n);
    }
  });
});
