/**
 * XLSX workbooks (DATA-FORMAT.md "Container"): each sheet named after an entity becomes a
 * temporary UTF-8 CSV that takes the same path into DuckDB as any CSV file. Read with
 * exceljs's streaming reader (the in-memory one needs ~10× the memory). Line numbers are
 * sheet row numbers; date cells become ISO dates, date-time cells local timestamps.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { zerr } from '../errors.ts';
import type { Breakpoint } from './csvscan.ts';
import { csvField } from './csvscan.ts';
import { type EntityDef, entityByName } from './entities.ts';
import { csvRelation, DETAIL_LIMIT, type EarlyReject, type ReadPlan, type ReasonCount } from './source.ts';

export interface SheetSource {
  sheet: string;
  entity: EntityDef;
  plan: ReadPlan;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Text of one cell value as it would read in a CSV export. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) {
    // exceljs gives the sheet's wall-clock time as a UTC instant.
    const d = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const h = v.getUTCHours();
    const m = v.getUTCMinutes();
    const s = v.getUTCSeconds();
    const ms = v.getUTCMilliseconds();
    if (h === 0 && m === 0 && s === 0 && ms === 0) return d;
    return `${d} ${pad(h)}:${pad(m)}:${pad(s)}${ms ? `.${pad(ms, 3)}` : ''}`;
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText)) return (o.richText as { text: string }[]).map((r) => r.text).join('');
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return String(o.error);
  }
  return String(v);
}

async function write(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await new Promise<void>((r) => out.once('drain', () => r()));
}

/**
 * Convert every sheet of a workbook into a temporary CSV under `tmp`. A sheet whose name
 * is not an entity is an error a person can act on.
 */
export async function readWorkbook(path: string, fileName: string, tmp: string): Promise<SheetSource[]> {
  const out: SheetSource[] = [];
  let reader: ExcelJS.stream.xlsx.WorkbookReader;
  try {
    reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      entries: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      worksheets: 'emit',
    });
  } catch (e) {
    throw zerr('dataset.unreadable', `文件无法读取：${fileName}（${(e as Error).message}）`, `cannot read workbook ${fileName}`);
  }
  try {
    let idx = 0;
    for await (const ws of reader) {
      const sheetName = (ws as unknown as { name: string }).name;
      const entity = entityByName(sheetName);
      if (!entity) {
        throw zerr(
          'dataset.unknown_entity',
          `工作表名不对应任何实体：${fileName} 中的「${sheetName}」`,
          `sheet name names no entity: "${sheetName}" in ${fileName}`,
        );
      }
      const csvPath = join(tmp, `xlsx-${idx++}-${entity.name}.csv`);
      const w = createWriteStream(csvPath, { mode: 0o600 });
      let headers: string[] | null = null;
      const rejects: EarlyReject[] = [];
      const counts = new Map<string, ReasonCount>();
      let rejected = 0;
      const breakpoints: Breakpoint[] = [];
      let good = 0;
      let delta = 0;
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]).slice(1).map(cellText);
        while (values.length && values[values.length - 1]!.trim() === '') values.pop();
        if (values.length === 0) continue;
        if (!headers) {
          headers = values;
          await write(w, `${headers.map(csvField).join(',')}\n`);
          continue;
        }
        if (values.length > headers.length) {
          const reason = `列数不符：应为 ${headers.length} 列，实为 ${values.length} 列`;
          rejected++;
          const c = counts.get(reason);
          if (c) c.rows++;
          else counts.set(reason, { column: null, reason, rows: 1 });
          if (rejects.length < DETAIL_LIMIT) rejects.push({ line: row.number, column: null, reason, content: values.map(csvField).join(',') });
          continue;
        }
        while (values.length < headers.length) values.push('');
        await write(w, `${values.map(csvField).join(',')}\n`);
        const d = row.number - good - 2;
        if (d !== delta) {
          breakpoints.push({ o: good, d });
          delta = d;
        }
        good++;
      }
      await new Promise<void>((r) => w.end(() => r()));
      if (!headers) continue; // an empty sheet carries nothing
      out.push({
        sheet: sheetName,
        entity,
        plan: {
          relation: csvRelation(csvPath, headers.length, false),
          headers,
          base: 2,
          breakpoints,
          rejects,
          rejectCounts: [...counts.values()],
          rejected,
          expected: good,
        },
      });
    }
  } catch (e) {
    if ((e as { name?: string }).name === 'ZhiliError') throw e;
    throw zerr('dataset.unreadable', `文件无法读取：${fileName}（${(e as Error).message}）`, `cannot read workbook ${fileName}`);
  }
  return out;
}
