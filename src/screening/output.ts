/**
 * Clue export files: JSON Lines (exactly the record of RULES.md), or CSV / XLSX with
 * Chinese headers and Chinese subject types and severities for people.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
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

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

async function writeLines(file: string, lines: Iterable<string>, prefix = ''): Promise<void> {
  const out = createWriteStream(file, 'utf8');
  if (prefix) out.write(prefix);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** The lower-case extension of an output file, or a `screening.out_format` error if unsupported. */
export function checkOutFile(file: string): string {
  const ext = extname(file).toLowerCase();
  if (!['.jsonl', '.ndjson', '.csv', '.xlsx'].includes(ext)) {
    throw zerr('screening.out_format', `不支持的输出文件类型 ${ext || '（无扩展名）'}：请使用 .jsonl、.csv 或 .xlsx`, `unsupported output file type ${ext}`);
  }
  return ext;
}

/**
 * Write clues to `file`; the format follows the extension: `.jsonl` (also `.ndjson`),
 * `.csv` (UTF-8 with BOM so that Excel on a Chinese desktop reads it), `.xlsx` (streamed).
 * `rules` gives the Chinese titles for the 规则名称 column (default: the registry).
 */
export async function writeClues(findings: readonly ClueRecord[], file: string, rules?: readonly Rule[]): Promise<void> {
  const ext = checkOutFile(file);
  mkdirSync(dirname(file), { recursive: true });
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
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    const ws = wb.addWorksheet('线索');
    ws.columns = CLUE_HEADERS_ZH.map((h, i) => ({ header: h, key: `c${i}`, width: [14, 24, 10, 22, 8, 8, 10, 12, 60, 60, 30][i] }));
    ws.getRow(1).font = { bold: true };
    ws.getRow(1).commit();
    for (const c of findings) ws.addRow(clueCells(c, titles)).commit();
    ws.commit();
    await wb.commit();
  }
}
