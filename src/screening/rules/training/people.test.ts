import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run, useStore } from '../../kit/testkit.ts';
import { PEOPLE_RULES } from './people.ts';

const byId = Object.fromEntries(PEOPLE_RULES.map((r) => [r.id, r]));
const SHARED = byId['TR-SHARED-CONTACT']!;
const INSIDER = byId['TR-INSIDER']!;

const cls = (class_id: string, institution_id: string, start_date: string, end_date: string, extra: Record<string, unknown> = {}) => ({
  class_id, institution_id, project_id: 'P1', mode: 'offline', start_date, end_date, planned_hours: 10, ...extra,
});

describe.each(ENGINES)('training people rules on %s', (engine) => {
  const s = useStore(engine);

  it('TR-SHARED-CONTACT: 5 trainees of one institution sharing a phone flag, 4 do not, nor 5 spread over two institutions', async () => {
    await insert(s.db, 'classes', [cls('C1', 'I1', '2023-07-01', '2023-07-20'), cls('C2', 'I1', '2023-08-01', '2023-08-20'), cls('C3', 'I2', '2023-07-01', '2023-07-20')]);
    const people = [
      // phone 13800001111 shared by P1..P5 of I1 (P5 via a claim of I1, with spaces)
      ...['P1', 'P2', 'P3', 'P4'].map((id) => ({ id_number: id, name: id, phone: '13800001111' })),
      { id_number: 'P5', name: 'P5', phone: ' 138 0000 1111' },
      // account shared by 4 of I1 and 1 of I2
      ...['Q1', 'Q2', 'Q3', 'Q4', 'Q5'].map((id) => ({ id_number: id, name: id, bank_account: '62220000' })),
      { id_number: 'R1', name: 'R1', phone: '' },
    ];
    await insert(s.db, 'persons', people);
    await insert(s.db, 'enrollments', [
      ...['P1', 'P2'].map((id) => ({ class_id: 'C1', id_number: id })),
      ...['P3', 'P4'].map((id) => ({ class_id: 'C2', id_number: id })),
      ...['Q1', 'Q2', 'Q3', 'Q4'].map((id) => ({ class_id: 'C1', id_number: id })),
      { class_id: 'C3', id_number: 'Q5' },
      { class_id: 'C1', id_number: 'R1' },
    ]);
    await insert(s.db, 'claims', [{ claim_id: 'K1', institution_id: 'I1', class_id: 'C2', submitted_on: '2023-08-21', amount: 1 }]);
    await insert(s.db, 'claim_items', [{ claim_id: 'K1', id_number: 'P5', amount: 1 }, { claim_id: 'K1', id_number: 'P1', amount: 0 }]);
    const f = await run(s.db, SHARED);
    expect(f.map((x) => x.subject.id)).toEqual(['I1']);
    expect(f[0]!.summary).toContain('5 名学员共用同一手机号 138****1111');
    expect(f[0]!.summary).not.toContain('13800001111');
    expect(f[0]!.evidence.rows).toEqual([{ kind: 'phone', value: '13800001111', people: 5, id_numbers: ['P1', 'P2', 'P3', 'P4', 'P5'] }]);
    expect(f[0]!.region_code).toBe('440106');
    expect(f[0]!.related).toEqual(['P1', 'P2', 'P3', 'P4', 'P5'].map((id) => ({ type: 'person', id })));
    const g = await run(s.db, SHARED, { min_people: 4 });
    expect(g.map((x) => (x.evidence.rows as unknown[]).length)).toEqual([2]);
  });

  it('TR-INSIDER: staff during the class or public official in a subsidised class; staff of another institution, staff before, rejected claims do not', async () => {
    await insert(s.db, 'classes', [
      cls('C1', 'I1', '2023-07-01', '2023-07-20'),
      cls('C2', 'I2', '2023-07-01', '2023-07-20', { delivered_by: 'I1' }),
      cls('C3', 'I2', '2023-07-01', '2023-07-20'),
    ]);
    await insert(s.db, 'staff', [
      { institution_id: 'I1', id_number: 'A', role: 'teacher', from: '2023-07-20', to: null }, // starts on the last class day: overlaps
      { institution_id: 'I1', id_number: 'B', role: 'manager', from: '2020-01-01', to: '2023-06-30' }, // left before
      { institution_id: 'I2', id_number: 'C', role: 'other' }, // other institution than C1's; but C3 claim rejected
      { institution_id: 'I1', id_number: 'D', role: 'legal_rep' }, // staff of the delivering institution of C2
    ]);
    await insert(s.db, 'persons', [{ id_number: 'E', name: 'E', is_public_official: true }, { id_number: 'F', name: 'F', is_public_official: false }]);
    await insert(s.db, 'claims', [
      { claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-21', amount: 1 },
      { claim_id: 'K2', institution_id: 'I2', class_id: 'C2', submitted_on: '2023-07-21', amount: 1 },
      { claim_id: 'K3', institution_id: 'I2', class_id: 'C3', submitted_on: '2023-07-21', amount: 1, status: 'rejected' },
    ]);
    await insert(s.db, 'claim_items', [
      ...['A', 'B', 'C', 'E', 'F'].map((id) => ({ claim_id: 'K1', id_number: id, amount: 1 })),
      { claim_id: 'K2', id_number: 'D', amount: 1 },
      { claim_id: 'K3', id_number: 'C', amount: 1 },
    ]);
    const f = await run(s.db, INSIDER);
    expect(f.map((x) => x.subject.id)).toEqual(['A', 'D', 'E']);
    expect(f[0]!.summary).toContain('是培训机构 I1 的工作人员（教师）');
    expect(f[0]!.related).toContainEqual({ type: 'claim', id: 'K1' });
    expect(f[1]!.institution_id).toBe('I2');
    expect(f[1]!.evidence.rows).toEqual([expect.objectContaining({ kind: 'staff', class_id: 'C2', staff_of: 'I1', role: 'legal_rep' })]);
    expect(f[2]!.summary).toContain('系公职人员');
  });
});
