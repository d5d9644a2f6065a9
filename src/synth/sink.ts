/**
 * Output side of the generator: one sink per entity, writing rows to CSV streams with
 * backpressure (optionally GB18030, BOM, gzip, Chinese or distorted headers, rotated cell
 * forms and planted malformed rows for the messy variant), or collecting them for an
 * XLSX sheet / a Parquet file converted at the end.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createGzip, type Gzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { ENTITIES, type ColumnDef, type EntityName } from '../dataset/entities.ts';

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

export type Encoding = 'utf-8' | 'utf-8-bom' | 'gb18030';
export type HeaderStyle = 'en' | 'zh' | 'case' | 'fullwidth';
export type MalformedWhy = 'missing_required' | 'unparseable' | 'column_count' | 'duplicate_key';

/** How one output file of an entity is written. */
export interface FileSpec {
  file: string;
  format: 'csv' | 'xlsx' | 'parquet';
  encoding: Encoding;
  header: HeaderStyle;
  gzip?: boolean;
  /** Rotate every accepted cell form of DATA-FORMAT.md through the rows. */
  messyCells?: boolean;
  /** Unknown extra columns appended after the entity's own. */
  extra?: { header: string; value: (i: number) => string }[];
  /** Malformed rows to plant, in this order. */
  malformed?: MalformedWhy[];
}

export interface MalformedRow {
  line: number;
  column: string | null;
  why: MalformedWhy;
}

export interface FileReport {
  file: string;
  entity: EntityName;
  format: 'csv' | 'xlsx' | 'parquet';
  rows: number;
  malformed: number;
  encoding: Encoding | null;
  header: HeaderStyle;
  compression?: 'gzip';
  sheet?: string;
  extra_columns?: string[];
  malformed_rows: MalformedRow[];
}

const FW = (s: string): string => s.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

function headerName(col: ColumnDef, style: HeaderStyle, i: number): string {
  switch (style) {
    case 'en':
      return col.name;
    case 'zh':
      return col.zh[0]!;
    case 'case':
      return i % 3 === 0 ? col.name.toUpperCase() : i % 3 === 1 ? ` ${col.name} ` : col.name[0]!.toUpperCase() + col.name.slice(1);
    case 'fullwidth':
      return i % 2 === 0 ? FW(col.name) : col.zh[0]!;
  }
}

