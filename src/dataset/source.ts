/**
 * Turning one dataset file into something DuckDB reads without surprises: encoding
 * decided per file (see {@link decideEncoding}) and transcoded when needed, rows that cannot
 * be split or read (wrong column count, broken quoting, invalid UTF-8, NUL, bare CR, too
 * long) cut out and reported with their physical line, and a map from DuckDB's row ordinal
 * back to the file's line numbers.
 *
 * Fast path: a file without quotes, blank lines, CRs other than a CRLF on every line or NUL
 * bytes has one record per line, so row k is on line k + 2 and DuckDB reads the original
 * file directly (through a link with a glob-free name); one streaming pass computes the
 * SHA-256, checks the encoding and counts lines. Everything else goes through the
 * byte-level scanner (csvscan.ts), which writes a clean copy.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, openSync, symlinkSync, writeSync, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { type BadKind, type BadRecord, type Breakpoint, CsvScanner, DEFAULT_MAX_RECORD, parseCsvRecord } from './csvscan.ts';
import type { DatasetFile } from './files.ts';

const CHUNK = 1 << 20;
const HEADER_MAX = 1 << 20;

/** A row rejected before DuckDB sees it. */
export interface EarlyReject {
  line: number;
  column: string | null;
  reason: string;
  content: string;
}

/** Exact number of rows quarantined for one column and reason. */
export interface ReasonCount {
  column: string | null;
  reason: string;
  rows: number;
}

/** Limits of the careful read (tests lower them). */
export interface ReadLimits {
  /** Longest record kept, in bytes (default 8 MiB); a longer one is quarantined. */
  maxRecordBytes?: number;
  /** Quarantined rows kept in detail (line, column, reason, content) per file (default 1000). */
  detailLimit?: number;
}

/** Quarantine detail kept per file; counts per reason stay exact beyond it. */
export const DETAIL_LIMIT = 1000;

/** A source DuckDB can read, with the information to number its rows. */
export interface ReadPlan {
  /** DuckDB relation producing `c0 … c{n-1}` VARCHAR in file order. */
  relation: string;
  /** Header cells as written (BOM stripped). */
  headers: string[];
  /** Line of row ordinal 0 when there are no breakpoints. */
  base: number;
  breakpoints: Breakpoint[];
  /** CSV file (o,d) holding the breakpoints instead, when there were many. */
  breakpointFile?: string;
  /** The first rejected rows in detail (at most the detail limit). */
  rejects: EarlyReject[];
  /** Every rejected row counted by column and reason. */
  rejectCounts: ReasonCount[];
  /** Rows rejected in total. */
  rejected: number;
  /** Header index of Parquet columns stored as floating point. */
  floatColumns?: number[];
  /** Rows DuckDB must return (a mismatch means the reading went wrong). */
  expected: number | null;
  /** When the fast path's read fails, the careful plan to use instead. */
  fallback?: () => Promise<ReadPlan>;
}

/** SQL string literal. */
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

let linkCounter = 0;

/**
 * A glob-free path for DuckDB: DuckDB reads file names as glob patterns (`attendance-[2].csv`
 * would match nothing, `*` would match others), so it reads a link with a plain name in the
 * import's private temporary directory instead.
 */
export function duckPath(path: string, tmp: string): string {
  if (/^[A-Za-z0-9_./-]+$/.test(path)) return path;
  const ext = path.toLowerCase().endsWith('.csv.gz') ? '.csv.gz' : extname(path);
  const link = join(tmp, `src-${process.pid}-${linkCounter++}${/^[A-Za-z0-9.]*$/.test(ext) ? ext : ''}`);
  symlinkSync(path, link);
  return link;
}

