/**
 * Turning one dataset file into something DuckDB reads without surprises: encoding
 * detected (UTF-8 with or without BOM, else GB18030) and transcoded when needed, rows with
 * a wrong column count or broken quoting cut out (and reported with their physical line),
 * and a map from DuckDB's row ordinal back to the file's line numbers.
 *
 * Fast path: a file without quotes, blank lines or bare CRs has one record per line, so
 * row k is on line k + 2 and DuckDB reads the original file directly; one streaming pass
 * computes the SHA-256, checks the encoding and counts lines. Everything else goes
 * through the byte-level scanner (csvscan.ts).
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type Breakpoint, CsvScanner, parseCsvRecord } from './csvscan.ts';
import type { DatasetFile } from './files.ts';

const CHUNK = 1 << 20;

/** A row rejected before DuckDB sees it. */
export interface EarlyReject {
  line: number;
  column: string | null;
  reason: string;
  content: string;
}

/** A source DuckDB can read, with the information to number its rows. */
export interface ReadPlan {
  /** DuckDB relation producing `c0 … c{n-1}` VARCHAR in file order. */
  relation: string;
  /** Header cells as written (BOM stripped). */
  headers: string[];
  /** Line of row ordinal 0 when there are no breakpoints. */
  base: number;
  breakpoints: Breakpoint[];
  rejects: EarlyReject[];
  /** Rows DuckDB must return (a mismatch means the reading went wrong). */
  expected: number | null;
  /** When the fast path's read fails, the careful plan to use instead. */
  fallback?: () => Promise<ReadPlan>;
}

/** SQL string literal. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

function csvRelation(path: string, n: number, gzip: boolean): string {
  const cols = Array.from({ length: n }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return `read_csv(${lit(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, max_line_size = 16777216, compression = '${gzip ? 'gzip' : 'none'}', columns = {${cols}})`;
}

function bodyStream(path: string, gzip: boolean, onRaw?: (c: Buffer) => void): Readable {
  const raw = createReadStream(path, { highWaterMark: CHUNK });
  if (onRaw) raw.on('data', (c) => onRaw(c as Buffer));
  if (!gzip) return raw;
  const gz = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (e) => gz.destroy(e));
  return raw.pipe(gz);
}

/**
 * Chunks of a plain file read into one reused buffer (no stream machinery: about twice as
 * fast here). Consumers must copy what they keep past the next iteration.
 */
async function* reusedChunks(path: string): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Streaming UTF-8 validity across chunk boundaries. */
class Utf8Check {
  ok = true;
  private carry: Buffer | null = null;
  push(chunk: Buffer): void {
    if (!this.ok) return;
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    // Hold back an incomplete multi-byte sequence at the end for the next chunk.
    const n = buf.length;
    for (let back = 1; back <= 3 && back <= n; back++) {
      const b = buf[n - back]!;
      if (b < 0x80) break;
      if (b >= 0xc0) {
        const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (len > back) {
          this.carry = Buffer.from(buf.subarray(n - back));
          buf = buf.subarray(0, n - back);
        }
        break;
      }
    }
    if (!isUtf8(buf)) this.ok = false;
  }
  end(): boolean {
    if (this.carry) this.ok = false;
    return this.ok;
  }
}

/**
 * Cheap structure check over the decoded bytes with native `indexOf` only: counts lines
 * and finds whatever would make "row k is on line k + 2" false.
 */
class Inspector {
  lines = 0;
  irregular = false;
  private prev = -1; // last byte of the previous chunk
  private prev2 = -1;
  private started = false;
  headerBytes: Buffer[] = [];
  private headerDone = false;
  total = 0;
  lastByte = -1;

