/**
 * Effects survive imports (WORKFLOW.md): a certificate voided by a measure stays void when a
 * later export file lists it again as `valid` (here: a second certificates file for the same
 * number), and the export's own value stays recorded beside the effective one. Both engines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../importer/import.ts';
import { ENGINES, freshStore, type TestStore } from '../store/testing.ts';
import { applyEffects, effectsOf } from './effects.ts';

const HEAD = 'certificate_no,id_number,occupation_code,level,institution_id,exam_id,issued_on,status,uploaded_on\n';

describe.each(ENGINES)('measure effects across imports on %s', (engine) => {
  let s: TestStore;
  let dir: string;
  beforeAll(async () => {
    s = await freshStore(engine);
    dir = mkdtempSync(join(tmpdir(), 'zhili-effects-'));
  });
  afterAll(async () => {
    await s?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a voided certificate stays void when a later file says valid', async () => {
    writeFileSync(join(dir, 'certificates.csv'), `${HEAD}Z001,110101199003071234,6-29-03-01,4,I2,,2023-05-01,valid,2023-05-10\nZ002,110101199003071250,6-29-03-01,4,I2,,2023-05-01,valid,2023-05-10\n`);
    await importDataset(s.db, dir);
    await s.db.transaction(() => applyEffects(s.db, 'CS-TEST', [{ target: 'certificates.status', key: 'Z001', value: 'void' }]));
    // The department's next export lists Z001 again (another holder's row), still `valid`.
    writeFileSync(join(dir, 'certificates-2.csv'), `${HEAD}Z001,440106199104052345,6-29-03-01,4,I2,,2023-05-01,valid,2023-05-10\n`);
    const report = await importDataset(s.db, dir);
    expect(report.files.find((f) => f.file === 'certificates-2.csv')?.loaded).toBe(1);
    const rows = await s.db.query<{ certificate_no: string; status: string }>('SELECT certificate_no, status FROM certificates ORDER BY certificate_no, id_number');
    expect(rows).toEqual([
      { certificate_no: 'Z001', status: 'void' },
      { certificate_no: 'Z001', status: 'void' },
      { certificate_no: 'Z002', status: 'valid' },
    ]);
    expect(await effectsOf(s.db, 'certificates', 'Z001')).toEqual([{ column: 'status', exported_value: 'valid', effective_value: 'void', measure_id: 'CS-TEST' }]);
  });
});
