import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run as runRule } from '../../kit/testkit.ts';
import { exam, ids, OCC, rowsOf, rule, useEvalStore } from './testdata.ts';

describe.each(ENGINES)('EV-SCOPE on %s', (engine) => {
  const st = useEvalStore(engine);
  const run = (id: string, o: Record<string, unknown> = {}) => runRule(st.db, rule(id), o);

  it('EV-SCOPE: level, validity end, termination day, unknown institution', async () => {
    await insert(st.db, 'eval_scopes', [
      { institution_id: 'IE1', occupation_code: OCC, levels: '3;4;5', valid_from: '2023-01-01', valid_to: '2023-12-31' },
      { institution_id: 'IE2', occupation_code: OCC, levels: '4', valid_from: null, valid_to: null },
      { institution_id: 'IE3', occupation_code: OCC, levels: '4', valid_from: null, valid_to: null },
    ]);
    await insert(st.db, 'exams', [
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
});
