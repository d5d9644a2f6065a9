import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../src/importer/import.ts';
import type { Db } from '../src/store/db.ts';
import { openStore } from '../src/store/index.ts';
import { tempDir, writeText } from './import-fixtures.ts';

/**
 * Round trip through the importer's own scanner and DuckDB's reader together: random
 * quoting, embedded newlines, commas, blank lines and rows with a wrong column count; every
 * good row must come back with its text and physical line, every bad one be quarantined
 * at its line.
 */
describe('random CSV round trip', () => {
  let db: Db;
  const dirs: string[] = [];
  beforeAll(async () => {
    db = await openStore({ db: ':memory:' });
  });
  afterAll(async () => {
    await db.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // The importer trims spaces, tabs and ideographic spaces (see validate.ts), nothing else.
  const trim = (s: string) => s.replace(/^[ \t\u3000]+|[ \t\u3000]+$/g, '');
  const text = fc.oneof(fc.constantFrom('张三', 'a,b', 'say "hi"', 'l1\nl2', 'x\r\ny', '"', 'O\'Neil'), fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme' }).filter((s) => trim(s) !== ''));
  const row = fc.record({ name: text, phone: fc.option(text, { nil: '' }), shape: fc.constantFrom('ok', 'ok', 'ok', 'short', 'long', 'blank-before') });
  const quote = (v: string) => (/[",\r\n]/.test(v) || v !== trim(v) ? `"${v.replace(/"/g, '""')}"` : v);

  it('every good row keeps its text and line; every bad one is quarantined at its line', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 25 }), fc.constantFrom('\n', '\r\n'), async (rows, eol) => {
        const d = tempDir('zhili-rt-');
        dirs.push(d);
        let out = 'id_number,name,phone';
        let line = 1;
        const good: { id: string; name: string; phone: string | null; line: number }[] = [];
        const bad: number[] = [];
        rows.forEach((r, i) => {
          const id = `1101051990${String(i).padStart(8, '0')}`;
          if (r.shape === 'blank-before') {
            out += eol;
            line++;
          }
          const cells = r.shape === 'short' ? [id, quote(r.name)] : r.shape === 'long' ? [id, quote(r.name), quote(r.phone), 'x'] : [id, quote(r.name), quote(r.phone)];
          out += eol;
          line++;
          const at = line;
          const rec = cells.join(',');
          line += rec.split('\n').length - 1;
          out += rec;
          if (r.shape === 'short' || r.shape === 'long') bad.push(at);
          else good.push({ id, name: trim(r.name), phone: trim(r.phone) === '' ? null : trim(r.phone), line: at });
        });
        writeText(d, 'persons.csv', out);
        await db.exec('DELETE FROM persons; DELETE FROM import_files; DELETE FROM import_quarantine');
        const rep = await importDataset(db, d);
        const loaded = await db.query<{ id_number: string; name: string; phone: string | null; src_line: number }>(
          'SELECT id_number, name, phone, src_line FROM persons ORDER BY src_line',
        );
        expect(loaded.map((p) => ({ id: p.id_number, name: p.name, phone: p.phone, line: p.src_line }))).toEqual(good);
        expect(rep.quarantine.map((q) => q.line)).toEqual(bad);
        expect(rep.files[0]!.read).toBe(rows.length);
      }),
      { numRuns: 30 },
    );
  });
});
