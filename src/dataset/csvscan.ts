/**
 * A byte-level, quote-aware CSV record scanner and cleaner (RFC 4180: `,` delimiter, `"`
 * quote, `""` escape). It does not build values: it finds where each record starts
 * (physical line), how many fields it has and whether it can be loaded, and it writes a
 * clean copy (header plus the good records, LF line ends) that DuckDB reads without
 * rejects, so that malformed rows are quarantined with exact line numbers.
 *
 * Recovery rules (the rest of the file must never be lost to one bad record):
 * - a quoted field that runs over a line break and then turns out broken (text after the
 *   closing quote, end of file inside the quotes, or more than `maxQuotedSpan` bytes) was a
 *   stray quote: only its first physical line is quarantined and scanning restarts at the
 *   next line;
 * - a record longer than `maxRecordBytes` is quarantined and skipped up to the next line
 *   break without being held in memory (a single line of gigabytes costs nothing);
 * - a NUL byte (PostgreSQL cannot store it), a bare CR outside quotes, and (with
 *   `checkUtf8`) invalid UTF-8 make just that record bad.
 *
 * Memory is bounded by the current record (≤ `maxRecordBytes`) plus one chunk. It works on
 * UTF-8 and on GB18030/GBK bytes alike: every byte of a multi-byte GB18030 character is
 * ≥ 0x30 and never `,` `"` CR or LF.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Why a record cannot be loaded. */
export type BadKind = 'columns' | 'quote' | 'stray' | 'encoding' | 'nul' | 'cr' | 'toolong';

/** A record the scanner rejected. */
export interface BadRecord {
  /** Physical 1-based line where the record starts. */
  line: number;
  fields: number;
  kind: BadKind;
  /** 0-based field where the problem is (NUL, CR, encoding), when known. */
  field: number | null;
  /** The record's first bytes (at most {@link CONTENT_BYTES}), copied. */
  content: Buffer;
}

/** Output ordinal → line: from ordinal `o` on, line = o + base + d. */
export interface Breakpoint {
  o: number;
  d: number;
}

export interface ScanOptions {
  /** Longest record kept (bytes); longer ones are quarantined. */
  maxRecordBytes?: number;
  /** Longest quoted field spanning lines before it is taken for a stray quote (bytes). */
  maxQuotedSpan?: number;
  /** Mark records with invalid UTF-8 as bad (`encoding`). */
  checkUtf8?: boolean;
  /** Drop the CR of CRLF line ends in the clean copy (files that mix CRLF and LF). */
  stripCrlf?: boolean;
  /** Receives the clean copy, synchronously (the bytes are only valid during the call). */
  emit?: (b: Uint8Array) => void;
  /** Receives each bad record, synchronously. */
  onBad?: (b: BadRecord) => void;
}

export interface ScanResult {
  /** Header record bytes (first non-blank record), without its line end. */
  header: Buffer | null;
  headerFields: number;
  /** Records after the header that were kept. */
  good: number;
  bad: number;
  /** Total bytes scanned. */
  bytes: number;
}

/** Bytes of a bad record kept as its quarantine content. */
export const CONTENT_BYTES = 4096;
export const DEFAULT_MAX_RECORD = 8 << 20;
export const DEFAULT_MAX_QUOTED_SPAN = 1 << 20;

/**
 * Incremental scanner: feed chunks with `push`, then `end()`. Breakpoints accumulate in
 * `breakpoints`; a caller may drain (splice) them between pushes to bound memory.
 */
export class CsvScanner {
  readonly breakpoints: Breakpoint[] = [];
  private readonly maxRecord: number;
  private readonly maxSpan: number;
  private readonly checkUtf8: boolean;
  private readonly stripCrlf: boolean;
  private readonly emitFn: (b: Uint8Array) => void;
  private readonly onBad: (b: BadRecord) => void;

