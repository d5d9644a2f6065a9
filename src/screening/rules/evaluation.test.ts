import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, freshStore, type TestStore } from '../../store/testing.ts';
import type { Finding, Rule } from '../types.ts';
import { condZh, DEFAULT_CONDITIONS, EVALUATION_RULES, parseConditions, similarPairs } from './evaluation.ts';
import { insert, run as runRule, truncateAll } from '../kit/testkit.ts';
import { maskId } from '../kit/index.ts';

const rule = (id: string): Rule => EVALUATION_RULES.find((r) => r.id === id)!;
const ids = (f: Finding[]) => f.map((x) => x.subject.id);
const rowsOf = (f: Finding) => f.evidence.rows as Record<string, unknown>[];

const OCC = '4-07-05-04';
const OCC2 = '4-01-02-01';
const OCC3 = '6-29-03-01';
const A = '110101199003071234';
const B = '110101199104081235';
const C = '440106198805051236';
const D = '440106198805051237';
const N = '440106198805051299';

describe('EV-ELIGIBILITY condition table', () => {
  it('parses RULES.md default and describes it in Chinese', () => {
    const t = parseConditions(DEFAULT_CONDITIONS);
    expect([...t.keys()]).toEqual([5, 4, 3, 2, 1]);
    expect(t.get(5)).toEqual({ op: 'true' });
    expect(t.get(3)).toEqual({
      op: 'and',
      args: [
        { op: 'cert', level: 4 },
        { op: 'or', args: [{ op: 'years', years: 5 }, { op: 'and', args: [{ op: 'edu' }, { op: 'years', years: 2 }] }] },
      ],
    });
    expect(condZh(t.get(3)!)).toBe('持本职业四级/中级工证书且（工作满5年或（学历条件且工作满2年））');
    expect(parseConditions(' 4 : L5 & 4.5 | E ').get(4)).toEqual({
      op: 'or',
      args: [{ op: 'and', args: [{ op: 'cert', level: 5 }, { op: 'years', years: 4.5 }] }, { op: 'edu' }],
    });
  });
  it.each(['3:L6', '3:(L4', '6:', '3:L4;3:E', '3:L4&&5', '3:L4)', 'x', '3:Q'])('rejects %s', (bad) => {
    expect(() => parseConditions(bad)).toThrow(/conditions 格式错误/);
  });
  it('is validated as a setting', () => {
    const p = rule('EV-ELIGIBILITY').params.find((x) => x.name === 'conditions')!;
    expect(p.validate?.(DEFAULT_CONDITIONS)).toBeUndefined();
    expect(p.validate?.('3:L4&')).toMatch(/格式错误/);
  });
});

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

