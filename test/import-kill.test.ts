import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { importDataset } from '../src/importer/import.ts';
import { openStore } from '../src/store/index.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { dumpAll, tempDir, writeText } from './import-fixtures.ts';

const FILES = 8;
const ROWS = 15000;

/** persons plus attendance split over several files, with duplicates across files and bad rows. */
function bigDataset(): string {
  const d = tempDir('zhili-kill-');
  const persons = ['id_number,name'];
  for (let i = 0; i < 500; i++) persons.push(`1101051990010${String(i).padStart(5, '0')},人员${i}`);
  writeText(d, 'persons.csv', persons.join('\n'));
  for (let f = 1; f <= FILES; f++) {
    const lines = ['session_id,id_number,checked_at,face_score'];
    for (let i = 0; i < ROWS; i++) {
      // Keys overlap with the previous file's last rows: duplicates judged across files.
      const k = (f - 1) * ROWS + i - (i < 50 && f > 1 ? 50 : 0);
      const bad = i % 997 === 0 ? 'bad' : `2023-07-0${1 + (k % 9)} 08:${String(k % 60).padStart(2, '0')}:00`;
      lines.push(`S${Math.floor(k / 500)},1101051990010${String(k % 600).padStart(5, '0')},${bad},0.${k % 100}`);
    }
    writeText(d, `attendance-${f}.csv`, lines.join('\n'));
  }
  return d;
}

/** Run the import in a child process and SIGKILL it once `after` files are done. */
async function killMidway(dir: string, target: TestStore['target'], after: number): Promise<{ killed: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/import-child.ts', dir, JSON.stringify(target)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let done = 0;
  let finished = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (line.startsWith('done ')) done++;
      if (line === 'finished') finished = true;
      if (done === after && !child.killed) child.kill('SIGKILL');
    }
  });
  await new Promise((r) => child.on('exit', r));
  return { killed: !finished };
}

describe.each(ENGINES)('kill -9 and rerun on %s', (engine) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('ends in exactly the state of an uninterrupted import', async () => {
    const dir = bigDataset();
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));

    const whole = await freshStore(engine);
    cleanup.push(() => whole.drop());
    const report = await importDataset(whole.db, dir);
    expect(report.files).toHaveLength(FILES + 1);
    expect(report.quarantine.some((q) => q.reason === '重复主键' && q.file === 'attendance-2.csv')).toBe(true);
    const expected = await dumpAll(whole.db);

    const killed = await freshStore(engine);
    cleanup.push(() => killed.drop());
    await killed.db.close(); // the child process owns the store now (DuckDB allows one writer)
    const run = await killMidway(dir, killed.target, 3);
    expect(run.killed).toBe(true);

    const db = await openStore(killed.target);
    try {
      const partial = await db.query<{ n: number }>('SELECT count(*) AS n FROM import_files');
      expect(partial[0]!.n).toBeGreaterThanOrEqual(3);
      expect(partial[0]!.n).toBeLessThan(FILES + 1);
      const again = await importDataset(db, dir);
      // Files committed before the kill are skipped; the rest are loaded now.
      expect(again.alreadyImported).toHaveLength(partial[0]!.n);
      expect({ ...again, alreadyImported: [] }).toEqual(report);
      expect(await dumpAll(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  });
});