/** DuckDB relation reading a CSV file as `c0 … c{n-1}` VARCHAR, nothing guessed. */
export function csvRelation(path: string, n: number, gzip: boolean): string {
  const cols = Array.from({ length: n }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return `read_csv(${lit(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, max_line_size = ${2 * DEFAULT_MAX_RECORD + 1024}, compression = '${gzip ? 'gzip' : 'none'}', columns = {${cols}})`;
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
  /** CR bytes seen: a regular file has none, or one before every LF. */
  crs = 0;
  private headerSize = 0;

  push(c: Buffer): void {
    if (c.length === 0) return;
    this.total += c.length;
    if (!this.headerDone) {
      const nl = c.indexOf(10);
      const part = nl < 0 ? c : c.subarray(0, nl + 1);
      // Bounded: a file that is one endless line must not be held in memory.
      if (this.headerSize + part.length <= HEADER_MAX) this.headerBytes.push(Buffer.from(part));
      else this.irregular = true;
      this.headerSize += part.length;
      if (nl >= 0) this.headerDone = true;
    }
    // NUL (PostgreSQL cannot store it) goes through the careful scanner.
    if (!this.irregular && c.indexOf(0) >= 0) this.irregular = true;
    let r = -1;
    while ((r = c.indexOf(13, r + 1)) >= 0) this.crs++;
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

  /** CR-only line ends (old Mac files): no LF at all. */
  crOnly(): boolean {
    return this.lines === 0 && this.crs > 0;
  }

  /** Whether DuckDB can read the file directly (line ends consistent, nothing to cut out). */
  regular(): boolean {
    return !this.irregular && (this.crs === 0 || this.crs === this.lines);
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

/** Transcode a GB18030 file (gzip-compressed or not) to a plain UTF-8 file (mode 0600). */
async function transcode(path: string, gzip: boolean, out: string, onBytes?: (n: number) => void): Promise<void> {
  const dec = new TextDecoder('gb18030');
  const w = createWriteStream(out, { mode: 0o600 });
  for await (const c of bodyStream(path, gzip)) {
    onBytes?.((c as Buffer).length);
    await pipeTo(w, dec.decode(c as Buffer, { stream: true }));
  }
  await pipeTo(w, dec.decode());
  await closeStream(w);
}

/** Counts for the encoding decision of a file that is not valid UTF-8 throughout. */
export interface EncodingEvidence {
  /** Well-formed UTF-8 multi-byte sequences. */
  utf8Sequences: number;
  /** Bytes that break UTF-8. */
  utf8Errors: number;
  /** Whether the whole file decodes as GB18030 without an error. */
  gb18030Clean: boolean;
}

/**
 * The encoding of a file that is not valid UTF-8 throughout. One bad byte in a UTF-8 export
 * must not turn the whole file into GB18030 mojibake, and a GB18030 file must still be read
 * as GB18030: UTF-8 wins when its well-formed multi-byte sequences outnumber the breaking
 * bytes four to one (GB18030 Chinese text yields almost no well-formed UTF-8 sequences), or
 * when the file does not even decode as GB18030 and UTF-8 fits better; then only the
 * damaged rows are quarantined.
 */
export function decideEncoding(e: EncodingEvidence): 'utf-8' | 'gb18030' {
  if (e.utf8Errors === 0) return 'utf-8';
  if (e.utf8Sequences >= 4 * e.utf8Errors) return 'utf-8';
  if (e.gb18030Clean) return 'gb18030';
  return e.utf8Sequences > e.utf8Errors ? 'utf-8' : 'gb18030';
}

/** One pass gathering {@link EncodingEvidence} (only for files that are not valid UTF-8). */
async function encodingEvidence(path: string, gzip: boolean): Promise<EncodingEvidence> {
  let seqs = 0;
  let errs = 0;
  let need = 0;
  let lo = 0x80;
  let hi = 0xbf;
  let gbClean = true;
  const gb = new TextDecoder('gb18030', { fatal: true });
  for await (const raw of gzip ? bodyStream(path, true) : reusedChunks(path)) {
    const c = raw as Buffer;
    if (gbClean) {
      try {
        gb.decode(c, { stream: true });
      } catch {
        gbClean = false;
      }
    }
    for (let i = 0; i < c.length; i++) {
      const b = c[i]!;
      if (need > 0) {
        if (b >= lo && b <= hi) {
          lo = 0x80;
          hi = 0xbf;
          if (--need === 0) seqs++;
          continue;
        }
        errs++;
        need = 0;
        lo = 0x80;
        hi = 0xbf;
      }
      if (b < 0x80) continue;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lo = 0xa0;
        else if (b === 0xed) hi = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lo = 0x90;
        else if (b === 0xf4) hi = 0x8f;
      } else errs++;
    }
  }
  if (need > 0) errs++;
  if (gbClean) {
    try {
      gb.decode();
    } catch {
      gbClean = false;
    }
  }
  return { utf8Sequences: seqs, utf8Errors: errs, gb18030Clean: gbClean };
}

const MB = (n: number) => Math.round((n / (1 << 20)) * 10) / 10;

/** The Chinese reason of a record the scanner rejected (never the record's values). */
export function scanReason(b: Pick<BadRecord, 'kind' | 'fields'>, headerFields: number, maxRecord: number): string {
  const r: Record<BadKind, string> = {
    columns: `列数不符：应为 ${headerFields} 列，实为 ${b.fields} 列`,
    quote: '引号不匹配，无法切分字段',
    stray: '引号不匹配：引号未闭合，本行隔离，从下一行起继续读取',
    encoding: '含有无效的 UTF-8 字节（文件按 UTF-8 读取）',
    nul: '含有空字符（NUL，0x00），无法存储',
    cr: '字段中含有单独的回车符（CR）',
    toolong: `记录过长（超过 ${MB(maxRecord)} MB），已跳过至下一行`,
  };
  return r[b.kind];
}

/** Buffered synchronous writer of the clean copy (the scanner emits small pieces). */
class OutFile {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(4 * CHUNK);
  private n = 0;
  constructor(path: string) {
    this.fd = openSync(path, 'w', 0o600);
  }
  write = (b: Uint8Array): void => {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      writeSync(this.fd, b);
      return;
    }
    this.buf.set(b, this.n);
    this.n += b.length;
  };
  private flush(): void {
    let off = 0;
    while (off < this.n) off += writeSync(this.fd, this.buf, off, this.n - off);
    this.n = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

let tmpCounter = 0;
const tmpName = (tmp: string, stem: string, ext: string) => join(tmp, `${stem}-${tmpCounter++}.${ext}`);

interface CarefulOptions extends ReadLimits {
  checkUtf8: boolean;
  crOnly: boolean;
}

/**
 * The careful plan: scan every byte once, writing a clean copy (header and loadable
 * records, LF line ends) and cutting out the records that cannot be loaded, numbering the
 * rows exactly. Memory stays bounded: bad records beyond the detail limit are only counted,
 * breakpoints spill to a file.
 */
async function carefulPlan(path: string, gzip: boolean, tmp: string, o: CarefulOptions, onBytes?: (n: number) => void): Promise<ReadPlan> {
  const maxRecord = o.maxRecordBytes ?? DEFAULT_MAX_RECORD;
  const detailLimit = o.detailLimit ?? DETAIL_LIMIT;
  const cleanPath = tmpName(tmp, 'clean', 'csv');
  const out = new OutFile(cleanPath);
  const rejects: EarlyReject[] = [];
  const counts = new Map<string, ReasonCount>();
  let rejected = 0;
  let headerCells: string[] | null = null;
  const utf8 = new TextDecoder('utf-8');
  let bpFile: OutFile | null = null;
  let bpPath: string | undefined;
  const scanner = new CsvScanner({
    checkUtf8: o.checkUtf8,
    stripCrlf: true,
    maxRecordBytes: maxRecord,
    emit: out.write,
    onBad: (b) => {
      rejected++;
      if (b.field !== null && headerCells === null && scanner.headerBytes) {
        headerCells = parseCsvRecord(utf8.decode(scanner.headerBytes).replace(/^\uFEFF/, ''));
      }
      const column = b.field !== null ? (headerCells?.[b.field]?.trim() ?? null) : null;
      const reason = scanReason(b, scanner.headerFieldCount, maxRecord);
      const key = `${column}\u0000${reason}`;
      const c = counts.get(key);
      if (c) c.rows++;
      else counts.set(key, { column, reason, rows: 1 });
      if (rejects.length < detailLimit) {
        // PostgreSQL stores no NUL in text: shown as U+FFFD in the kept content.
        const content = utf8.decode(b.content).replace(/\r?\n$/, '').replace(/\u0000/g, '\uFFFD');
        rejects.push({ line: b.line, column, reason, content });
      }
    },
  });
  const spill = () => {
    if (scanner.breakpoints.length < 65536) return;
    if (!bpFile) {
      bpPath = tmpName(tmp, 'lines', 'csv');
      bpFile = new OutFile(bpPath);
    }
    const f = bpFile;
    f.write(Buffer.from(scanner.breakpoints.map((p) => `${p.o},${p.d}\n`).join('')));
    scanner.breakpoints.length = 0;
  };
  try {
    for await (const raw of gzip ? bodyStream(path, gzip) : reusedChunks(path)) {
      let c = raw as Buffer;
      onBytes?.(c.length);
      if (o.crOnly) {
        // Old Mac line ends: every CR is a line end (GB18030 never has 0x0D inside a character).
        c = Buffer.from(c);
        let r = -1;
        while ((r = c.indexOf(13, r + 1)) >= 0) c[r] = 10;
      }
      scanner.push(c);
      spill();
    }
  } catch (e) {
    out.close();
    throw e;
  }
  const res = scanner.end();
  out.close();
  let breakpoints = scanner.breakpoints;
  if (bpFile) {
    (bpFile as OutFile).write(Buffer.from(breakpoints.map((p) => `${p.o},${p.d}\n`).join('')));
    (bpFile as OutFile).close();
    breakpoints = [];
  }
  const common = { base: 2, breakpoints, breakpointFile: bpPath, rejects, rejectCounts: [...counts.values()], rejected };
  if (!res.header) {
    // No header at all: nothing to load (a file that is one endless line, for instance).
    return { ...common, relation: rejected ? '(SELECT NULL::VARCHAR AS c0 WHERE false)' : '', headers: [], expected: 0 };
  }
  const headers = parseCsvRecord(utf8.decode(res.header).replace(/^\uFEFF/, ''));
  return { ...common, relation: csvRelation(cleanPath, headers.length, false), headers, expected: res.good };
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
  limits: ReadLimits = {},
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
  const validUtf8 = utf8.end();
  const encoding = validUtf8 ? 'utf-8' : decideEncoding(await encodingEvidence(file.path, gzip));
  const headerBytes = Buffer.concat(insp.headerBytes);
  const headerText = new TextDecoder(encoding).decode(headerBytes).replace(/^\uFEFF/, '').trim();
  // (An endless first line is not "empty": its header bytes were not kept, it is irregular.)
  const empty = insp.total === 0 || (headerText === '' && insp.lineCount() <= 1 && insp.regular());
  const careful = { ...limits, crOnly: insp.crOnly(), checkUtf8: !validUtf8 };
  const plan = async (): Promise<ReadPlan> => {
    if (encoding === 'gb18030') {
      const out = tmpName(tmp, 'utf8', 'csv');
      await transcode(file.path, gzip, out);
      return carefulPlan(out, false, tmp, { ...careful, checkUtf8: false });
    }
    if (!validUtf8 || !insp.regular()) return carefulPlan(file.path, gzip, tmp, careful);
    const headers = decodeHeader(headerBytes, encoding);
    return {
      relation: csvRelation(duckPath(file.path, tmp), headers.length, gzip),
      headers,
      base: 2,
      breakpoints: [],
      rejects: [],
      rejectCounts: [],
      rejected: 0,
      expected: Math.max(0, insp.lineCount() - 1),
      fallback: () => carefulPlan(file.path, gzip, tmp, careful),
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

const FLOAT_TYPES = new Set(['DOUBLE', 'FLOAT', 'REAL']);

/**
 * Read plan of a Parquet file: every column cast to text, line = row number (1-based).
 * A floating-point column holding whole numbers (ids exported as doubles) becomes the
 * integer digits, not `4.1e+17`; the stage refuses non-integral values in text columns.
 */
export function parquetPlan(path: string, columns: { name: string; type: string }[]): ReadPlan {
  const floatColumns: number[] = [];
  const sel = columns
    .map((c, i) => {
      const x = `"${c.name.replace(/"/g, '""')}"`;
      if (!FLOAT_TYPES.has(c.type.toUpperCase())) return `CAST(${x} AS VARCHAR) AS c${i}`;
      floatColumns.push(i);
      return `CASE WHEN isfinite(${x}) AND ${x} = trunc(${x}) AND abs(${x}) < 1e38 THEN CAST(CAST(${x} AS HUGEINT) AS VARCHAR) ELSE CAST(${x} AS VARCHAR) END AS c${i}`;
    })
    .join(', ');
  return {
    relation: `(SELECT ${sel} FROM read_parquet(${lit(path)}))`,
    headers: columns.map((c) => c.name),
    base: 1,
    breakpoints: [],
    rejects: [],
    rejectCounts: [],
    rejected: 0,
    floatColumns,
    expected: null,
  };
}
