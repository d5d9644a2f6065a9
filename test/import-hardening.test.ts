import { execFileSync } from 'node:child_process';
import { createWriteStream, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideEncoding } from '../src/dataset/source.ts';
import { importDataset, type ImportReport, removeStaleTempDirs } from '../src/importer/import.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { rowsOf, tempDir, writeText } from './import-fixtures.ts';

/** Regression tests for the red-team findings on the importer (both engines). */

const dirs: string[] = [];
const mk = () => {
  const d = tempDir('zhili-hard-');
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const id = (i: number) => `1101051990${String(i).padStart(8, '0')}`;
const sum = (r: ImportReport, file: string) => {
  const f = r.files.find((x) => x.file === file)!;
  return { read: f.read, loaded: f.loaded, quarantined: f.quarantined };
};

describe.each(ENGINES)('importer hardening on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  const fresh = async () => {
    await s.db.exec(
      'DELETE FROM persons; DELETE FROM institutions; DELETE FROM claims; DELETE FROM online_events; DELETE FROM attendance; DELETE FROM import_files; DELETE FROM import_quarantine; DELETE FROM import_quarantine_counts',
    );
  };

  it('1. one invalid byte in a UTF-8 file quarantines that row only; the rest stays UTF-8', async () => {
    await fresh();
    const d = mk();
    const lines = ['id_number,name'];
    for (let i = 0; i < 50; i++) lines.push(`${id(i)},张三${i}`);
    const text = Buffer.from(`${lines.join('\n')}\n`);
    // Line 12 (person 10): one byte of its name replaced by 0xFF.
    const at = text.indexOf(Buffer.from('张三10'));
    text[at + 1] = 0xff;
    writeFileSync(join(d, 'persons.csv'), text);
    const r = await importDataset(s.db, d);
    expect(sum(r, 'persons.csv')).toEqual({ read: 50, loaded: 49, quarantined: 1 });
    expect(r.quarantine).toEqual([{ file: 'persons.csv', line: 12, column: 'name', reason: '含有无效的 UTF-8 字节（文件按 UTF-8 读取）' }]);
    const names = (await rowsOf<{ name: string }>(s.db, 'persons')).map((p) => p.name);
    expect(names[0]).toBe('张三0');
    expect(names).toContain('张三49');
    const enc = await s.db.query<{ encoding: string }>('SELECT encoding FROM import_files');
    expect(enc).toEqual([{ encoding: 'utf-8' }]);
  });

  it('1. a real GB18030 file is still read as GB18030', async () => {
    await fresh();
    const d = mk();
    writeFileSync(join(d, 'persons.csv'), iconv.encode('证件号码,姓名\n110105194912310011,张三\n110105194912310021,欧阳娜娜\n', 'gb18030'));
    const r = await importDataset(s.db, d);
    expect(r.quarantine).toEqual([]);
    expect((await rowsOf<{ name: string }>(s.db, 'persons')).map((p) => p.name)).toEqual(['张三', '欧阳娜娜']);
    expect(await s.db.query('SELECT encoding FROM import_files')).toEqual([{ encoding: 'gb18030' }]);
  });

  it('2. a stray quote in the middle of thousands of rows loses only its own line', async () => {
    await fresh();
    const d = mk();
    const n = 3000;
    const lines = ['id_number,name,phone'];
    for (let i = 0; i < n; i++) lines.push(i === 1500 ? `${id(i)},"王五,13800000000` : `${id(i)},人员${i},138${String(i).padStart(8, '0')}`);
    writeText(d, 'persons.csv', lines.join('\n'));
    // The same with other quoted fields after the stray quote.
    const inst = ['institution_id,name,uscc,kind,region_code,address'];
    for (let i = 0; i < 2000; i++) inst.push(i === 700 ? `I${i},"机构${i},9111,training,110101,x` : `I${i},机构${i},9111,training,110101,"地址,${i}"`);
    writeText(d, 'institutions.csv', inst.join('\r\n'));
    const r = await importDataset(s.db, d);
    expect(sum(r, 'persons.csv')).toEqual({ read: n, loaded: n - 1, quarantined: 1 });
    expect(sum(r, 'institutions.csv')).toEqual({ read: 2000, loaded: 1999, quarantined: 1 });
    expect(r.quarantine.map((q) => [q.file, q.line])).toEqual([
      ['institutions.csv', 702],
      ['persons.csv', 1502],
    ]);
    expect(r.quarantine[0]!.reason).toMatch(/^引号不匹配/);
    const p = await rowsOf<{ id_number: string; src_line: number }>(s.db, 'persons');
    expect(p).toHaveLength(n - 1);
    expect(p.find((x) => x.id_number === id(1501))!.src_line).toBe(1503);
    const i = await rowsOf<{ institution_id: string; address: string; src_line: number }>(s.db, 'institutions');
    expect(i.find((x) => x.institution_id === 'I701')).toMatchObject({ address: '地址,701', src_line: 703 });
  });

  it('3. mixed CRLF/LF, CR-only files, bare CR, NUL, a 15-digit amount and an over-long field', async () => {
    await fresh();
    const d = mk();
    writeText(d, 'persons.csv', `id_number,name\r\n${id(1)},甲\n${id(2)},乙\r\n${id(3)},丙\n`);
    writeText(d, 'institutions.csv', `institution_id,name,uscc,kind,region_code\rI1,甲,9111,training,110101\rI2,乙,9111,both,110101\r`);
    const big = 'x'.repeat(3 << 20);
    writeText(
      d,
      'claims.csv',
      [
        'claim_id,institution_id,class_id,submitted_on,amount,remark',
        'K1,I1,C1,2023-07-05,999999999999999.99,', // 2 the largest amount: loaded
        'K2,I1,C\r1,2023-07-05,1,', // 3 bare CR inside a field
        'K3,I1,C1,2023-07-05,1,a\u0000b', // 4 NUL
        `K4,I1,C1,2023-07-05,1,${big}`, // 5 too long for the test's 1 MiB limit
        'K5,I1,C1,2023-07-05,1234567890123456,', // 6 16 digits: unparseable, not an abort
        'K6,I1,C1,2023-07-05,2,', // 7
      ].join('\n'),
    );
    const r = await importDataset(s.db, d, { limits: { maxRecordBytes: 1 << 20 } });
    expect(sum(r, 'persons.csv')).toEqual({ read: 3, loaded: 3, quarantined: 0 });
    expect(sum(r, 'institutions.csv')).toEqual({ read: 2, loaded: 2, quarantined: 0 });
    expect((await rowsOf<{ name: string; src_line: number }>(s.db, 'persons')).map((p) => [p.name, p.src_line])).toEqual([
      ['甲', 2],
      ['乙', 3],
      ['丙', 4],
    ]);
    expect((await rowsOf<{ institution_id: string; src_line: number }>(s.db, 'institutions')).map((p) => [p.institution_id, p.src_line])).toEqual([
      ['I1', 2],
      ['I2', 3],
    ]);
    expect(sum(r, 'claims.csv')).toEqual({ read: 6, loaded: 2, quarantined: 4 });
    expect(r.quarantine.filter((q) => q.file === 'claims.csv')).toEqual([
      { file: 'claims.csv', line: 3, column: 'class_id', reason: '字段中含有单独的回车符（CR）' },
      { file: 'claims.csv', line: 4, column: 'remark', reason: '含有空字符（NUL，0x00），无法存储' },
      { file: 'claims.csv', line: 5, column: null, reason: '记录过长（超过 1 MB），已跳过至下一行' },
      { file: 'claims.csv', line: 6, column: 'amount', reason: '金额无法识别（应为元，最多 15 位整数、2 位小数）（16 个字符：数字）' },
    ]);
    expect((await rowsOf<{ amount: number; src_line: number }>(s.db, 'claims')).map((c) => [c.amount, c.src_line])).toEqual([
      [99999999999999999, 2],
      [200, 7],
    ]);
  });

  it('4. quarantine detail is capped per file while the counts stay exact', async () => {
    await fresh();
    const d = mk();
    const lines = ['id_number,name,date_of_death'];
    for (let i = 0; i < 5000; i++) lines.push(i % 2 ? `${id(i)},甲,bad` : i % 4 === 0 ? `${id(i)},乙` : `${id(i)},丙,2020-01-01`);
    writeText(d, 'persons.csv', lines.join('\n'));
    const r = await importDataset(s.db, d, { limits: { detailLimit: 100 } });
    expect(sum(r, 'persons.csv')).toEqual({ read: 5000, loaded: 1250, quarantined: 3750 });
    expect(r.quarantineDetailLimit).toBe(100);
    expect(r.quarantine).toHaveLength(100);
    expect(r.quarantine[0]!.line).toBe(2);
    expect(r.quarantineCounts).toEqual([
      { file: 'persons.csv', column: 'date_of_death', reason: '日期无法识别', rows: 2500 },
      { file: 'persons.csv', column: null, reason: '列数不符：应为 3 列，实为 2 列', rows: 1250 },
    ]);
    expect(await s.db.query('SELECT count(*) AS n FROM import_quarantine')).toEqual([{ n: 100 }]);
  });

  it('5. Parquet ids stored as doubles load as digits; a fraction in a text column is quarantined; a BOM mid-file is stripped', async () => {
    await fresh();
    const d = mk();
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(
      `COPY (SELECT 4.1e17::DOUBLE AS event_id, '${id(1)}' AS id_number, 'C1' AS class_id, TIMESTAMP '2023-07-05 08:00:00' AS at, 'login' AS type, 12.0::DOUBLE AS position_s
             UNION ALL SELECT 7.5::DOUBLE, '${id(2)}', 'C1', TIMESTAMP '2023-07-05 08:00:00', 'login', 1.5::DOUBLE)
       TO '${join(d, 'online_events-[2].parquet')}' (FORMAT parquet)`,
    );
    c.closeSync();
    inst.closeSync();
    writeText(d, 'persons.csv', `id_number,name\n${id(1)},甲\n\uFEFF${id(2)},乙\n\uFEFF${id(1)},重复\n`);
    const r = await importDataset(s.db, d);
    const ev = await rowsOf<{ event_id: string; position_s: number }>(s.db, 'online_events');
    expect(ev.map((e) => [e.event_id, e.position_s])).toEqual([['410000000000000000', 12]]);
    expect(r.quarantine).toEqual([
      { file: 'persons.csv', line: 4, column: 'id_number', reason: '重复主键' },
      { file: 'online_events-[2].parquet', line: 2, column: 'event_id', reason: '来自浮点数列的值不是整数，无法作为编号或文本读取（3 个字符：数字与符号）' },
    ]);
    expect((await rowsOf<{ id_number: string }>(s.db, 'persons')).map((p) => p.id_number)).toEqual([id(1), id(2)]);
  });

  it('6. any legal file name works; links out of the dataset or to nowhere are refused, the rest loads', async () => {
    await fresh();
    const d = mk();
    const outside = mk();
    writeText(outside, 'secret.csv', `id_number,name\n${id(9)},外部\n`);
    writeText(d, 'attendance-*.csv', `session_id,id_number,checked_at\nS1,${id(1)},2023-07-05 08:00:00\n`);
    writeText(d, 'attendance-[2].csv', `session_id,id_number,checked_at\nS2,${id(1)},2023-07-05 08:00:00\n`);
    writeText(d, 'persons-a.csv', `id_number,name\n${id(1)},甲\n`);
    symlinkSync(join(outside, 'secret.csv'), join(d, 'persons-b.csv'));
    symlinkSync(join(d, 'nowhere.csv'), join(d, 'persons-c.csv'));
    symlinkSync(join(d, 'persons-a.csv'), join(d, 'persons-d.csv')); // inside: followed (a duplicate here)
    const r = await importDataset(s.db, d);
    expect(r.refused).toEqual([
      { file: 'persons-b.csv', reason: '符号链接指向数据集目录之外，出于安全未读取' },
      { file: 'persons-c.csv', reason: '符号链接指向的文件不存在，未读取' },
    ]);
    expect(r.files.map((f) => [f.file, f.read, f.loaded])).toEqual([
      ['persons-a.csv', 1, 1],
      ['persons-d.csv', 1, 0],
      ['attendance-*.csv', 1, 1],
      ['attendance-[2].csv', 1, 1],
    ]);
    expect(await s.db.query("SELECT count(*) AS n FROM persons WHERE name = '外部'")).toEqual([{ n: 0 }]);
    // Idempotent: the same again changes nothing and refuses the same links.
    const again = await importDataset(s.db, d);
    expect(again.refused).toEqual(r.refused);
    expect(again.alreadyImported).toHaveLength(4);
  });

  it('7. reasons never echo a personal value typed into a wrong column', async () => {
    await fresh();
    const d = mk();
    writeText(d, 'claims.csv', `claim_id,institution_id,class_id,submitted_on,amount\nK1,I1,C1,2023-07-05,${id(7)}X\nK2,I1,C1,13800138000,1\n`);
    const r = await importDataset(s.db, d);
    expect(r.quarantine.map((q) => q.reason)).toEqual(['金额无法识别（应为元，最多 15 位整数、2 位小数）（19 个字符：字母与数字）', '日期无法识别（11 个字符：数字）']);
    expect(JSON.stringify(r)).not.toMatch(/110105199000000007|13800138000/);
  });
});

