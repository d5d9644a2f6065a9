/**
 * Clue export files: JSON Lines (exactly the record of RULES.md), or CSV / XLSX with
 * Chinese headers and Chinese subject types and severities for people.
 */
import { closeSync, createWriteStream, existsSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { ClueRecord } from '../clues/repository.ts';
import { zerr } from '../errors.ts';
import { SEVERITY_ZH, SUBJECT_ZH } from './labels.ts';
import type { Ref, Rule } from './types.ts';

/** Column headers of the CSV and XLSX exports, in order. */
export const CLUE_HEADERS_ZH = ['规则', '规则名称', '对象类型', '对象编号', '严重程度', '评分', '行政区划', '机构编号', '摘要', '证据', '关联对象'] as const;

/** The JSON Lines line of one clue, keys in RULES.md order. */
export function clueJsonLine(c: ClueRecord): string {
  return JSON.stringify({
    rule: c.rule,
    subject: { type: c.subject.type, id: c.subject.id },
    severity: c.severity,
    score: c.score,
    region_code: c.region_code,
    institution_id: c.institution_id,
    summary: c.summary,
    evidence: c.evidence,
    related: c.related.map((r) => ({ type: r.type, id: r.id })),
  });
}

const refText = (refs: readonly Ref[]) => refs.map((r) => `${SUBJECT_ZH[r.type] ?? r.type}:${r.id}`).join('；');

/** One export row (CSV/XLSX), in CLUE_HEADERS_ZH order. */
export function clueCells(c: ClueRecord, titles: ReadonlyMap<string, string>): (string | number)[] {
  return [
    c.rule,
    titles.get(c.rule) ?? '',
    SUBJECT_ZH[c.subject.type] ?? c.subject.type,
    c.subject.id,
    SEVERITY_ZH[c.severity] ?? c.severity,
    c.score,
    c.region_code ?? '',
    c.institution_id ?? '',
    c.summary,
    JSON.stringify(c.evidence),
    refText(c.related),
  ];
}

/**
 * A CSV cell, safe to open in a spreadsheet. Text that starts with = + - @, tab or CR would
 * be read by Excel / WPS / LibreOffice as a formula (CSV injection, OWASP): such text gets a
 * leading single quote, which the spreadsheet shows as text. Numbers stay numbers (a score
 * of -1 is a value, not a formula). Cells with a comma, quote or line break are quoted.
 */
export function csvCell(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Output files hold personal data: readable and writable by their owner only. */
const FILE_MODE = 0o600;

async function writeLines(file: string, lines: Iterable<string>, prefix = ''): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8', mode: FILE_MODE });
  if (prefix) out.write(prefix);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/**
 * Check, before any work is done, that `file` can be written: its directory exists, it is
 * not a directory, and opening it for writing works (tried for real, so a read-only file
 * system or missing permission is caught too; a file created for the try is removed).
 * Each problem is one `output.*` error with a Chinese line. `what` names the file in it.
 */
export function checkWritableFile(file: string, what = '输出文件'): void {
  const dir = dirname(resolve(file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw zerr('output.dir_missing', `${what} ${file} 所在的目录 ${dir} 不存在，请先创建它`, `the directory of ${file} does not exist`);
  }
  const existed = existsSync(file);
  if (existed && statSync(file).isDirectory()) {
    throw zerr('output.unwritable', `${what} ${file} 是一个目录，请给出文件名`, `${file} is a directory`);
  }
  try {
    closeSync(openSync(file, existed ? 'r+' : 'wx', FILE_MODE));
    if (!existed) unlinkSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const why = code === 'EACCES' || code === 'EPERM' ? '没有写权限' : code === 'EROFS' ? '所在文件系统只读' : `无法写入（${code || (e as Error).message}）`;
    throw zerr('output.unwritable', `${what} ${file} ${why}，请换一个可写的位置`, `cannot write ${file} (${code})`);
  }
}

/**
 * Check a clue output file before screening: a supported extension (returned, lower case)
 * and a writable place (checkWritableFile).
 */
export function checkOutFile(file: string): string {
  const ext = extname(file).toLowerCase();
  if (!['.jsonl', '.ndjson', '.csv', '.xlsx'].includes(ext)) {
    throw zerr('screening.out_format', `不支持的输出文件类型 ${ext || '（无扩展名）'}：请使用 .jsonl、.csv 或 .xlsx`, `unsupported output file type ${ext}`);
  }
  checkWritableFile(file);
  return ext;
}

/**
 * Write clues to `file`; the format follows the extension: `.jsonl` (also `.ndjson`),
 * `.csv` (UTF-8 with BOM so that Excel on a Chinese desktop reads it; formula-like text
 * escaped, see csvCell), `.xlsx` (streamed). The file is created with mode 0600; its
 * directory must exist (checkOutFile).
 * `rules` gives the Chinese titles for the 规则名称 column (default: the registry).
 */
export async function writeClues(findings: readonly ClueRecord[], file: string, rules?: readonly Rule[]): Promise<void> {
  const ext = checkOutFile(file);
  const catalog = rules ?? (await import('./rules/index.ts')).RULES;
  const titles = new Map(catalog.map((r) => [r.id, r.title]));
  if (ext === '.jsonl' || ext === '.ndjson') {
    await writeLines(file, (function* () {
      for (const c of findings) yield `${clueJsonLine(c)}\n`;
    })());
  } else if (ext === '.csv') {
    await writeLines(
      file,
      (function* () {
        yield `${CLUE_HEADERS_ZH.join(',')}\r\n`;
        for (const c of findings) yield `${clueCells(c, titles).map(csvCell).join(',')}\r\n`;
      })(),
      '\uFEFF',
    );
  } else {
    // exceljs writes cells as values (strings stay strings, never formulas), so the XLSX needs
    // no CSV-injection escaping; the stream is ours so that the file gets mode 0600.
    const stream = createWriteStream(file, { mode: FILE_MODE });
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('线索');
    ws.columns = CLUE_HEADERS_ZH.map((h, i) => ({ header: h, key: `c${i}`, width: [14, 24, 10, 22, 8, 8, 10, 12, 60, 60, 30][i] }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for (const c of findings) ws.addRow(clueCells(c, titles)).commit();
    ws.commit();
    await wb.commit();
  }
}
