/** Helpers for the import tests: temp dataset directories and engine-neutral table dumps. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { ENTITY_NAMES } from '../src/dataset/entities.ts';
import type { Db } from '../src/store/db.ts';

/** A fresh temp directory for a dataset. */
export function tempDir(prefix = 'zhili-ds-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write a text file as UTF-8 (optionally with BOM) or GB18030. */
export function writeText(dir: string, name: string, text: string, enc: 'utf-8' | 'utf-8-bom' | 'gb18030' = 'utf-8'): string {
  const path = join(dir, name);
  const bytes = enc === 'gb18030' ? iconv.encode(text, 'gb18030') : Buffer.from((enc === 'utf-8-bom' ? '\uFEFF' : '') + text, 'utf8');
  writeFileSync(path, bytes);
  return path;
}

/** Every row of a table as sorted JSON lines (order-independent, engine-independent). */
export async function dumpTable(db: Db, sql: string): Promise<string[]> {
  const rows = await db.query(sql);
  return rows.map((r) => JSON.stringify(r)).sort();
}

/** Dataset tables plus import bookkeeping (without run ids and times). */
export async function dumpAll(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of ENTITY_NAMES) out[t] = await dumpTable(db, `SELECT * FROM ${t}`);
  out.import_files = await dumpTable(
    db,
    'SELECT file, entity, size, sha256, encoding, rows_read, rows_loaded, rows_quarantined, extra_columns FROM import_files',
  );
  out.import_quarantine = await dumpTable(db, 'SELECT * FROM import_quarantine');
  return out;
}

/** Rows of one table, ordered by source line. */
export async function rowsOf<T = Record<string, unknown>>(db: Db, table: string): Promise<T[]> {
  return db.query<T>(`SELECT * FROM ${table} ORDER BY src_file, src_line`);
}
