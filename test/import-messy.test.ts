import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset, type ImportReport } from '../src/importer/import.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { generate, type Manifest } from '../src/synth/generate.ts';
import { dumpAll, tempDir } from './import-fixtures.ts';

/** The generator's messy province: every encoding, header style, container and planted broken row. */
describe('messy synthetic province', () => {
  let root: string;
  let dir: string;
  let manifest: Manifest;
  const stores: Partial<Record<(typeof ENGINES)[number], TestStore>> = {};
  const reports: Partial<Record<(typeof ENGINES)[number], ImportReport>> = {};

  beforeAll(async () => {
    root = tempDir('zhili-messy-');
    dir = join(root, 'province');
    const g = await generate({ out: dir, scale: 0.02, seed: 11, variant: 'messy' });
    manifest = JSON.parse(readFileSync(g.manifest, 'utf8')) as Manifest;
    for (const engine of ENGINES) {
      const s = await freshStore(engine);
      stores[engine] = s;
      reports[engine] = await importDataset(s.db, dir);
    }
  });
  afterAll(async () => {
    for (const s of Object.values(stores)) await s?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it.each(ENGINES)('%s: per file, rows read and quarantined lines match the manifest', (engine) => {
    const r = reports[engine]!;
    expect(r.files).toHaveLength(manifest.files.length);
    for (const f of manifest.files) {
      const name = f.sheet ? `${f.file}#${f.sheet}` : f.file;
      const got = r.files.find((x) => x.file === name);
      expect(got, name).toBeDefined();
      expect([name, got!.read, got!.quarantined, got!.read - got!.loaded]).toEqual([name, f.rows, f.malformed, f.malformed]);
      const lines = r.quarantine.filter((q) => q.file === name).map((q) => ({ line: q.line, column: q.column }));
      expect(lines, name).toEqual(f.malformed_rows.map((m) => ({ line: m.line, column: m.column })));
      expect(got!.extraColumns, name).toEqual(f.extra_columns ?? []);
    }
  });

  it('DuckDB and PostgreSQL hold identical contents', async () => {
    const a = await dumpAll(stores.duckdb!.db);
    const b = await dumpAll(stores.postgres!.db);
    for (const t of Object.keys(a)) expect(b[t], t).toEqual(a[t]);
    expect(a.attendance!.length).toBeGreaterThan(1000);
  });
});
