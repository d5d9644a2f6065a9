/**
 * Containers other than CSV for the messy variant: one entity as a sheet of an XLSX
 * workbook (with real date-time cells) and one as Parquet (converted with DuckDB from a
 * temporary CSV kept outside the dataset directory, every column VARCHAR so that
 * hash-chained text such as `at` stays exactly as written).
 */
import ExcelJS from 'exceljs';
import { rm, writeFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import type { EntityDef } from '../dataset/entities.ts';
import type { EntitySink } from './sink.ts';

/** Wall-clock text (local or +08:00) → a Date whose UTC fields are that wall-clock time. */
function wallDate(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(s);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : null;
}

/** Write the sink's collected rows as a sheet named with the entity's Chinese name. */
export async function writeXlsx(path: string, entity: EntityDef, sink: EntitySink): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.created = new Date(Date.UTC(2023, 11, 31));
  wb.modified = wb.created;
  const ws = wb.addWorksheet(entity.zh);
  ws.addRow(entity.columns.map((c) => c.zh[0]!));
  sink.sheetRows.forEach((cells, i) => {
    const values = cells.map((v, ci) => {
      const col = entity.columns[ci]!;
      if (v === '') return null;
      // Every other row carries real date-time cells, the rest text.
      if (col.type === 'timestamp' && i % 2 === 0) return wallDate(v) ?? v;
      if ((col.type === 'int' || col.type === 'level' || col.type === 'num') && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
      return v;
    });
    const row = ws.addRow(values);
    entity.columns.forEach((col, ci) => {
      if (col.type === 'timestamp' && i % 2 === 0) row.getCell(ci + 1).numFmt = 'yyyy-mm-dd hh:mm:ss';
    });
  });
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  await writeFile(path, fixZipTimes(buf));
}

/** DOS date/time of 2023-12-31 00:00. */
const DOS_TIME = 0;
const DOS_DATE = ((2023 - 1980) << 9) | (12 << 5) | 31;

/**
 * Zip writers stamp entries with the current time; overwrite every entry's modification
 * time (local and central headers, and any extended-timestamp field) so that a seed gives
 * byte-identical workbooks.
 */
export function fixZipTimes(b: Buffer): Buffer {
  let eocd = -1;
  for (let i = b.length - 22; i >= 0; i--) if (b.readUInt32LE(i) === 0x06054b50) {
    eocd = i;
    break;
  }
  if (eocd < 0) return b;
  const n = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const fixExtra = (start: number, len: number): void => {
    for (let q = start; q + 4 <= start + len; ) {
      const id = b.readUInt16LE(q);
      const sz = b.readUInt16LE(q + 2);
      if (id === 0x5455) for (let k = q + 5; k + 4 <= q + 4 + sz; k += 4) b.writeUInt32LE(1703952000, k);
      q += 4 + sz;
    }
  };
  for (let e = 0; e < n && b.readUInt32LE(p) === 0x02014b50; e++) {
    b.writeUInt16LE(DOS_TIME, p + 12);
    b.writeUInt16LE(DOS_DATE, p + 14);
    const nameLen = b.readUInt16LE(p + 28);
    const extraLen = b.readUInt16LE(p + 30);
    const commentLen = b.readUInt16LE(p + 32);
    const local = b.readUInt32LE(p + 42);
    fixExtra(p + 46 + nameLen, extraLen);
    if (b.readUInt32LE(local) === 0x04034b50) {
      b.writeUInt16LE(DOS_TIME, local + 10);
      b.writeUInt16LE(DOS_DATE, local + 12);
      fixExtra(local + 30 + b.readUInt16LE(local + 26), b.readUInt16LE(local + 28));
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return b;
}

/** Convert a temporary all-text CSV to Parquet and delete the CSV. */
export async function writeParquet(csv: string, out: string): Promise<void> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB' });
  const con = await db.connect();
  const q = (s: string): string => "'" + s.replace(/'/g, "''") + "'";
  await con.run(
    `COPY (SELECT * FROM read_csv(${q(csv)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')) TO ${q(out)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  con.closeSync();
  db.closeSync();
  await rm(csv, { force: true });
}