  push(c: Buffer): void {
    if (c.length === 0) return;
    this.total += c.length;
    if (!this.headerDone) {
      const nl = c.indexOf(10);
      this.headerBytes.push(Buffer.from(nl < 0 ? c : c.subarray(0, nl + 1)));
      if (nl >= 0) this.headerDone = true;
    }
    if (!this.started) {
      this.started = true;
      let s = 0;
      if (c[0] === 0xef && c[1] === 0xbb && c[2] === 0xbf) s = 3;
      if (c[s] === 10 || c[s] === 13) this.irregular = true;
    }
    if (!this.irregular) {
      if (c.indexOf(34) >= 0 || c.indexOf('\n\n') >= 0 || c.indexOf('\n\r\n') >= 0) this.irregular = true;
      else if (this.prev === 10 && (c[0] === 10 || (c[0] === 13 && c[1] === 10))) this.irregular = true;
      else if (this.prev === 13 && c[0] === 10 && this.prev2 === 10) this.irregular = true;
      else if (this.prev === 13 && c[0] !== 10) this.irregular = true;
      else {
        let i = -1;
        while ((i = c.indexOf(13, i + 1)) >= 0) {
          if (i + 1 < c.length && c[i + 1] !== 10) {
            this.irregular = true;
            break;
          }
        }
      }
    }
    let i = -1;
    let n = 0;
    while ((i = c.indexOf(10, i + 1)) >= 0) n++;
    this.lines += n;
    this.prev2 = c.length > 1 ? c[c.length - 2]! : this.prev;
    this.prev = c[c.length - 1]!;
    this.lastByte = this.prev;
  }

  /** Physical lines with content (the last one may lack its newline). */
  lineCount(): number {
    return this.lines + (this.total > 0 && this.lastByte !== 10 ? 1 : 0);
  }
}

function decodeHeader(bytes: Buffer, encoding: 'utf-8' | 'gb18030'): string[] {
  const text = new TextDecoder(encoding).decode(bytes).replace(/^\uFEFF/, '');
  return parseCsvRecord(text);
}

async function pipeTo(out: WriteStream, data: Buffer | string): Promise<void> {
  if (!out.write(data)) await new Promise<void>((r) => out.once('drain', () => r()));
}

