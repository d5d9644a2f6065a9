import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { classRow, insert, run, useStore } from '../../kit/testkit.ts';
import { TEACHING_RULES } from './teaching.ts';

const byId = Object.fromEntries(TEACHING_RULES.map((r) => [r.id, r]));
const CLASH = byId['TR-TEACHER-CLASH']!;
const SUB = byId['TR-SUBCONTRACT']!;

const cls = classRow;
const ses = (session_id: string, class_id: string, starts_at: string, ends_at: string, teacher_id_number: string | null) => ({ session_id, class_id, starts_at, ends_at, teacher_id_number });

describe.each(ENGINES)('training teaching rules on %s', (engine) => {
  const s = useStore(engine);

  it('TR-TEACHER-CLASH: 1 minute across midnight flags, touching sessions and same-class overlaps do not', async () => {
    await insert(s.db, 'classes', [cls('C1', 'I1'), cls('C2', 'I2'), cls('C3', 'I1')]);
    await insert(s.db, 'sessions', [
      ses('S1', 'C1', '2023-08-02 22:00:00', '2023-08-03 00:01:00', 'T1'),
      ses('S2', 'C2', '2023-08-03 00:00:00', '2023-08-03 02:00:00', 'T1'),
      ses('S3', 'C1', '2023-08-04 09:00:00', '2023-08-04 11:00:00', 'T2'),
      ses('S4', 'C3', '2023-08-04 11:00:00', '2023-08-04 12:00:00', 'T2'),
      ses('S5', 'C1', '2023-08-05 09:00:00', '2023-08-05 11:00:00', 'T3'),
      ses('S6', 'C1', '2023-08-05 10:00:00', '2023-08-05 12:00:00', 'T3'),
      ses('S7', 'C1', '2023-08-06 09:00:00', '2023-08-06 11:00:00', null),
      ses('S8', 'C3', '2023-08-06 09:00:00', '2023-08-06 11:00:00', null),
      // T4 teaches many sessions of C1 (one a day) and one of C3 that clashes with the 5th
      ...Array.from({ length: 9 }, (_, k) => ses(`T4-${k}`, 'C1', `2023-08-1${k} 09:00:00`, `2023-08-1${k} 11:00:00`, 'T4')),
      ses('T4-x', 'C3', '2023-08-15 10:30:00', '2023-08-15 12:00:00', 'T4'),
    ]);
    const f = await run(s.db, CLASH);
    expect(f.map((x) => x.subject.id)).toEqual(['T1', 'T4']);
    expect(f[1]!.evidence.rows).toEqual([expect.objectContaining({ session_1: 'T4-5', session_2: 'T4-x', overlap_from: '2023-08-15 10:30:00', overlap_to: '2023-08-15 11:00:00' })]);
    expect(f[0]!.summary).toContain('C1 与 C2');
    expect(f[0]!.summary).toContain('2023-08-03 00:00–00:01');
    expect(f[0]!.institution_id).toBe('I2');
    expect(f[0]!.related).toEqual([{ type: 'class', id: 'C1' }, { type: 'class', id: 'C2' }, { type: 'institution', id: 'I1' }, { type: 'institution', id: 'I2' }]);
  });

  it('TR-SUBCONTRACT: delivered_by elsewhere; 3 of 5 sessions by other staff flags, 2 of 4 (50 %) does not; own staff and staff dates respected', async () => {
    await insert(s.db, 'classes', [
      cls('C1', 'I1', { delivered_by: 'I2' }),
      cls('C2', 'I1', { delivered_by: 'I1' }),
      cls('C3', 'I1'),
      cls('C4', 'I1'),
    ]);
    await insert(s.db, 'staff', [
      { institution_id: 'I2', id_number: 'X', role: 'teacher' }, // only at I2
      { institution_id: 'I2', id_number: 'Y', role: 'teacher' }, // at both
      { institution_id: 'I1', id_number: 'Y', role: 'teacher' },
      { institution_id: 'I2', id_number: 'Z', role: 'teacher', from: '2023-08-03', to: null }, // at I2 from the 3rd
    ]);
    await insert(s.db, 'sessions', [
      // C3: X, X, Z on the 3rd (counts), Z on the 2nd (not yet I2 staff), Y → 3/5 = 60 %
      ses('S31', 'C3', '2023-08-01 09:00:00', '2023-08-01 11:00:00', 'X'),
      ses('S32', 'C3', '2023-08-01 13:00:00', '2023-08-01 15:00:00', 'X'),
      ses('S33', 'C3', '2023-08-03 09:00:00', '2023-08-03 11:00:00', 'Z'),
      ses('S34', 'C3', '2023-08-02 09:00:00', '2023-08-02 11:00:00', 'Z'),
      ses('S35', 'C3', '2023-08-04 09:00:00', '2023-08-04 11:00:00', 'Y'),
      // C4: 2/4 = 50 %
      ses('S41', 'C4', '2023-08-01 09:00:00', '2023-08-01 11:00:00', 'X'),
      ses('S42', 'C4', '2023-08-02 09:00:00', '2023-08-02 11:00:00', 'X'),
      ses('S43', 'C4', '2023-08-03 09:00:00', '2023-08-03 11:00:00', 'Y'),
      ses('S44', 'C4', '2023-08-04 09:00:00', '2023-08-04 11:00:00', null),
    ]);
    const f = await run(s.db, SUB);
    expect(f.map((x) => x.subject.id)).toEqual(['C1', 'C3']);
    expect(f[0]!.summary).toContain('实际由机构 I2 承训');
    expect(f[1]!.evidence).toMatchObject({ sessions: 5, sessions_taught_by_others: 3, share: 0.6 });
    expect((f[1]!.evidence.rows as { session_id: string }[]).map((r) => r.session_id)).toEqual(['S31', 'S32', 'S33']);
    expect(f[1]!.summary).toContain('5 个课次中 3 个（60%）由其他机构 I2 的人员授课');
    expect((await run(s.db, SUB, { max_share: 0.49 })).map((x) => x.subject.id)).toEqual(['C1', 'C3', 'C4']);
  });
});