describe('temporary files', () => {
  it('stale import directories of dead processes are removed, live ones kept', () => {
    const base = mk();
    const dead = join(base, 'zhili-import-999999999-abc');
    const live = join(base, `zhili-import-${process.pid}-abc`);
    const other = join(base, 'something-else');
    for (const p of [dead, live, other]) mkdirSync(p);
    expect(removeStaleTempDirs(base)).toEqual(['zhili-import-999999999-abc']);
    expect(readdirSync(base).sort()).toEqual(['something-else', `zhili-import-${process.pid}-abc`]);
  });

  it('an import leaves no temporary directory behind; while it runs the directory is private', async () => {
    const s = await freshStore('duckdb');
    try {
      const d = mk();
      writeFileSync(join(d, 'persons.csv'), iconv.encode('证件号码,姓名\n110105194912310011,张三\n', 'gb18030'));
      const seen: { mode: number; files: number[] }[] = [];
      await importDataset(s.db, d, {
        onBytes: () => {
          for (const n of readdirSync(tmpdir()).filter((x) => x.startsWith(`zhili-import-${process.pid}-`))) {
            const p = join(tmpdir(), n);
            seen.push({ mode: statSync(p).mode & 0o777, files: readdirSync(p).map((f) => lstatSync(join(p, f)).mode & 0o777) });
          }
        },
      });
      expect(seen.length).toBeGreaterThan(0);
      for (const x of seen) expect(x.mode).toBe(0o700);
      expect(readdirSync(tmpdir()).filter((x) => x.startsWith(`zhili-import-${process.pid}-`))).toEqual([]);
    } finally {
      await s.drop();
    }
  });
});