  // Bytes held from the current record's start (absolute offset `heldAt`).
  private held: Buffer = Buffer.alloc(0);
  private heldAt = 0;
  /** Scan position inside the held buffer (bytes before it are already scanned). */
  private scanPos = 0;
  private emitFrom = 0; // absolute offset from which bytes are still to be emitted
  private total = 0;

  // Record state
  private line = 1;
  private recLine = 1;
  private recStart = 0; // absolute
  private inQuotes = false;
  private afterQuote = false;
  private fieldStart = true;
  private fields = 1;
  private content = false;
  private malformed = false;
  private problem: BadKind | null = null;
  private problemField: number | null = null;
  private quotedLf = -1; // absolute offset of the first LF inside quotes, -1 if none
  private pendingCr = -1; // absolute offset of a CR outside quotes awaiting its LF
  private skipping = false; // inside a too-long record, discarding up to the next LF
  private u8need = 0;
  private u8lo = 0x80;
  private u8hi = 0xbf;

  private header: Buffer | null = null;
  private headerFields = 0;
  private good = 0;
  private badCount = 0;
  private delta = 0;
  private readonly base = 2;

  constructor(opts: ScanOptions = {}) {
    this.maxRecord = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD;
    this.maxSpan = Math.min(opts.maxQuotedSpan ?? DEFAULT_MAX_QUOTED_SPAN, this.maxRecord);
    this.checkUtf8 = opts.checkUtf8 ?? false;
    this.stripCrlf = opts.stripCrlf ?? false;
    this.emitFn = opts.emit ?? (() => undefined);
    this.onBad = opts.onBad ?? (() => undefined);
  }

  /** Header record bytes once seen (for naming columns of bad records). */
  get headerBytes(): Buffer | null {
    return this.header;
  }

