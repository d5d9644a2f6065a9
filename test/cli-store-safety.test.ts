/**
 * The zhili command as real processes: concurrent writers, broken pipes, stores and output
 * files that are not what they should be, passwords in connection strings, file modes.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { freshStore } from '../src/store/testing.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'zhili.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `zhili …` (or a shell line using $ZHILI) in a child process. */
function zhili(args: string[], opts: { shell?: string } = {}): Promise<Run> {
  const child = opts.shell
    ? spawn('bash', ['-c', opts.shell], { env: { ...process.env, ZHILI: `${process.execPath} ${BIN}` } })
    : spawn(process.execPath, [BIN, ...args], { env: process.env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const tmp = mkdtempSync(join(tmpdir(), 'zhili-cli-safety-'));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

/** persons and four attendance files: a few seconds of import, so two runs overlap. */
function dataset(): string {
  const d = join(tmp, 'ds');
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d);
  const persons = ['id_number,name'];
  for (let i = 0; i < 500; i++) persons.push(`1101051990010${String(i).padStart(5, '0')},人员${i}`);
  writeFileSync(join(d, 'persons.csv'), persons.join('\n'));
  for (let f = 1; f <= 4; f++) {
    const lines = ['session_id,id_number,checked_at,face_score'];
    for (let i = 0; i < 20000; i++) {
      lines.push(`S${f}-${Math.floor(i / 200)},1101051990010${String(i % 500).padStart(5, '0')},2023-07-0${1 + (i % 9)} 08:${String(i % 60).padStart(2, '0')}:00,0.9`);
    }
    writeFileSync(join(d, `attendance-${f}.csv`), lines.join('\n'));
  }
  return d.replace(/\/$/, '');
}

const oneLine = (s: string) => s.trim().split('\n').filter(Boolean);

describe('zhili import twice at once into one PostgreSQL database', () => {
  it('the second waits for the first; the database holds the rows of one import', async () => {
    const dir = dataset();
    const s = await freshStore('postgres');
    cleanup.push(() => s.drop());
    const url = s.target.databaseUrl!;
    const [a, b] = await Promise.all([zhili(['import', dir, '--database-url', url]), zhili(['import', dir, '--database-url', url])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const n = async (t: string) => Number((await s.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);
    expect(await n('attendance')).toBe(80000);
    expect(await n('persons')).toBe(500);
    expect(await n('import_files')).toBe(5);
    // Whichever came second skipped every file as already imported.
    expect([a, b].filter((r) => r.stdout.includes('其中 5 个文件此前已以相同内容导入'))).toHaveLength(1);
  }, 300_000);
});

// Each case starts the CLI once or twice (seconds each on a loaded machine).
describe('zhili screen', { timeout: 300_000 }, () => {
  const store = join(tmp, 'store.duckdb');

  it('a closed stdout (| true) ends quietly with status 141, no stack trace', async () => {
    const out = join(tmp, 'clues.csv');
    const r = await zhili([], { shell: `set -o pipefail; $ZHILI screen --db ${store} --out ${out} | true` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
    // The work was done before the summary: the clue file exists (header only: an empty store).
    expect(readFileSync(out, 'utf8')).toMatch(/^\uFEFF规则,/);
  });

  it('--db naming a file that is not a zhili store fails with one Chinese line and leaves it alone', async () => {
    const notes = join(tmp, 'notes.txt');
    writeFileSync(notes, '会议纪要\n');
    const r = await zhili(['screen', '--db', notes]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^错误 \/ error: .*不是 zhili 的数据库/);
    expect(readFileSync(notes, 'utf8')).toBe('会议纪要\n');
  });

  it('an unwritable --out fails before screening runs', async () => {
    for (const out of [join(tmp, 'missing', 'c.csv'), '/sys/c.csv']) {
      const r = await zhili(['screen', '--db', store, '--out', out]);
      expect(r.code, out).toBe(1);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^错误 \/ error: 输出文件 /);
    }
    const db = await openStore({ db: store });
    try {
      // Only the run of the first test: none was started for the refused outputs.
      expect((await db.query<{ n: number }>('SELECT count(*) AS n FROM screening_runs'))[0]!.n).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('never prints the password of a database URL', async () => {
    const r = await zhili(['screen', '--database-url', 'postgres://zhili:s3cret@127.0.0.1:1/zhili']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('postgres://zhili:***@127.0.0.1:1/zhili');
    expect(r.stderr + r.stdout).not.toContain('s3cret');
  });
});

describe('files the command creates are private', { timeout: 300_000 }, () => {
  it('store, its directory and the import report: 0600 / 0700', async () => {
    const dir = join(tmp, 'small');
    mkdirSync(dir);
    writeFileSync(join(dir, 'persons.csv'), 'id_number,name\n110105199001010003,张三\n');
    const db = join(tmp, 'private', 'z.duckdb');
    const report = join(tmp, 'report.json');
    const r = await zhili(['import', dir, '--db', db, '--report', report]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp, 'private')).mode & 0o777).toBe(0o700);
    expect(statSync(report).mode & 0o777).toBe(0o600);
  });
});
