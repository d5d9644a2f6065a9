import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run as runRule } from '../../kit/testkit.ts';
import { maskId } from '../../kit/index.ts';
import { condZh, DEFAULT_CONDITIONS, parseConditions } from './eligibility.ts';
import { exam, ids, OCC, OCC2, rowsOf, rule, useEvalStore } from './testdata.ts';

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

describe.each(ENGINES)('EV-ELIGIBILITY on %s', (engine) => {
  const st = useEvalStore(engine);
  const run = (id: string, o: Record<string, unknown> = {}) => runRule(st.db, rule(id), o);

  it('EV-ELIGIBILITY: years at the edge, certificate issued before the exam, cited and revoked certificates', async () => {
    await insert(st.db, 'exams', [
      exam('XL3', 'IE1', 3, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('XL4', 'IE1', 4, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
      exam('XL5', 'IE1', 5, '2023-08-01 09:00:00', '2023-08-01 11:00:00'),
    ]);
    const p = (n: number) => `1101011990030700${String(n).padStart(2, '0')}`;
    await insert(st.db, 'certificates', [
      { certificate_no: 'Z1', id_number: p(1), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2022-01-01' },
      { certificate_no: 'Z2', id_number: p(2), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2022-01-01' },
      { certificate_no: 'Z3', id_number: p(3), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2023-08-01' },
      { certificate_no: 'Z9', id_number: '110101196001010000', occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2020-01-01' },
      { certificate_no: 'Z14', id_number: p(14), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2021-01-01' },
      { certificate_no: 'Z5', id_number: p(5), occupation_code: OCC, level: 4, institution_id: 'IE1', issued_on: '2020-01-01', status: 'revoked' },
      { certificate_no: 'Z6', id_number: p(6), occupation_code: OCC2, level: 4, institution_id: 'IE1', issued_on: '2020-01-01' },
    ]);
    const res = (exam_id: string, n: number, more: Record<string, unknown>) => ({ exam_id, id_number: p(n), passed: true, ...more });
    await insert(st.db, 'exam_results', [
      res('XL3', 1, { basis: 'prior_certificate', experience_years: 5 }), // ok
      res('XL3', 2, { basis: 'experience', experience_years: 4.9 }), // years short
      res('XL3', 3, { basis: 'experience', experience_years: 10 }), // certificate issued on the exam day
      res('XL3', 4, { basis: 'education', experience_years: 2, prior_certificate_no: 'Z9' }), // cites someone else's certificate: forged
      res('XL3', 14, { basis: 'education', experience_years: 2, prior_certificate_no: 'Z14' }), // cites the certificate they hold: ok
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
    expect(ids(f)).toEqual([p(2), p(3), p(4), p(5), p(6), p(11), p(13)]);
    const f2 = f[0];
    expect(f2.summary).toContain(maskId(p(2)));
    expect(f2.summary).toContain('持本职业四级/中级工证书且（工作满5年或（学历条件且工作满2年））');
    expect(f2.summary).toContain('工作年限 4.9年');
    expect(f2.institution_id).toBe('IE1');
    expect(rowsOf(f2)).toEqual([expect.objectContaining({ exam_id: 'XL3', held_levels: '4', experience_years: 4.9 })]);
    expect(rowsOf(f[1])).toEqual([expect.objectContaining({ held_levels: null })]);
    // Citing someone else's certificate: the candidate holds nothing, the summary says 伪造报名资格,
    // and the real holder appears only masked.
    const forged = f[2];
    expect(forged.summary).toContain(`引用的前置证书 Z9 属于他人（${maskId('110101196001010000')}，伪造报名资格）`);
    expect(forged.severity).toBe('high');
    expect(forged.evidence).toMatchObject({ forged_citation: true, cited_certificate: { certificate_no: 'Z9', holder: maskId('110101196001010000'), level: 4 } });
    expect(JSON.stringify(forged)).not.toContain('110101196001010000');
    expect(forged.related).toContainEqual({ type: 'certificate', id: 'Z9' });
    expect(f[0].evidence).toMatchObject({ forged_citation: false });
    expect(f[0].summary).toMatch(/申报依据 工作年限$/);
    expect(f[6].summary).toMatch(/申报依据 未填$/);
    // The table is a setting: level 3 only needs L4, level 4 nothing.
    const g = await run('EV-ELIGIBILITY', { conditions: '4:;3:L4' });
    expect(ids(g)).toEqual([p(3), p(4), p(5), p(6)]);
    await expect(run('EV-ELIGIBILITY', { conditions: '3:L4&' })).rejects.toThrow(/格式错误/);
  });
});
