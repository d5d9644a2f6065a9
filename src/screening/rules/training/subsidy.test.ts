import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../../ids/index.ts';
import { ENGINES, freshStore, type TestStore } from '../../../store/testing.ts';
import { insert, run, truncateAll } from '../../kit/testkit.ts';
import { SUBSIDY_RULES } from './subsidy.ts';

const [REPEAT, FREQ] = SUBSIDY_RULES as [(typeof SUBSIDY_RULES)[0], (typeof SUBSIDY_RULES)[0]];
const A = makeIdNumber({ regionCode: '110101', birthDate: '1990-01-01', seq: 1 });
const B = makeIdNumber({ regionCode: '110101', birthDate: '1991-01-01', seq: 3 });

describe.each(ENGINES)('training subsidy rules on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  beforeEach(async () => truncateAll(s.db));

  /** One class per entry: [class_id, institution, project, start_date]; each gets its own claim with the given people. */
  const classes = async (list: [string, string, string, string, string[], string?][]) => {
    await insert(s.db, 'classes', list.map(([class_id, institution_id, project_id, start_date]) => ({ class_id, institution_id, project_id, mode: 'offline', start_date, end_date: start_date, planned_hours: 10 })));
    await insert(s.db, 'claims', list.map(([class_id, institution_id, , start_date, , status]) => ({ claim_id: `K-${class_id}`, institution_id, class_id, submitted_on: start_date, amount: 100, status: status ?? null })));
    await insert(s.db, 'claim_items', list.flatMap(([class_id, , , , people]) => people.map((id_number) => ({ claim_id: `K-${class_id}`, id_number, amount: 100 }))));
  };
  const projects = async () =>
    insert(s.db, 'projects', [
      { project_id: 'P-E4', name: '电工中级', occupation_code: '6-31-01-03', level: 4, standard_hours: 80, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
      { project_id: 'P-E4b', name: '电工中级（第二期）', occupation_code: '6-31-01-03', level: 4, standard_hours: 80, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
      { project_id: 'P-E3', name: '电工高级', occupation_code: '6-31-01-03', level: 3, standard_hours: 80, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
      { project_id: 'P-X', name: '无职业编码', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
    ]);

  it('TR-REPEAT: same occupation+level in two classes (different institutions) flags; other level, rejected claims, no occupation do not', async () => {
    await projects();
    await classes([
      ['C1', 'I1', 'P-E4', '2022-03-01', [A, B]],
      ['C2', 'I2', 'P-E4b', '2023-05-01', [A]],
      ['C3', 'I1', 'P-E3', '2023-06-01', [B]],
      ['C4', 'I1', 'P-E4', '2023-07-01', [B], 'rejected'],
      ['C5', 'I1', 'P-X', '2023-01-01', [B]],
      ['C6', 'I1', 'P-X', '2023-02-01', [B]],
    ]);
    const f = await run(s.db, REPEAT);
    expect(f.map((x) => x.subject.id)).toEqual([A]);
    expect(f[0]!.institution_id).toBe('I2');
    expect(f[0]!.summary).toContain('6-31-01-03（4级）');
    expect(f[0]!.summary).toContain('2 次');
    expect((f[0]!.evidence.rows as { class_id: string }[]).map((r) => r.class_id)).toEqual(['C1', 'C2']);
    expect(f[0]!.score).toBeGreaterThan(0.5);
    expect(await run(s.db, REPEAT, { max_per_occupation_level: 2 })).toEqual([]);
  });

  it('TR-REPEAT counts claim items: two non-rejected claims listing one person for one class are two subsidies; a rejected second claim is not', async () => {
    await projects();
    await classes([['C3', 'I1', 'P-E3', '2023-06-01', [A, B]]]);
    await insert(s.db, 'claims', [
      { claim_id: 'K-C3b', institution_id: 'I1', class_id: 'C3', submitted_on: '2023-06-02', amount: 100 },
      { claim_id: 'K-C3r', institution_id: 'I1', class_id: 'C3', submitted_on: '2023-06-03', amount: 100, status: 'rejected' },
    ]);
    await insert(s.db, 'claim_items', [
      { claim_id: 'K-C3b', id_number: B, amount: 100 },
      { claim_id: 'K-C3r', id_number: A, amount: 100 },
    ]);
    const f = await run(s.db, REPEAT);
    expect(f.map((x) => x.subject.id)).toEqual([B]);
    expect(f[0]!.summary).toContain('重复享受培训补贴 2 次（补贴申领 K-C3、K-C3b，培训班 C3，');
    expect((f[0]!.evidence.rows as { claim_id: string }[]).map((r) => r.claim_id)).toEqual(['K-C3', 'K-C3b']);
    expect(f[0]!.related).toContainEqual({ type: 'claim', id: 'K-C3b' });
  });

  it('TR-FREQ counts claim items: 3 classes plus a second claim for one of them in a year is 4', async () => {
    await projects();
    await classes([
      ['C1', 'I1', 'P-X', '2023-01-01', [A, B]],
      ['C2', 'I1', 'P-X', '2023-04-01', [A, B]],
      ['C3', 'I2', 'P-X', '2023-08-01', [A, B]],
    ]);
    await insert(s.db, 'claims', [{ claim_id: 'K-C3b', institution_id: 'I2', class_id: 'C3', submitted_on: '2023-09-01', amount: 100 }]);
    await insert(s.db, 'claim_items', [{ claim_id: 'K-C3b', id_number: A, amount: 100 }]);
    const f = await run(s.db, FREQ);
    expect(f.map((x) => x.subject.id)).toEqual([A]);
    expect(f[0]!.summary).toContain('2023 年享受培训补贴 4 次');
    expect(f[0]!.summary).toContain('培训班 C1、C2、C3，');
  });

  it('TR-FREQ: 4 classes in one year flags, 3 does not, a null claim status counts, years are split by class start', async () => {
    await projects();
    await classes([
      ['C1', 'I1', 'P-X', '2023-01-01', [A, B]],
      ['C2', 'I1', 'P-X', '2023-04-01', [A, B]],
      ['C3', 'I2', 'P-X', '2023-08-01', [A, B]],
      ['C4', 'I2', 'P-X', '2023-12-31', [A]],
      ['C5', 'I2', 'P-X', '2024-01-01', [B]],
      ['C6', 'I2', 'P-X', '2022-12-31', [B]],
      ['C7', 'I2', 'P-X', '2023-06-01', [B], 'rejected'],
    ]);
    const f = await run(s.db, FREQ);
    expect(f.map((x) => x.subject.id)).toEqual([A]);
    expect(f[0]!.summary).toContain('2023 年享受培训补贴 4 次');
    expect(f[0]!.summary).toContain('涉及 2 家机构');
    expect(f[0]!.institution_id).toBe('I2');
    expect((await run(s.db, FREQ, { max_per_year: 2 })).map((x) => x.subject.id).sort()).toEqual([A, B].sort());
  });
});
