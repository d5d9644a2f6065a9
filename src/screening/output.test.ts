import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClueRecord } from '../clues/repository.ts';
import type { Rule } from './types.ts';
import { checkOutFile, checkWritableFile, csvCell, writeClues } from './output.ts';

const dir = mkdtempSync(join(tmpdir(), 'zhili-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CATALOG = [{ id: 'X-EVIL', title: '=HYPERLINK("http://evil","点击")' }] as unknown as Rule[];

/** A clue whose text fields are all formula-like, as a hostile dataset could make them. */
const EVIL: ClueRecord = {
  rule: 'X-EVIL',
  subject: { type: 'institution', id: '=cmd|\'/c calc\'!A1' },
  severity: 'high',
  score: 0.5,
  region_code: '+110105',
  institution_id: '@SUM(1+1)',
  summary: '-2+3',
  evidence: { note: 'x' },
  related: [],
};

describe('CSV injection (OWASP)', () => {
  it('prefixes a single quote to text starting with = + - @ tab or CR, and keeps numbers numeric', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+86 10')).toBe("'+86 10");
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\r=1')).toBe(`"'\r=1"`);
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('培训机构 = 虚报')).toBe('培训机构 = 虚报');
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(0.5)).toBe('0.5');
  });

  it('a written CSV has no cell that a spreadsheet would evaluate', async () => {
    const f = join(dir, 'evil.csv');
    await writeClues([EVIL], f, CATALOG);
    const [, row] = readFileSync(f, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    const cells = row!.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, ''));
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells[1]).toBe(`'=HYPERLINK(""http://evil"",""点击"")`);
    expect(cells[3]).toBe("'=cmd|'/c calc'!A1");
    expect(cells[5]).toBe('0.5');
    expect(cells[8]).toBe("'-2+3");
  });

  it('XLSX keeps such text as plain strings: no cell is a formula', async () => {
    const f = join(dir, 'evil.xlsx');
    await writeClues([EVIL], f, CATALOG);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(f);
    const row = wb.worksheets[0]!.getRow(2);
    expect(row.getCell(2).value).toBe('=HYPERLINK("http://evil","点击")');
    expect(row.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(9).value).toBe('-2+3');
    expect(row.getCell(6).value).toBe(0.5);
    row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula));
  });
});

describe('output files', () => {
  it('are created readable by their owner only (0600), whatever the umask', async () => {
    const old = process.umask(0o022);
    try {
      for (const ext of ['jsonl', 'csv', 'xlsx']) {
        const f = join(dir, `mode.${ext}`);
        await writeClues([EVIL], f, CATALOG);
        expect(statSync(f).mode & 0o777, ext).toBe(0o600);
      }
    } finally {
      process.umask(old);
    }
  });

  it('an unwritable place is one clear error before any work', () => {
    expect(() => checkOutFile(join(dir, 'no', 'such', 'c.csv'))).toThrow(/^[^\n]*所在的目录 .* 不存在/);
    writeFileSync(join(dir, 'plain'), 'x');
    expect(() => checkOutFile(join(dir, 'plain', 'c.csv'))).toThrow(/所在的目录 .* 不存在/);
    expect(() => checkWritableFile(dir)).toThrow(/是一个目录/);
    // Root ignores file modes; sysfs refuses new files even to root.
    let ro = '/sys';
    if (process.getuid?.() !== 0) {
      ro = join(dir, 'ro');
      mkdirSync(ro);
    }
    if (ro !== '/sys') chmodSync(ro, 0o500);
    expect(() => checkOutFile(join(ro, 'c.csv'))).toThrow(/^输出文件 .* 没有写权限/);
    // A successful check leaves no file behind.
    const ok = join(dir, 'fine.csv');
    expect(checkOutFile(ok)).toBe('.csv');
    expect(() => statSync(ok)).toThrow();
  });
});
