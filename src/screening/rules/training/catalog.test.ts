import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, freshStore, type TestStore } from '../../../store/testing.ts';
import { insert, run, truncateAll } from '../../kit/testkit.ts';
import { CATALOG_RULES } from './catalog.ts';

const byId = Object.fromEntries(CATALOG_RULES.map((r) => [r.id, r]));
const CATALOG = byId['TR-CATALOG']!;
const LOW_YIELD = byId['TR-LOW-YIELD']!;

const cls = (class_id: string, institution_id: string, project_id: string, start_date: string) => ({
  class_id, institution_id, project_id, mode: 'offline', start_date, end_date: start_date, planned_hours: 10,
});
const proj = (project_id: string, category: string, catalog_from: string, catalog_to: string | null = null) => ({
  project_id, name: `项目${project_id}`, category, standard_hours: 10, subsidy_per_person: 100000, catalog_from, catalog_to,
});

describe.each(ENGINES)('training catalog rules on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  beforeEach(async () => truncateAll(s.db));

  it('TR-CATALOG: inclusive ranges on the class start date, open ends, unknown project, never-listed institution, expired licence', async () => {
    await insert(s.db, 'institutions', [
      { institution_id: 'I1', name: '甲', uscc: 'X', kind: 'training', region_code: '440106', subsidy_catalog_from: '2023-01-01', subsidy_catalog_to: '2023-06-30', license_no: 'L1', license_valid_to: '2023-06-30' },
      { institution_id: 'I2', name: '乙', uscc: 'Y', kind: 'training', region_code: '440105', subsidy_catalog_from: null },
      { institution_id: 'I3', name: '丙', uscc: 'Z', kind: 'training', region_code: '440104', subsidy_catalog_from: '2023-01-01' },
    ]);
    await insert(s.db, 'projects', [proj('P1', 'employment', '2023-01-01', '2023-06-30'), proj('P2', 'employment', '2023-07-01')]);
    await insert(s.db, 'classes', [
      cls('C1', 'I1', 'P1', '2023-06-30'), // last day of everything: fine
      cls('C2', 'I1', 'P1', '2023-07-01'), // one day past: project, institution and licence out
      cls('C3', 'I3', 'P2', '2023-06-30'), // a day before the project's listing
      cls('C4', 'I2', 'P2', '2023-08-01'), // institution never listed
      cls('C5', 'I3', 'PX', '2023-08-01'), // project unknown
      cls('C6', 'I3', 'P2', '2023-07-01'), // fine (open end)
      cls('C7', 'I3', 'PX', '2023-08-01'), // out of catalog but only a rejected claim
    ]);
    await insert(s.db, 'claims', ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'C7'].map((c) => ({ claim_id: `K${c}`, institution_id: 'I1', class_id: c, submitted_on: '2023-09-01', amount: 100000, status: c === 'C7' ? 'rejected' : 'paid' })));
    const f = await run(s.db, CATALOG);
    expect(f.map((x) => [x.subject.id, x.evidence.flags])).toEqual([
      ['C2', ['project_out', 'institution_out', 'license_expired']],
      ['C3', ['project_out']],
      ['C4', ['institution_out']],
      ['C5', ['project_out']],
    ]);
    expect(f[0]!.summary).toContain('项目 P1 的目录期为 2023-01-01 至 2023-06-30');
    expect(f[0]!.summary).toContain('办学许可证 L1已于 2023-06-30 到期');
    expect(f[0]!.summary).toContain('申领补贴 1,000.00元');
    expect(f[2]!.summary).toContain('补贴机构目录期为 （未列入） 至 今');
    expect(f[3]!.summary).toContain('项目 PX 不在补贴项目目录中');
    expect(f[0]!.score).toBeGreaterThan(f[1]!.score);
  });

  it('TR-LOW-YIELD: 14 of 50 employed flags, 15 of 50 does not, 49 completers are too few; any subsidised interest class flags', async () => {
    await insert(s.db, 'institutions', ['I1', 'I2', 'I3', 'I4'].map((id) => ({ institution_id: id, name: id, uscc: id, kind: 'training', region_code: '440106' })));
    await insert(s.db, 'projects', [proj('PE', 'employment', '2020-01-01'), proj('PU', 'upgrading', '2020-01-01'), proj('PI', 'interest', '2020-01-01')]);
    await insert(s.db, 'classes', [
      cls('C1a', 'I1', 'PE', '2023-07-01'), cls('C1b', 'I1', 'PE', '2023-08-01'),
      cls('C2', 'I2', 'PE', '2023-07-01'),
      cls('C3', 'I3', 'PE', '2023-07-01'), cls('C3u', 'I3', 'PU', '2023-07-01'),
      cls('C4', 'I4', 'PI', '2023-07-01'), cls('C4b', 'I4', 'PI', '2023-07-02'),
    ]);
    const enr = (class_id: string, prefix: string, n: number, employed: number, extra: Record<string, unknown> = {}) =>
      Array.from({ length: n }, (_, k) => ({ class_id, id_number: `${prefix}${k}`, completed: true, employed: k < employed ? true : k % 2 ? false : null, ...extra }));
    await insert(s.db, 'enrollments', [
      ...enr('C1a', 'a', 25, 7), ...enr('C1b', 'b', 25, 7), // 14/50 = 28 %
      ...enr('C1b', 'x', 5, 0, { completed: false }), // not completers
      ...enr('C2', 'c', 50, 15), // 30 %: not below
      ...enr('C3', 'd', 49, 0), ...enr('C3u', 'e', 20, 0), // 49 employment completers: too few
    ]);
    await insert(s.db, 'claims', [
      { claim_id: 'K4', institution_id: 'I4', class_id: 'C4', submitted_on: '2023-08-01', amount: 500000 },
      { claim_id: 'K4b', institution_id: 'I4', class_id: 'C4b', submitted_on: '2023-08-01', amount: 500000, status: 'rejected' },
    ]);
    const f = await run(s.db, LOW_YIELD);
    expect(f.map((x) => x.subject.id)).toEqual(['I1', 'I4']);
    expect(f[0]!.evidence.employment).toEqual({ completers: 50, employed: 14, rate: 0.28, classes: 2 });
    expect(f[0]!.summary).toContain('结业 50 人仅 14 人就业（就业率 28%，低于 30%）');
    expect(f[1]!.evidence.interest_classes).toEqual([expect.objectContaining({ class_id: 'C4', claimed: 500000 })]);
    expect(f[1]!.summary).toContain('申领补贴 5,000.00元');
    expect((await run(s.db, LOW_YIELD, { min_completers: 49 })).map((x) => x.subject.id)).toEqual(['I1', 'I3', 'I4']);
  });
});