function csvCell(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

function fmtMoneyThousands(v: string): string {
  const n = Number(v);
  const [int, frac] = n.toFixed(2).split('.');
  return int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + frac;
}

/**
 * Render a canonical cell (dates YYYY-MM-DD, timestamps 'YYYY-MM-DD HH:MM:SS', money as
 * plain yuan, booleans true/false, lists ';'-joined) in one of the accepted forms, chosen
 * by `k` so that a file cycles through all of them.
 */
export function messyForm(type: ColumnDef['type'], v: string, k: number): string {
  if (v === '') return v;
  switch (type) {
    case 'date': {
      const y = v.slice(0, 4);
      const m = +v.slice(5, 7);
      const d = +v.slice(8, 10);
      switch (k % 4) {
        case 0:
          return v;
        case 1:
          return `${y}/${m}/${d}`;
        case 2:
          return `${y}年${m}月${d}日`;
        default:
          return v.replace(/-/g, '');
      }
    }
    case 'timestamp':
      return k % 2 === 0 ? v : v.replace(' ', 'T') + '+08:00';
    case 'money':
      return k % 3 === 0 ? v : k % 3 === 1 ? fmtMoneyThousands(v) : '￥' + v;
    case 'bool': {
      const t = v === 'true';
      const forms = [['true', 'false'], ['1', '0'], ['Y', 'N'], ['是', '否']] as const;
      const f = forms[k % 4]!;
      return t ? f[0] : f[1];
    }
    case 'list':
      return k % 2 === 0 ? v : v.replace(/;/g, '；');
    case 'levels': {
      const parts = v.split(';').map(Number);
      const contiguous = parts.every((p, i) => i === 0 || p === parts[i - 1]! + 1);
      if (k % 3 === 1 && contiguous && parts.length > 1) return `${parts[0]}-${parts[parts.length - 1]}`;
      return k % 3 === 2 ? v.replace(/;/g, '；') : v;
    }
    case 'id_number':
      return k % 5 === 0 ? v.replace('X', 'x') : v;
    default:
      return v;
  }
}

function canon(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

/** One physical CSV file (possibly gzip, possibly GB18030). */
class CsvFile {
  rows = 0;
  line = 1; // header
  readonly malformedRows: MalformedRow[] = [];
  private out: WriteStream | Gzip;
  private fileStream: WriteStream;
  private buf = '';
  /** Set when the stream asked us to wait; created at once so the event cannot be missed. */
  private drained: Promise<unknown> | null = null;
  private pending: MalformedWhy[];
  private lastCells: string[] | null = null;
  private readonly cols: ColumnDef[];
  /** Data-row counts after which the pending malformed rows are written. */
  private readonly at: number[];

  constructor(
    readonly path: string,
    readonly spec: FileSpec,
    readonly entity: EntityName,
    headerCells: string[],
  ) {
    this.cols = ENTITIES[entity].columns;
    this.pending = [...(spec.malformed ?? [])];
    let h = 7;
    for (const ch of spec.file) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    this.at = [2 + (h % 5), 30 + (h % 41), 400 + (h % 317), 5000 + (h % 2003), 60000];
    this.fileStream = createWriteStream(path);
    if (spec.gzip) {
      const gz = createGzip({ level: 6 });
      gz.pipe(this.fileStream);
      this.out = gz;
    } else this.out = this.fileStream;
    if (spec.encoding === 'utf-8-bom') this.push('\uFEFF');
    this.push(headerCells.map(csvCell).join(',') + '\r\n');
  }

  private push(s: string): void {
    this.buf += s;
    if (this.buf.length > 1 << 19) this.flush();
  }

  private flush(): void {
    if (this.buf.length === 0) return;
    const s = this.buf;
    this.buf = '';
    const bytes = this.spec.encoding === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s, 'utf8');
    if (!this.out.write(bytes) && !this.drained) this.drained = once(this.out, 'drain');
  }

  /** Wait until the stream has room again (backpressure). */
  async drain(): Promise<void> {
    if (this.drained) {
      const d = this.drained;
      this.drained = null;
      await d;
    }
  }

  write(cells: string[]): void {
    this.push(cells.map(csvCell).join(',') + '\r\n');
    this.rows++;
    this.line++;
    this.lastCells = cells;
    // Malformed rows go in early (after about 2, 30, 400 … data rows) so small files get
    // them too; the exact places depend on the file name.
    if (this.pending.length > 0 && this.rows === this.at[this.malformedRows.length]) this.plantMalformed();
  }

  private plantMalformed(): void {
    const why = this.pending.shift()!;
    const base = this.lastCells!;
    const ent = ENTITIES[this.entity];
    const keyIdx = this.cols.findIndex((c) => c.name === ent.key[0]);
    let cells = [...base];
    let column: string | null = null;
    switch (why) {
      case 'duplicate_key':
        column = ent.key.join(',');
        break;
      case 'missing_required':
        cells[keyIdx] = '';
        column = ent.key[0]!;
        break;
      case 'unparseable': {
        cells[keyIdx] = cells[keyIdx] + '-X';
        const i = this.cols.findIndex((c) => ['date', 'timestamp', 'money', 'num', 'int', 'bool'].includes(c.type));
        const t = this.cols[i]!.type;
        cells[i] = t === 'date' || t === 'timestamp' ? '不详' : t === 'bool' ? '也许' : 'abc';
        column = this.cols[i]!.name;
        break;
      }
      case 'column_count':
        cells[keyIdx] = cells[keyIdx] + '-X';
        cells = cells.slice(0, Math.max(1, cells.length - 2));
        break;
    }
    this.push(cells.map(csvCell).join(',') + '\r\n');
    this.line++;
    this.malformedRows.push({ line: this.line, column, why });
  }

  async close(): Promise<void> {
    while (this.pending.length > 0 && this.lastCells) this.plantMalformed();
    this.flush();
    const done = once(this.fileStream, 'close');
    this.out.end();
    await done;
  }
}

/** Rows of one entity, routed to one or several files. */
export class EntitySink {
  readonly files: CsvFile[] = [];
  /** Rows kept for an XLSX sheet. */
  readonly sheetRows: string[][] = [];
  private rowIndex = 0;
  private readonly cols: ColumnDef[];

  constructor(
    readonly entity: EntityName,
    readonly specs: FileSpec[],
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {
    this.cols = ENTITIES[entity].columns;
    for (const spec of specs) {
      if (spec.format === 'xlsx') continue;
      const path = spec.format === 'parquet' ? join(tmpDir, spec.file + '.csv') : join(dir, spec.file);
      const header = this.cols.map((c, i) => headerName(c, spec.format === 'parquet' ? 'en' : spec.header, i));
      for (const x of spec.extra ?? []) header.push(x.header);
      this.files.push(new CsvFile(path, spec, entity, header));
    }
  }

  /** The text the sink will write for `col` in the next row (used for hash-chained columns). */
  peek(col: string, value: string, part = 0): string {
    const spec = this.specs[Math.min(part, this.specs.length - 1)]!;
    if (!spec.messyCells) return value;
    const i = this.cols.findIndex((c) => c.name === col);
    return messyForm(this.cols[i]!.type, value, this.rowIndex + i);
  }

  /** Write one row (canonical values); `pre` names columns written exactly as given (e.g. rendered by {@link peek}). */
  write(row: Row, part = 0, pre?: readonly string[]): void {
    // A clean dataset has one file per entity: every part goes to it.
    part = Math.min(part, this.specs.length - 1);
    const spec = this.specs[part]!;
    const cells: string[] = new Array(this.cols.length);
    for (let i = 0; i < this.cols.length; i++) {
      const col = this.cols[i]!;
      const v = canon(row[col.name]);
      cells[i] = spec.messyCells && !pre?.includes(col.name) ? messyForm(col.type, v, this.rowIndex + i) : v;
    }
    if (spec.extra) for (const x of spec.extra) cells.push(x.value(this.rowIndex));
    this.rowIndex++;
    if (spec.format === 'xlsx') {
      this.sheetRows.push(cells);
      return;
    }
    this.files[this.fileIndex(part)]!.write(cells);
  }

  private fileIndex(part: number): number {
    // xlsx specs have no CsvFile; count only the ones before `part` that do.
    let n = 0;
    for (let i = 0; i < part; i++) if (this.specs[i]!.format !== 'xlsx') n++;
    return n;
  }

  async drain(): Promise<void> {
    for (const f of this.files) await f.drain();
  }

  async close(): Promise<void> {
    for (const f of this.files) await f.close();
  }

  get columns(): ColumnDef[] {
    return this.cols;
  }
}

export async function ensureDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/** Report rows for the manifest. */
export function fileReports(sink: EntitySink): FileReport[] {
  const out: FileReport[] = [];
  let fi = 0;
  for (const spec of sink.specs) {
    if (spec.format === 'xlsx') {
      out.push({
        file: spec.file,
        entity: sink.entity,
        format: 'xlsx',
        rows: sink.sheetRows.length,
        malformed: 0,
        encoding: null,
        header: spec.header,
        sheet: ENTITIES[sink.entity].zh,
        malformed_rows: [],
      });
      continue;
    }
    const f = sink.files[fi++]!;
    const r: FileReport = {
      file: spec.file,
      entity: sink.entity,
      format: spec.format,
      // Data rows in the file, malformed ones included (= what an importer reads).
      rows: f.line - 1,
      malformed: f.malformedRows.length,
      encoding: spec.format === 'parquet' ? null : spec.encoding,
      header: spec.format === 'parquet' ? 'en' : spec.header,
      malformed_rows: f.malformedRows,
    };
    if (spec.gzip) r.compression = 'gzip';
    if (spec.extra) r.extra_columns = spec.extra.map((x) => x.header);
    out.push(r);
  }
  return out;
}