async function closeStream(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

/** Transcode a GB18030 file (gzip-compressed or not) to a plain UTF-8 file. */
async function transcode(path: string, gzip: boolean, out: string, onBytes?: (n: number) => void): Promise<void> {
  const dec = new TextDecoder('gb18030');
  const w = createWriteStream(out);
  for await (const c of bodyStream(path, gzip)) {
    onBytes?.((c as Buffer).length);
    await pipeTo(w, dec.decode(c as Buffer, { stream: true }));
  }
  await pipeTo(w, dec.decode());
  await closeStream(w);
}

const REASON_QUOTE = '引号不匹配，无法切分字段';
const reasonColumns = (want: number, got: number) => `列数不符：应为 ${want} 列，实为 ${got} 列`;

/**
 * The careful plan: scan every byte, cut out malformed records (writing a clean copy when
 * there are any), and number the rows exactly.
 */
async function carefulPlan(path: string, gzip: boolean, tmp: string, onBytes?: (n: number) => void): Promise<ReadPlan> {
  const scanner = new CsvScanner();
  for await (const c of gzip ? bodyStream(path, gzip) : reusedChunks(path)) {
    scanner.push(c as Buffer);
    onBytes?.((c as Buffer).length);
  }
  const res = scanner.end();
  if (res.headerStart < 0) {
    return { relation: '', headers: [], base: 2, breakpoints: [], rejects: [], expected: 0 };
  }
  // Copy the file without the bytes before the header and without the bad records; keep
  // the header's and the bad records' text (bad records are rare; up to 4 kB each).
  const needClean = res.bad.length > 0 || res.headerStart > 3;
  const cleanPath = join(tmp, `clean-${Math.random().toString(36).slice(2)}.csv`);
  const w = needClean ? createWriteStream(cleanPath) : null;
  const drops = [{ start: 0, end: res.headerStart }, ...res.bad.map((b) => ({ start: b.start, end: b.end }))];
  const grabs = [{ start: res.headerStart, end: res.headerEnd, max: Infinity }, ...res.bad.map((b) => ({ start: b.start, end: Math.min(b.end, b.start + 4096), max: 4096 }))];
  const grabbed = grabs.map(() => [] as Buffer[]);
  let off = 0;
  for await (const raw of bodyStream(path, gzip)) {
    const c = raw as Buffer;
    const cStart = off;
    const cEnd = off + c.length;
    off = cEnd;
    grabs.forEach((g, i) => {
      const s = Math.max(g.start, cStart);
      const e = Math.min(g.end, cEnd);
      if (s < e) grabbed[i]!.push(Buffer.from(c.subarray(s - cStart, e - cStart)));
    });
    if (!w) continue;
    let pos = cStart;
    for (const d of drops) {
      if (d.end <= pos || d.start >= cEnd) continue;
      if (d.start > pos) await pipeTo(w, c.subarray(pos - cStart, d.start - cStart));
      pos = Math.min(d.end, cEnd);
    }
    if (pos < cEnd) await pipeTo(w, c.subarray(pos - cStart));
  }
  if (w) await closeStream(w);
  const text = (bufs: Buffer[]) => new TextDecoder('utf-8').decode(Buffer.concat(bufs));
  const headers = parseCsvRecord(text(grabbed[0]!).replace(/^\uFEFF/, ''));
  const rejects: EarlyReject[] = res.bad.map((b, i) => ({
    line: b.line,
    column: null,
    reason: b.kind === 'quote' ? REASON_QUOTE : reasonColumns(res.headerFields, b.fields),
    content: text(grabbed[i + 1]!).replace(/\r?\n$/, ''),
  }));
  return {
    relation: csvRelation(needClean ? cleanPath : path, headers.length, needClean ? false : gzip),
    headers,
    base: 2,
    breakpoints: res.breakpoints,
    rejects,
    expected: res.good,
  };
}

/** Result of {@link inspectCsv}. */
export interface CsvPrepared {
  sha256: string;
  encoding: 'utf-8' | 'gb18030';
  empty: boolean;
  /** Everything else reading needs; call only when the file is to be loaded. */
  plan: () => Promise<ReadPlan>;
}

/**
 * Inspect a CSV (or .csv.gz) file in one streaming pass: SHA-256 of the bytes on disk,
 * encoding, and whether the fast path applies. `plan()` then does whatever else reading
 * needs (transcoding, the careful scan) — call it only when the file is to be loaded.
 * `empty` is true for a file without even a header row.
 */
export async function inspectCsv(
  file: DatasetFile,
  tmp: string,
  onBytes?: (n: number) => void,
): Promise<CsvPrepared> {
  const gzip = file.kind === 'csv.gz';
  const hash = createHash('sha256');
  const utf8 = new Utf8Check();
  const insp = new Inspector();
  const chunks = gzip ? bodyStream(file.path, gzip, (c) => hash.update(c)) : reusedChunks(file.path);
  for await (const raw of chunks) {
    const c = raw as Buffer;
    if (!gzip) hash.update(c);
    utf8.push(c);
    insp.push(c);
    onBytes?.(c.length);
  }
  const sha256 = hash.digest('hex');
  const encoding = utf8.end() ? 'utf-8' : 'gb18030';
  const headerBytes = Buffer.concat(insp.headerBytes);
  const headerText = new TextDecoder(encoding).decode(headerBytes).replace(/^\uFEFF/, '').trim();
  const empty = insp.total === 0 || (headerText === '' && insp.lineCount() <= 1);
  const plan = async (): Promise<ReadPlan> => {
    if (encoding === 'gb18030') {
      const out = join(tmp, `utf8-${Math.random().toString(36).slice(2)}.csv`);
      await transcode(file.path, gzip, out);
      return carefulPlan(out, false, tmp);
    }
    if (insp.irregular) return carefulPlan(file.path, gzip, tmp);
    const headers = decodeHeader(headerBytes, encoding);
    return {
      relation: csvRelation(file.path, headers.length, gzip),
      headers,
      base: 2,
      breakpoints: [],
      rejects: [],
      expected: Math.max(0, insp.lineCount() - 1),
      fallback: () => carefulPlan(file.path, gzip, tmp),
    };
  };
  return { sha256, encoding, empty, plan };
}

/** SHA-256 of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: CHUNK })) hash.update(c as Buffer);
  return hash.digest('hex');
}

/** Read plan of a Parquet file: every column cast to text, line = row number (1-based). */
export function parquetPlan(path: string, columns: string[]): ReadPlan {
  const sel = columns.map((c, i) => `CAST("${c.replace(/"/g, '""')}" AS VARCHAR) AS c${i}`).join(', ');
  return {
    relation: `(SELECT ${sel} FROM read_parquet(${lit(path)}))`,
    headers: columns,
    base: 1,
    breakpoints: [],
    rejects: [],
    expected: null,
  };
}