  /** Field count of the header once seen. */
  get headerFieldCount(): number {
    return this.headerFields;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buf = this.held.length ? Buffer.concat([this.held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.total += chunk.length;
    this.scan(buf, false);
  }

  end(): ScanResult {
    const buf = this.held;
    this.scan(buf, true);
    return { header: this.header, headerFields: this.headerFields, good: this.good, bad: this.badCount, bytes: this.total };
  }

  /** Emit pending clean bytes of `buf` (absolute `at`) up to absolute offset `to`. */
  private flush(buf: Buffer, at: number, to: number): void {
    if (to > this.emitFrom) this.emitFn(buf.subarray(this.emitFrom - at, to - at));
    this.emitFrom = Math.max(this.emitFrom, to);
  }

  private resetRecord(start: number, line: number): void {
    this.recStart = start;
    this.recLine = line;
    this.line = line;
    this.inQuotes = false;
    this.afterQuote = false;
    this.fieldStart = true;
    this.fields = 1;
    this.content = false;
    this.malformed = false;
    this.problem = null;
    this.problemField = null;
    this.quotedLf = -1;
    this.pendingCr = -1;
    this.u8need = 0;
  }

  private mark(kind: BadKind): void {
    if (this.problem === null) {
      this.problem = kind;
      this.problemField = this.fields - 1;
    }
  }

  /**
   * Scan `buf`, whose first byte is at absolute offset `this.heldAt` when `buf` starts with
   * the held bytes (always: held bytes begin at the current record's start or are empty).
   */
  private scan(buf: Buffer, final: boolean): void {
    const at = this.heldAt;
    const n = buf.length;
    let i = this.scanPos;
    for (;;) {
      for (; i < n; i++) {
        const b = buf[i]!;
        if (this.skipping) {
          const lf = buf.indexOf(LF, i);
          if (lf < 0) {
            i = n;
            break;
          }
          this.skipping = false;
          this.emitFrom = at + lf + 1;
          this.resetRecord(at + lf + 1, this.line + 1);
          i = lf;
          continue;
        }
        const off = at + i;
        if (this.inQuotes && this.quotedLf >= 0 && off - this.quotedLf > this.maxSpan) {
          i = this.recover(buf, at) - 1;
          continue;
        }
        if (off - this.recStart >= this.maxRecord) {
          // Too long: quarantine it and skip to the next line break without holding it.
          this.flush(buf, at, this.recStart);
          this.reject(buf, at, 'toolong', null, off);
          this.skipping = true;
          this.emitFrom = Number.MAX_SAFE_INTEGER;
          i--;
          continue;
        }
        if (this.pendingCr >= 0 && b !== LF) {
          this.mark('cr');
          this.pendingCr = -1;
        }
        if (b >= 0x80 || this.u8need > 0) {
          if (this.checkUtf8 && !this.utf8(b)) this.mark('encoding');
          if (b >= 0x80) {
            if (this.inQuotes) continue;
            this.content = true;
            this.fieldStart = false;
            if (this.afterQuote) this.malformed = true;
            continue;
          }
        }
        if (b === 0) this.mark('nul');
        if (this.inQuotes) {
          if (b === QUOTE) {
            this.inQuotes = false;
            this.afterQuote = true;
          } else if (b === LF) {
            this.line++;
            if (this.quotedLf < 0) this.quotedLf = off;
          }
          continue;
        }
        if (b === COMMA) {
          this.fields++;
          this.fieldStart = true;
          this.afterQuote = false;
          this.content = true;
        } else if (b === LF) {
          const crlf = this.pendingCr === off - 1;
          this.pendingCr = -1;
          if (this.quotedLf >= 0 && this.malformed) {
            i = this.recover(buf, at) - 1;
            continue;
          }
          this.endRecord(buf, at, off + 1, crlf);
          this.resetRecord(off + 1, this.line + 1);
        } else if (b === QUOTE) {
          this.content = true;
          if (this.fieldStart) {
            this.inQuotes = true;
            this.fieldStart = false;
          } else if (this.afterQuote) {
            // `""` inside a quoted field: an escaped quote, the field goes on.
            this.inQuotes = true;
            this.afterQuote = false;
          }
          // A quote in the middle of an unquoted field is a literal (DuckDB reads it so).
        } else if (b === CR) {
          this.pendingCr = off;
        } else {
          this.content = true;
          this.fieldStart = false;
          if (this.afterQuote) this.malformed = true;
        }
      }
      if (!final) break;
      if (this.skipping) {
        this.skipping = false;
        this.resetRecord(at + n, this.line);
        this.held = Buffer.alloc(0);
        return;
      }
      if (this.inQuotes && this.quotedLf >= 0) {
        // End of file inside a quoted field that ran over lines: a stray quote.
        i = this.recover(buf, at);
        continue;
      }
      const trailingCr = this.pendingCr === at + n - 1;
      this.pendingCr = -1;
      this.endRecord(buf, at, at + n, false);
      if (trailingCr && this.emitFrom < at + n) {
        // A CR as the very last byte is a line end, not data.
        this.flush(buf, at, at + n - 1);
        this.emitFrom = at + n;
      }
      this.flush(buf, at, at + n);
      this.held = Buffer.alloc(0);
      return;
    }
    // Keep the unfinished record (or nothing while skipping) for the next chunk.
    if (this.skipping) {
      this.held = Buffer.alloc(0);
      this.heldAt = at + n;
      this.scanPos = 0;
      this.recStart = at + n;
      return;
    }
    this.flush(buf, at, this.recStart);
    const keepFrom = this.recStart - at;
    this.held = Buffer.from(buf.subarray(keepFrom)); // copied: the caller may reuse its chunk buffer
    this.heldAt = this.recStart;
    this.scanPos = n - keepFrom;
  }

  /**
   * A quoted field ran over a line break and broke: quarantine the record's first physical
   * line and restart right after it. Returns the index in `buf` to continue from.
   */
  private recover(buf: Buffer, at: number): number {
    const cut = this.quotedLf + 1;
    this.flush(buf, at, this.recStart);
    this.reject(buf, at, 'stray', null, cut);
    this.emitFrom = cut;
    this.resetRecord(cut, this.recLine + 1);
    return cut - at;
  }

  private reject(buf: Buffer, at: number, kind: BadKind, field: number | null, end?: number): void {
    const s = this.recStart - at;
    const e = Math.min(end === undefined ? buf.length : end - at, s + CONTENT_BYTES, buf.length);
    this.badCount++;
    this.onBad({ line: this.recLine, fields: this.fields, kind, field, content: Buffer.from(buf.subarray(s, Math.max(s, e))) });
  }

  /** Feed one byte to the UTF-8 validator; false when the sequence is invalid. */
  private utf8(b: number): boolean {
    if (this.u8need > 0) {
      if (b >= this.u8lo && b <= this.u8hi) {
        this.u8need--;
        this.u8lo = 0x80;
        this.u8hi = 0xbf;
        return true;
      }
      this.u8need = 0;
      this.u8lo = 0x80;
      this.u8hi = 0xbf;
      if (b < 0x80) return false;
      // fall through: `b` starts a new sequence (after the broken one)
      this.utf8(b);
      return false;
    }
    if (b < 0x80) return true;
    if (b >= 0xc2 && b <= 0xdf) this.u8need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      this.u8need = 2;
      if (b === 0xe0) this.u8lo = 0xa0;
      else if (b === 0xed) this.u8hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.u8need = 3;
      if (b === 0xf0) this.u8lo = 0x90;
      else if (b === 0xf4) this.u8hi = 0x8f;
    } else return false;
    return true;
  }

  private endRecord(buf: Buffer, at: number, end: number, crlf: boolean): void {
    if (this.checkUtf8 && this.u8need > 0) this.mark('encoding');
    if (!this.content && this.fields === 1) {
      // A blank line: DuckDB skips it too; drop it from the clean copy.
      this.flush(buf, at, this.recStart);
      this.emitFrom = end;
      return;
    }
    if (this.header === null) {
      // The header: bytes before it (blank lines, already dropped) never reach the copy.
      this.header = Buffer.from(buf.subarray(this.recStart - at, end - at));
      this.headerFields = this.fields;
      if (this.stripCrlf) this.emitCrlf(buf, at, end, crlf);
      return;
    }
    const kind: BadKind | null = this.problem ?? (this.malformed || this.inQuotes ? 'quote' : this.fields !== this.headerFields ? 'columns' : null);
    if (kind) {
      this.flush(buf, at, this.recStart);
      this.reject(buf, at, kind, this.problem ? this.problemField : null, end);
      this.emitFrom = end;
      return;
    }
    if (this.stripCrlf) this.emitCrlf(buf, at, end, crlf);
    const d = this.recLine - this.good - this.base;
    if (d !== this.delta) {
      const last = this.breakpoints[this.breakpoints.length - 1];
      if (last && last.o === this.good) last.d = d;
      else this.breakpoints.push({ o: this.good, d });
      this.delta = d;
    }
    this.good++;
  }

  /** With `stripCrlf`: emit up to the CR of a CRLF line end and skip the CR. */
  private emitCrlf(buf: Buffer, at: number, end: number, crlf: boolean): void {
    if (!crlf) return;
    this.flush(buf, at, end - 2);
    this.emitFrom = end - 1;
  }
}

/** Split one CSV record (already decoded) into its fields, RFC 4180 quoting. */
export function parseCsvRecord(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const s = text.replace(/\r?\n$/, '');
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) {
          field += s.slice(i);
          i = s.length;
          break;
        }
        field += s.slice(i, q);
        if (s[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const c = s.indexOf(',', i);
      if (c < 0) {
        out.push(field + s.slice(i));
        return out;
      }
      out.push(field + s.slice(i, c));
      i = c + 1;
    } else {
      const c = s.indexOf(',', i);
      if (c < 0) {
        out.push(s.slice(i));
        return out;
      }
      out.push(s.slice(i, c));
      i = c + 1;
    }
  }
}

/** Quote one value for CSV output (only when needed). */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
