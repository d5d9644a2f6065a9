import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run as runRule } from '../../kit/testkit.ts';
import { maskId } from '../../kit/index.ts';
import { A, B, C, D, exam, ids, OCC, OCC2, OCC3, rowsOf, rule, useEvalStore } from './testdata.ts';

describe.each(ENGINES)('EV-NO-EXAM / EV-MILL / EV-CAPACITY / EV-CERT-DATA on %s', (engine) => {
  const st = useEvalStore(engine);
  const run = (id: string, o: Record<string, unknown> = {}) => runRule(st.db, rule(id), o);

  it('EV-NO-EXAM: no passed result, absent, issued before the exam ended (by day)', async () => {
    await insert(st.db, 'exams', [
      exam('XA', 'IE1', 4, '2023-08-02 09:00:00', '2023-08-02 17:00:00'),
      exam('XB', 'IE1', 4, '2023-08-31 09:00:00', '2023-09-01 17:00:00'),
    ]);
    await insert(st.db, 'exam_results', [
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
    await insert(st.db, 'certificates', [
      cert('N1', A, '2023-08-02', { exam_id: 'XA' }), // ok: same day as the exam end
      cert('N6', A, '2023-08-15', { exam_id: 'XB' }), // cites an exam that ends later
      cert('N3', B, '2023-08-10'),
      cert('N4', C, '2023-08-10'),
      cert('N5', A, '2023-08-10', { level: 3 }),
      cert('N2', D, '2023-08-01'),
    ]);
    await insert(st.db, 'exam_results', [{ exam_id: 'XA', id_number: D, passed: true }]);
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
  it('EV-MILL: 3 occupations within 30 days vs 31 days', async () => {
    const cert = (certificate_no: string, id_number: string, occupation_code: string, issued_on: string, level = 4) => ({
      certificate_no,
      id_number,
      occupation_code,
      level,
      institution_id: 'IE1',
      issued_on,
    });
    await insert(st.db, 'certificates', [
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
    await insert(st.db, 'exams', [
      exam('K1', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: 2 }),
      exam('K2', 'IE1', 4, '2023-08-02 09:00:00', '2023-08-02 11:00:00', { capacity: 10 }),
      exam('K3', 'IE2', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: 2 }),
      exam('K4', 'IE2', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00', { capacity: null }),
    ]);
    await insert(st.db, 'exam_results', [
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
    await insert(st.db, 'certificates', [
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
    await insert(st.db, 'certificates', [
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