describe.each(ENGINES)('evaluation rules on %s', (engine) => {
  let store: TestStore;
  const run = (id: string, o: Record<string, unknown> = {}) => runRule(store.db, rule(id), o);

  beforeAll(async () => {
    store = await freshStore(engine);
  });
  afterAll(async () => store?.drop());
  beforeEach(async () => {
    await truncateAll(store.db);
    await insert(store.db, 'institutions', [
      { institution_id: 'IE1', name: '甲评价', uscc: 'U1', kind: 'evaluation', region_code: '110101', eval_registration_no: 'R1', eval_registered_on: '2023-01-01' },
      { institution_id: 'IE2', name: '乙评价', uscc: 'U2', kind: 'both', region_code: '440106', eval_registration_no: 'R2', eval_registered_on: '2022-01-01', eval_terminated_on: '2023-06-01' },
      { institution_id: 'IE3', name: '丙评价', uscc: 'U3', kind: 'evaluation', region_code: '440106', eval_registration_no: 'R3' },
      { institution_id: 'IT', name: '丁培训', uscc: 'U4', kind: 'training', region_code: '440106' },
    ]);
  });

  const exam = (exam_id: string, institution_id: string, level: number, starts_at: string, ends_at: string, more: Record<string, unknown> = {}) => ({
    exam_id,
    institution_id,
    occupation_code: OCC,
    level,
    starts_at,
    ends_at,
    ...more,
  });

  it('EV-SCOPE: level, validity end, termination day, unknown institution', async () => {
    await insert(store.db, 'eval_scopes', [
      { institution_id: 'IE1', occupation_code: OCC, levels: '3;4;5', valid_from: '2023-01-01', valid_to: '2023-12-31' },
      { institution_id: 'IE2', occupation_code: OCC, levels: '4', valid_from: null, valid_to: null },
      { institution_id: 'IE3', occupation_code: OCC, levels: '4', valid_from: null, valid_to: null },
    ]);
    await insert(store.db, 'exams', [
      exam('X1', 'IE1', 4, '2023-12-31 09:00:00', '2023-12-31 11:00:00'), // last valid day
      exam('X2', 'IE1', 2, '2023-06-01 09:00:00', '2023-06-01 11:00:00'),
      exam('X3', 'IE1', 4, '2024-01-01 09:00:00', '2024-01-01 11:00:00'),
      exam('X4', 'IE2', 4, '2023-06-01 09:00:00', '2023-06-01 11:00:00'), // termination day
      exam('X5', 'IE2', 4, '2023-05-31 09:00:00', '2023-05-31 11:00:00'),
      exam('X6', 'NOPE', 4, '2023-05-31 09:00:00', '2023-05-31 11:00:00'),
      exam('X7', 'IE3', 4, '2023-05-31 09:00:00', '2023-05-31 11:00:00'), // registration number without a date
      exam('X8', 'IE1', 4, '2022-12-31 09:00:00', '2022-12-31 11:00:00'), // before registration (and scope)
    ]);
    const f = await run('EV-SCOPE');
    expect(ids(f)).toEqual(['X2', 'X3', 'X4', 'X6', 'X8']);
    const by = Object.fromEntries(f.map((x) => [x.subject.id, x]));
    expect(by.X2.evidence).toMatchObject({ registration_problem: null, occupation_in_scope: true, level_in_scope: false });
    expect(by.X2.summary).toContain('等级 二级/技师 不在备案范围内');
    expect(by.X3.evidence).toMatchObject({ occupation_in_scope: false });
    expect(by.X4.evidence).toMatchObject({ registration_problem: 'terminated', level_in_scope: true });
    expect(by.X4.region_code).toBe('440106');
    expect(by.X6.evidence).toMatchObject({ registration_problem: 'unknown_institution' });
    expect(by.X8.evidence).toMatchObject({ registration_problem: 'not_registered' });
    expect(rowsOf(by.X3)).toEqual([expect.objectContaining({ levels: '3;4;5', valid_to: '2023-12-31' })]);
  });

  it('EV-ELIGIBILITY: years at the edge, certificate issued before the exam, cited and revoked certificates', async () => {
    await insert(store.db, 'exams', [
      exam('XL3', 'IE1', 3, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('XL4', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('XL5', 'IE1', 5, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
    ]);
    const p = (n: number) => `1101011990030700${String(n).padStart(2, '0')}`;
    await insert(store.db, 'certificates', [
      { certificate_no: 'Z1', id_number: p(1), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2022-01-01' },
      { certificate_no: 'Z2', id_number: p(2), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2022-01-01' },
      { certificate_no: 'Z3', id_number: p(3), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2023-08-01' },
      { certificate_no: 'Z9', id_number: '110101196001010000', occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2020-01-01' },
      { certificate_no: 'Z5', id_number: p(5), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2020-01-01', status: 'revoked' },
      { certificate_no: 'Z6', id_number: p(6), occupation_code: OCC2, level: 4, institution_id: 'IE1', issued_on: '2020-01-01' },
    ]);
    const res = (exam_id: string, n: number, more: Record<string, unknown>) => ({ exam_id, id_number: p(n), passed: true, ...more });
    await insert(store.db, 'exam_results', [
      res('XL3', 1, { basis: 'prior_certificate', experience_years: 5 }), // ok
      res('XL3', 2, { basis: 'experience', experience_years: 4.9 }), // years short
      res('XL3', 3, { basis: 'experience', experience_years: 10 }), // certificate issued on the exam day
      res('XL3', 4, { basis: 'education', experience_years: 2, prior_certificate_no: 'Z9' }), // cited certificate: ok
      res('XL3', 5, { basis: 'experience', experience_years: 10 }), // revoked certificate
      res('XL3', 6, { basis: 'experience', experience_years: 10 }), // other occupation's certificate
      res('XL3', 7, { passed: false, experience_years: 0 }), // failed: not judged
      res('XL3', 8, { absent: true, experience_years: 0 }), // absent: not judged
      res('XL5', 9, {}), // level 5: no condition
      res('XL4', 10, { basis: 'experience', experience_years: 6 }), // ok
      res('XL4', 11, { basis: 'experience', experience_years: 5.99 }),
      res('XL4', 12, { basis: 'education', experience_years: null }), // ok
      res('XL4', 13, { basis: null, experience_years: null }),
    ]);
    const f = await run('EV-ELIGIBILITY');
    expect(ids(f)).toEqual([p(2), p(3), p(5), p(6), p(11), p(13)]);
    const f2 = f[0];
    expect(f2.summary).toContain(maskId(p(2)));
    expect(f2.summary).toContain('持本职业四级/中级工证书且（工作满5年或（学历条件且工作满2年））');
    expect(f2.summary).toContain('工作年限 4.9年');
    expect(f2.institution_id).toBe('IE1');
    expect(rowsOf(f2)).toEqual([expect.objectContaining({ exam_id: 'XL3', held_levels: '4', experience_years: 4.9 })]);
    expect(rowsOf(f[1])).toEqual([expect.objectContaining({ held_levels: null })]);
    // The table is a setting: level 3 only needs L4, level 4 nothing.
    const g = await run('EV-ELIGIBILITY', { conditions: '4:;3:L4' });
    expect(ids(g)).toEqual([p(3), p(5), p(6)]);
    await expect(run('EV-ELIGIBILITY', { conditions: '3:L4&' })).rejects.toThrow(/格式错误/);
  });

  it('EV-NO-EXAM: no passed result, absent, issued before the exam ended (by day)', async () => {
    await insert(store.db, 'exams', [
      exam('XA', 'IE1', 4, '2023-08-02 09:00:00', '2023-08-02 17:00:00'),
      exam('XB', 'IE1', 4, '2023-08-31 09:00:00', '2023-09-01 17:00:00'),
    ]);
    await insert(store.db, 'exam_results', [
      { exam_id: 'XA', id_number: A, passed: true },
      { exam_id: 'XA', id_number: B, passed: false, theory_score: 40 },
      { exam_id: 'XA', id_number: C, passed: true, absent: true },
      { exam_id: 'XB', id_number: A, passed: true },
    ]);
    const cert = (certificate_no: string, id_number: string, issued_on: string, more: Record<string, unknown> = {}) => ({
      certificate_no,
      id_number,
      occupation_code: OCC,
      level: 4,
      institution_id: 'IE1',
      issued_on,
      ...more,
    });
    await insert(store.db, 'certificates', [
      cert('N1', A, '2023-08-02', { exam_id: 'XA' }), // ok: same day as the exam end
      cert('N6', A, '2023-08-15', { exam_id: 'XB' }), // cites an exam that ends later
      cert('N3', B, '2023-08-10'),
      cert('N4', C, '2023-08-10'),
      cert('N5', A, '2023-08-10', { level: 3 }),
      cert('N2', D, '2023-08-01'),
    ]);
    await insert(store.db, 'exam_results', [{ exam_id: 'XA', id_number: D, passed: true }]);
    const f = await run('EV-NO-EXAM');
    expect(ids(f)).toEqual(['N2', 'N3', 'N4', 'N5', 'N6']);
    const by = Object.fromEntries(f.map((x) => [x.subject.id, x]));
    expect(by.N2.evidence.reason).toBe('issued_before_exam_end');
    expect(by.N3.evidence.reason).toBe('no_passed_result');
    expect(rowsOf(by.N3)).toEqual([expect.objectContaining({ exam_id: 'XA', passed: false, theory_score: 40 })]);
    expect(by.N3.summary).toContain(maskId(B));
    expect(by.N4.evidence.reason).toBe('no_passed_result');
    expect(by.N5.evidence.reason).toBe('no_passed_result');
    expect(by.N6.evidence).toMatchObject({ reason: 'issued_before_exam_end', cited_exam_ends_at: '2023-09-01 17:00:00' });
    expect(by.N6.related).toContainEqual({ type: 'exam', id: 'XB' });
  });

  it('EV-PASS-RATE: 100 % over 30 vs 29, bunched > 50 % vs exactly 50 %, exam pass mark', async () => {
    await insert(store.db, 'exams', [
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
    await insert(store.db, 'exam_results', rows);
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
    await insert(store.db, 'exams', ['A1', 'A2', 'A3'].map((x) => exam(x, 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00')));
    const s = 'ABCDABCDABCDABCDABCD';
    await insert(store.db, 'exam_results', [
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
    await insert(store.db, 'exams', [
      exam('C1', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { examiner_id_numbers: `${D};110101197001010011` }),
      exam('C2', 'IE2', 4, '2023-08-01 10:59:00', '2023-08-01 12:00:00'),
      exam('C3', 'IE1', 4, '2023-08-01 11:00:00', '2023-08-01 12:00:00', { examiner_id_numbers: '110101197001010022' }),
      exam('N1', 'IE1', 4, '2023-08-01 23:30:00', '2023-08-02 00:30:00'), // spans midnight
      exam('N2', 'IE2', 4, '2023-08-02 00:00:00', '2023-08-02 01:00:00'),
    ]);
    await insert(store.db, 'exam_results', [
      { exam_id: 'C1', id_number: A, passed: true },
      { exam_id: 'C2', id_number: A, passed: true },
      { exam_id: 'C1', id_number: B, passed: true },
      { exam_id: 'C3', id_number: B, passed: true },
      { exam_id: 'C2', id_number: C, passed: false, absent: true },
      { exam_id: 'C1', id_number: C, passed: true },
      { exam_id: 'N1', id_number: N, passed: true },
      { exam_id: 'N2', id_number: N, passed: false },
    ]);
    await insert(store.db, 'classes', [
      { class_id: 'CL1', institution_id: 'IT', project_id: 'PR', mode: 'offline', start_date: '2023-06-01', end_date: '2023-07-01', planned_hours: 40 },
    ]);
    await insert(store.db, 'enrollments', [
      { class_id: 'CL1', id_number: A },
      { class_id: 'CL1', id_number: B },
    ]);
    await insert(store.db, 'staff', [
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

  it('EV-MILL: 3 occupations within 30 days vs 31 days', async () => {
    const cert = (certificate_no: string, id_number: string, occupation_code: string, issued_on: string, level = 4) => ({
      certificate_no,
      id_number,
      occupation_code,
      level,
      institution_id: 'IE1',
      issued_on,
    });
    await insert(store.db, 'certificates', [
      cert('M1', A, OCC, '2023-01-01'),
      cert('M2', A, OCC2, '2023-01-15'),
      cert('M3', A, OCC3, '2023-01-31'),
      cert('M4', A, OCC3, '2023-06-01'),
      cert('N1', B, OCC, '2023-01-01'),
      cert('N2', B, OCC2, '2023-01-15'),
      cert('N3', B, OCC3, '2023-02-01'),
      cert('K1', C, OCC, '2023-01-01'),
      cert('K2', C, OCC, '2023-01-02', 3),
      cert('K3', C, OCC2, '2023-01-03'),
    ]);
    const f = await run('EV-MILL');
    expect(ids(f)).toEqual([A]);
    expect(f[0].evidence).toMatchObject({ occupations: 3, window_start: '2023-01-01', window_end: '2023-01-31' });
    expect(rowsOf(f[0]).map((r) => r.certificate_no)).toEqual(['M1', 'M2', 'M3']);
    expect(f[0].summary).toContain('2023-01-01 至 2023-01-31 间取得 3 个不同职业的 3 本证书');
    expect(f[0].institution_id).toBe('IE1');
    expect(ids(await run('EV-MILL', { window_days: 31 }))).toEqual([A, B]);
  });

  it('EV-CAPACITY: certificates above capacity or above passed candidates, per institution', async () => {
    await insert(store.db, 'exams', [
      exam('K1', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: 2 }),
      exam('K2', 'IE1', 4, '2023-08-02 09:00:00', '2023-08-02 11:00:00', { capacity: 10 }),
      exam('K3', 'IE2', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: 2 }),
      exam('K4', 'IE2', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: null }),
    ]);
    await insert(store.db, 'exam_results', [
      { exam_id: 'K1', id_number: A, passed: true },
      { exam_id: 'K1', id_number: B, passed: true },
      { exam_id: 'K1', id_number: C, passed: true },
      { exam_id: 'K2', id_number: A, passed: true },
      { exam_id: 'K2', id_number: B, passed: true, absent: true },
      { exam_id: 'K3', id_number: A, passed: true },
      { exam_id: 'K3', id_number: B, passed: true },
      { exam_id: 'K4', id_number: A, passed: true },
    ]);
    const cert = (n: string, exam_id: string, id_number: string) => ({ certificate_no: n, id_number, occupation_code: OCC, level: 4, institution_id: 'IE1', exam_id, issued_on: '2023-08-10' });
    await insert(store.db, 'certificates', [
      cert('Q1', 'K1', A), cert('Q2', 'K1', B), cert('Q3', 'K1', C),
      cert('Q4', 'K2', A), cert('Q5', 'K2', B),
      cert('Q6', 'K3', A), cert('Q7', 'K3', B),
      cert('Q8', 'K4', A),
    ]);
    const f = await run('EV-CAPACITY');
    expect(ids(f)).toEqual(['IE1']);
    expect(f[0].related).toEqual([{ type: 'exam', id: 'K1' }, { type: 'exam', id: 'K2' }]);
    expect(rowsOf(f[0])).toEqual([
      expect.objectContaining({ exam_id: 'K1', capacity: 2, passed_n: 3, certificates_n: 3, over_capacity: true, over_passed: false }),
      expect.objectContaining({ exam_id: 'K2', capacity: 10, passed_n: 1, certificates_n: 2, over_capacity: false, over_passed: true }),
    ]);
    expect(f[0].region_code).toBe('110101');
    expect(f[0].summary).toContain('共 2 个批次');
  });

  it('EV-CERT-DATA: duplicate number, never uploaded, uploaded 31 days after (30 is fine)', async () => {
    const cert = (n: string, id_number: string, issued_on: string, uploaded_on: string | null) => ({
      certificate_no: n,
      id_number,
      occupation_code: OCC,
      level: 4,
      institution_id: 'IE2',
      issued_on,
      uploaded_on,
    });
    await insert(store.db, 'certificates', [
      cert('D1', A, '2023-08-01', '2023-08-02'),
      cert('D1', B, '2023-08-01', '2023-08-02'),
      cert('D2', A, '2023-08-01', null),
      cert('D3', A, '2023-08-01', '2023-08-31'),
      cert('D4', A, '2023-08-01', '2023-09-01'),
    ]);
    const f = await run('EV-CERT-DATA');
    expect(ids(f)).toEqual(['D1', 'D2', 'D4']);
    const by = Object.fromEntries(f.map((x) => [x.subject.id, x]));
    expect(by.D1).toMatchObject({ severity: 'high', evidence: { duplicate: true, never_uploaded: false } });
    expect(rowsOf(by.D1).map((r) => r.id_number)).toEqual([A, B]);
    expect(by.D1.summary).toContain(maskId(B));
    expect(by.D2).toMatchObject({ severity: 'medium', evidence: { never_uploaded: true } });
    expect(by.D4).toMatchObject({ severity: 'low', evidence: { late_upload: true } });
    expect(by.D4.summary).toContain('发证 31 天后才上传');
    expect(by.D4.region_code).toBe('440106');
  });
});