describe('the --report file', () => {
  it('is written readable by its owner only (0600)', () => {
    const d = mk();
    const out = mk();
    writeText(d, 'persons.csv', `id_number,name\n${id(1)},甲\n`);
    const report = join(out, 'r.json');
    execFileSync(process.execPath, ['bin/zhili.mjs', 'import', d, '--db', join(out, 'x.duckdb'), '--report', report], { stdio: 'pipe' });
    expect(statSync(report).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(report, 'utf8'))).toMatchObject({ quarantineDetailLimit: 1000, refused: [], quarantineCounts: [] });
  });
});

describe('encoding decision', () => {
  it('weighs well-formed UTF-8 sequences against breaking bytes', () => {
    expect(decideEncoding({ utf8Sequences: 1000, utf8Errors: 1, gb18030Clean: true })).toBe('utf-8');
    expect(decideEncoding({ utf8Sequences: 3, utf8Errors: 900, gb18030Clean: true })).toBe('gb18030');
    expect(decideEncoding({ utf8Sequences: 0, utf8Errors: 1, gb18030Clean: false })).toBe('gb18030');
    expect(decideEncoding({ utf8Sequences: 5, utf8Errors: 2, gb18030Clean: false })).toBe('utf-8');
  });
});

describe('memory on an endless line', () => {
  it('a gzip file that is one 300 MB line without any line break is one quarantined row, in bounded memory', async () => {
    const s = await freshStore('duckdb');
    try {
      const d = mk();
      const mb = 300;
      // Streamed, so the test itself never holds the 300 MB.
      const chunk = Buffer.alloc(1 << 20, 0x61);
      const gz = createGzip({ level: 1 });
      const done = pipeline(gz, createWriteStream(join(d, 'persons.csv.gz')));
      for (let i = 0; i < mb; i++) if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
      gz.end();
      await done;
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const r = await importDataset(s.db, d, { limits: { maxRecordBytes: 4 << 20 } });
      clearInterval(timer);
      expect(sum(r, 'persons.csv.gz')).toEqual({ read: 1, loaded: 0, quarantined: 1 });
      expect(r.quarantine[0]).toMatchObject({ line: 1, reason: '记录过长（超过 4 MB），已跳过至下一行' });
      expect(peak - before).toBeLessThan(200 << 20);
    } finally {
      await s.drop();
    }
  });
});
