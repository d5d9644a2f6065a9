import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idCheckChar, makeIdNumber } from '../../../ids/index.ts';
import { ENGINES, freshStore, type TestStore } from '../../../store/testing.ts';
import { insert, run, truncateAll } from '../../kit/testkit.ts';
import { IDENTITY_RULES } from './identity.ts';

const [ID_INVALID, DECEASED, AGE] = IDENTITY_RULES as [typeof IDENTITY_RULES[0], typeof IDENTITY_RULES[0], typeof IDENTITY_RULES[0]];

const good = (birthDate: string, seq = 1) => makeIdNumber({ regionCode: '110101', birthDate, seq });
/** Same first 17 digits, wrong check character. */
const badCheck = (id: string) => {
  const right = idCheckChar(id.slice(0, 17));
  return id.slice(0, 17) + (right === '0' ? '1' : '0');
};

describe.each(ENGINES)('training identity rules on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  beforeEach(async () => truncateAll(s.db));

  const base = async () => {
    await insert(s.db, 'institutions', [{ institution_id: 'I1', name: '甲培训学校', uscc: 'X', kind: 'training', region_code: '440106' }]);
    await insert(s.db, 'classes', [
      { class_id: 'C1', institution_id: 'I1', project_id: 'P1', mode: 'offline', start_date: '2023-07-01', end_date: '2023-07-20', planned_hours: 40 },
      { class_id: 'C2', institution_id: 'I1', project_id: 'P1', mode: 'offline', start_date: '2023-09-01', end_date: '2023-09-20', planned_hours: 40, region_code: '440105' },
    ]);
  };

  it('TR-ID-INVALID flags bad check digits, future births and unknown provinces, not permits or legacy numbers', async () => {
    await base();
    const ok = good('1990-03-07');
    const wrong = badCheck(good('1985-01-01', 3));
    const first17 = '991010' + '19900101' + '001'; // province 99 does not exist
    const noProvince = first17 + idCheckChar(first17);
    const future17 = '110101' + '20990101' + '001';
    const future = future17 + idCheckChar(future17);
    const permit17 = '810000' + '19900101' + '002';
    const permit = permit17 + idCheckChar(permit17);
    const legacy = '110101900307123';
    const unknownRegion17 = '110199' + '19900101' + '003'; // region unknown, province known: warning only
    const unknownRegion = unknownRegion17 + idCheckChar(unknownRegion17);
    await insert(s.db, 'enrollments', [ok, wrong, permit, legacy, unknownRegion].map((id) => ({ class_id: 'C1', id_number: id })));
    await insert(s.db, 'sessions', [{ session_id: 'S1', class_id: 'C2', starts_at: '2023-09-01 09:00:00', ends_at: '2023-09-01 11:00:00' }]);
    await insert(s.db, 'attendance', [{ session_id: 'S1', id_number: noProvince, checked_at: '2023-09-01 08:55:00' }]);
    await insert(s.db, 'exam_results', [{ exam_id: 'E1', id_number: future, passed: true }]);
    await insert(s.db, 'exams', [{ exam_id: 'E1', institution_id: 'I1', occupation_code: '4-01-01-01', level: 5, starts_at: '2023-10-01 09:00:00', ends_at: '2023-10-01 11:00:00' }]);
    await insert(s.db, 'claim_items', [{ claim_id: 'K1', id_number: 'ABC', amount: 100 }]);
    const f = await run(s.db, ID_INVALID);
    expect(f.map((x) => x.subject.id).sort()).toEqual([wrong, noProvince, future, 'ABC'].sort());
    const w = f.find((x) => x.subject.id === wrong)!;
    expect(w.evidence.reason).toBe('check_digit');
    expect(w.summary).toContain('校验码错误');
    expect(w.summary).toContain('C1');
    expect(w.summary).not.toContain(wrong);
    expect(w.institution_id).toBe('I1');
    expect(w.region_code).toBe('440106');
    const np = f.find((x) => x.subject.id === noProvince)!;
    expect(np.region_code).toBe('440105'); // the class's own region wins
    expect(np.evidence.reason).toBe('province');
    expect(f.find((x) => x.subject.id === future)!.related).toContainEqual({ type: 'exam', id: 'E1' });
  });

  it('TR-DECEASED flags acts strictly after the date of death, not on the day', async () => {
    await base();
    const dead = good('1950-01-01', 5);
    const diedOnDay = good('1950-01-01', 7);
    const alive = good('1960-01-01', 9);
    await insert(s.db, 'persons', [
      { id_number: dead, name: '甲', date_of_death: '2023-08-15' },
      { id_number: diedOnDay, name: '乙', date_of_death: '2023-09-01' },
      { id_number: alive, name: '丙' },
    ]);
    await insert(s.db, 'enrollments', [
      { class_id: 'C1', id_number: dead },
      { class_id: 'C2', id_number: dead },
      { class_id: 'C2', id_number: diedOnDay },
      { class_id: 'C2', id_number: alive },
    ]);
    await insert(s.db, 'sessions', [{ session_id: 'S9', class_id: 'C2', starts_at: '2023-09-01 23:30:00', ends_at: '2023-09-02 01:00:00' }]);
    await insert(s.db, 'attendance', [
      { session_id: 'S9', id_number: diedOnDay, checked_at: '2023-09-01 23:50:00' },
      { session_id: 'S9', id_number: dead, checked_at: '2023-09-02 00:10:00' },
    ]);
    await insert(s.db, 'claims', [{ claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-08-16', amount: 100, status: 'rejected' }]);
    await insert(s.db, 'claim_items', [{ claim_id: 'K1', id_number: dead, amount: 100 }]);
    const f = await run(s.db, DECEASED);
    expect(f.map((x) => x.subject.id)).toEqual([dead]);
    const e = f[0]!.evidence.rows as { kind: string; date: string }[];
    expect(e.map((r) => `${r.kind}@${r.date}`)).toEqual(['claim@2023-08-16', 'class_start@2023-09-01', 'attendance@2023-09-02']);
    expect(f[0]!.summary).toContain('2023-08-15');
    expect(f[0]!.summary).toContain('被申领补贴1次');
    expect(f[0]!.related).toContainEqual({ type: 'claim', id: 'K1' });
  });

  it('TR-AGE: exactly 16 and exactly 60 at class start pass; a day younger or 61 fails; invalid ids skipped', async () => {
    await base();
    const just16 = good('2007-07-01', 11); // 16 on C1's start day
    const day15 = good('2007-07-02', 13); // 15 on C1's start
    const just60 = good('1962-09-01', 15); // turns 61 exactly on C2's start day
    const sixty = good('1963-07-01', 17); // 60 on C1's start, 60 on C2's too
    const old61 = good('1962-07-01', 19); // 61 on C1's start
    const invalidOld = badCheck(good('1930-01-01', 21));
    const legacyYoung = '110101' + '080101' + '123'; // 15-digit: born 1908 → old
    await insert(s.db, 'enrollments', [
      { class_id: 'C1', id_number: just16 },
      { class_id: 'C1', id_number: day15 },
      { class_id: 'C2', id_number: just60 },
      { class_id: 'C1', id_number: sixty },
      { class_id: 'C2', id_number: sixty },
      { class_id: 'C1', id_number: old61 },
      { class_id: 'C1', id_number: invalidOld },
      { class_id: 'C1', id_number: legacyYoung },
    ]);
    const f = await run(s.db, AGE);
    expect(f.map((x) => x.subject.id).sort()).toEqual([day15, just60, old61, legacyYoung].sort());
    const y = f.find((x) => x.subject.id === day15)!;
    expect(y.evidence.rows).toEqual([{ class_id: 'C1', start_date: '2023-07-01', age: 15, institution_id: 'I1' }]);
    expect(y.summary).toContain('15 周岁');
    expect(f.find((x) => x.subject.id === just60)!.region_code).toBe('440105');
    // a threshold is a setting
    const g = await run(s.db, AGE, { max_age: 61 });
    expect(g.map((x) => x.subject.id).sort()).toEqual([day15, legacyYoung].sort());
  });
});
