import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run as runRule } from '../../kit/testkit.ts';
import { maskId } from '../../kit/index.ts';
import { similarPairs } from './results.ts';
import { A, B, C, D, exam, ids, N, rowsOf, rule, useEvalStore } from './testdata.ts';

describe('similarPairs', () => {
  it('needs equal length, the minimum count and the share, wrong answers included', () => {
    const s = 'ABCDABCDABCDABCDABCD';
    const one = 'D' + s.slice(1);
    const two = s.slice(0, 10) + 'XX' + s.slice(12);
    const r = similarPairs(
      [
        { id: 'a', answers: s },
        { id: 'b', answers: one },
        { id: 'c', answers: two },
        { id: 'd', answers: s + 'A' },
        { id: 'e', answers: s.slice(1) },
        { id: 'f', answers: s.slice(1) },
      ],
      20,
      0.95,
    );
    expect(r).toEqual([{ a: 'a', b: 'b', length: 20, equal: 19 }]);
  });
});

describe.each(ENGINES)('EV-PASS-RATE / EV-ANSWERS / EV-CLASH on %s', (engine) => {
  const st = useEvalStore(engine);
  const run = (id: string, o: Record<string, unknown> = {}) => runRule(st.db, rule(id), o);

  it('EV-PASS-RATE: 100 % over 30 vs 29, bunched > 50 % vs exactly 50 %, exam pass mark', async () => {
    await insert(st.db, 'exams', [
      exam('P30', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('P29', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('PB', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('PH', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('PM', 'IE2', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { pass_mark: 70 }),
    ]);
    const rows: Record<string, unknown>[] = [];
    const pid = (e: string, i: number) => `${e}-${String(i).padStart(3, '0')}`;
    for (let i = 0; i < 30; i++) rows.push({ exam_id: 'P30', id_number: pid('P30', i), passed: true, theory_score: 70 + i % 30, practical_score: 80 });
    rows.push({ exam_id: 'P30', id_number: pid('P30', 99), passed: false, absent: true });
    for (let i = 0; i < 29; i++) rows.push({ exam_id: 'P29', id_number: pid('P29', i), passed: true, theory_score: 70 + i, practical_score: 80 });
    // PB: 6 of 10 passed bunched (one with only a theory score), 4 spread, 5 failed.
    const bunched = [[60, 63], [61, 62], [63, null], [60, 60], [62, 61], [61, 63]];
    bunched.forEach(([t, pr], i) => rows.push({ exam_id: 'PB', id_number: pid('PB', i), passed: true, theory_score: t, practical_score: pr }));
    for (let i = 6; i < 10; i++) rows.push({ exam_id: 'PB', id_number: pid('PB', i), passed: true, theory_score: 85, practical_score: 90 });
    for (let i = 10; i < 15; i++) rows.push({ exam_id: 'PB', id_number: pid('PB', i), passed: false, theory_score: 40, practical_score: 50 });
    // PH: exactly 5 of 10 bunched; 63.5 and (62, 64) are just outside the band.
    for (let i = 0; i < 5; i++) rows.push({ exam_id: 'PH', id_number: pid('PH', i), passed: true, theory_score: 61, practical_score: 62 });
    rows.push({ exam_id: 'PH', id_number: pid('PH', 5), passed: true, theory_score: 63.5, practical_score: 61 });
    rows.push({ exam_id: 'PH', id_number: pid('PH', 6), passed: true, theory_score: 62, practical_score: 64 });
    for (let i = 7; i < 10; i++) rows.push({ exam_id: 'PH', id_number: pid('PH', i), passed: true, theory_score: 90, practical_score: null });
    rows.push({ exam_id: 'PH', id_number: pid('PH', 10), passed: false, theory_score: 30 });
    // PM: pass mark 70 → 70–73 is the band.
    for (let i = 0; i < 3; i++) rows.push({ exam_id: 'PM', id_number: pid('PM', i), passed: true, theory_score: 71 + i, practical_score: 70 });
    rows.push({ exam_id: 'PM', id_number: pid('PM', 3), passed: false, theory_score: 50, practical_score: 50 });
    await insert(st.db, 'exam_results', rows);
    const f = await run('EV-PASS-RATE');
    expect(ids(f)).toEqual(['P30', 'PB', 'PM']);
    const by = Object.fromEntries(f.map((x) => [x.subject.id, x]));
    expect(by.P30.evidence).toMatchObject({ candidates: 30, passed: 30, all_passed: true, bunched_flag: false });
    expect(by.P30.summary).toContain('实考 30 人全部合格');
    expect(by.PB.evidence).toMatchObject({ candidates: 15, passed: 10, bunched: 6, all_passed: false, bunched_flag: true, pass_mark: 60 });
    expect(by.PB.summary).toContain('10 名合格考生中 6 人各科成绩均在 60–63 分之间');
    expect(by.PM.evidence).toMatchObject({ pass_mark: 70, bunched: 3 });
    expect(by.PM.institution_id).toBe('IE2');
    expect(rowsOf(by.PB)).toHaveLength(15);
  });
  it('EV-ANSWERS: ≥ 95 % equal over ≥ 20 answers within one exam; absent and short strings ignored', async () => {
    await insert(st.db, 'exams', ['A1', 'A2', 'A3'].map((x) => exam(x, 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00')));
    const s = 'ABCDABCDABCDABCDABCD';
    await insert(st.db, 'exam_results', [
      { exam_id: 'A1', id_number: A, passed: true, answers: s },
      { exam_id: 'A1', id_number: B, passed: true, answers: 'D' + s.slice(1) },
      { exam_id: 'A1', id_number: C, passed: true, answers: s.slice(0, 10) + 'XX' + s.slice(12) },
      { exam_id: 'A2', id_number: A, passed: true, answers: s.slice(1) },
      { exam_id: 'A2', id_number: B, passed: true, answers: s.slice(1) },
      { exam_id: 'A3', id_number: A, passed: true, answers: s },
      { exam_id: 'A3', id_number: B, passed: false, absent: true, answers: s },
      { exam_id: 'A3', id_number: D, passed: true, answers: s + 'A' },
    ]);
    const f = await run('EV-ANSWERS');
    expect(ids(f)).toEqual(['A1']);
    expect(f[0].evidence).toMatchObject({ pairs: 1, candidates_compared: 3 });
    expect(rowsOf(f[0])).toEqual([expect.objectContaining({ id_number_a: A, id_number_b: B, answers: 20, equal: 19, share: 0.95 })]);
    expect(f[0].summary).toContain(`${maskId(A)} 与 ${maskId(B)} 的 20 题中 19 题答案相同`);
    expect(f[0].institution_id).toBe('IE1');
    expect(ids(await run('EV-ANSWERS', { min_equal_share: 0.9 }))).toEqual(['A1']);
    expect(((await run('EV-ANSWERS', { min_equal_share: 0.9 }))[0].evidence as { pairs: number }).pairs).toBe(2);
    expect(ids(await run('EV-ANSWERS', { min_answers: 19 }))).toEqual(['A1', 'A2']);
  });
  it('EV-CLASH: 1 minute of overlap vs touching exams; examiner who is staff of the trainees’ institution on the exam date', async () => {
    await insert(st.db, 'exams', [
      exam('C1', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { examiner_id_numbers: `${D};110101197001010011` }),
      exam('C2', 'IE2', 4, '2023-08-01 10:59:00', '2023-08-01 12:00:00'),
      exam('C3', 'IE1', 4, '2023-08-01 11:00:00', '2023-08-01 12:00:00', { examiner_id_numbers: '110101197001010022' }),
      exam('N1', 'IE1', 4, '2023-08-01 23:30:00', '2023-08-02 00:30:00'), // spans midnight
      exam('N2', 'IE2', 4, '2023-08-02 00:00:00', '2023-08-02 01:00:00'),
    ]);
    await insert(st.db, 'exam_results', [
      { exam_id: 'C1', id_number: A, passed: true },
      { exam_id: 'C2', id_number: A, passed: true },
      { exam_id: 'C1', id_number: B, passed: true },
      { exam_id: 'C3', id_number: B, passed: true },
      { exam_id: 'C2', id_number: C, passed: false, absent: true },
      { exam_id: 'C1', id_number: C, passed: true },
      { exam_id: 'N1', id_number: N, passed: true },
      { exam_id: 'N2', id_number: N, passed: false },
    ]);
    await insert(st.db, 'classes', [
      { class_id: 'CL1', institution_id: 'IT', project_id: 'PR', mode: 'offline', start_date: '2023-06-01', end_date: '2023-07-01', planned_hours: 40 },
    ]);
    await insert(st.db, 'enrollments', [
      { class_id: 'CL1', id_number: A },
      { class_id: 'CL1', id_number: B },
    ]);
    await insert(st.db, 'staff', [
      { institution_id: 'IT', id_number: D, role: 'teacher', from: '2023-01-01', to: null },
      { institution_id: 'IT', id_number: '110101197001010022', role: 'teacher', from: '2022-01-01', to: '2023-07-31' }, // left before C3
      { institution_id: 'IE2', id_number: '110101197001010011', role: 'examiner', from: null, to: null }, // no C1 trainee there
    ]);
    const f = await run('EV-CLASH');
    expect(ids(f)).toEqual([A, D, N]);
    const [a, d, n] = f;
    expect(rowsOf(n)).toEqual([expect.objectContaining({ exam_id: 'N1', other_exam_id: 'N2', overlap_minutes: 30 })]);
    expect(a.evidence).toMatchObject({ candidate_clashes: 1, examiner_conflicts: 0 });
    expect(rowsOf(a)).toEqual([expect.objectContaining({ kind: 'candidate', exam_id: 'C1', other_exam_id: 'C2', overlap_minutes: 1 })]);
    expect(a.summary).toContain('重叠 1 分钟');
    expect(d.evidence).toMatchObject({ candidate_clashes: 0, examiner_conflicts: 1 });
    expect(rowsOf(d)).toEqual([expect.objectContaining({ kind: 'examiner', exam_id: 'C1', staff_institution_id: 'IT', candidates_n: 2, class_id: 'CL1' })]);
    expect(d.summary).toContain(maskId(D));
    expect(d.related).toEqual(expect.arrayContaining([{ type: 'institution', id: 'IT' }, { type: 'class', id: 'CL1' }, { type: 'exam', id: 'C1' }]));
    expect(ids(await run('EV-CLASH', { min_overlap_minutes: 2 }))).toEqual([D, N]);
    expect(ids(await run('EV-CLASH', { min_overlap_minutes: 31 }))).toEqual([D]);
  });
});
