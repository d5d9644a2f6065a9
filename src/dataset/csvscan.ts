/**
 * A byte-level, quote-aware CSV record scanner (RFC 4180: `,` delimiter, `"` quote,
 * `""` escape, LF or CRLF line ends). It does not build values; it finds where each
 * record starts (physical line), how many fields it has, and whether its quoting is
 * broken, so that the importer can quarantine malformed rows with exact line numbers and
 * hand DuckDB a file it reads without rejects.
 *
 * It works on UTF-8 and on GB18030/GBK bytes alike: every byte of a multi-byte GB18030
 * character is ≥ 0x30 and never `,` `"` CR or LF.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** A record the scanner rejected. */
export interface BadRecord {
  /** Physical 1-based line where the record starts. */
  line: number;
  /** Byte range in the scanned stream. */
  start: number;
  end: number;
  fields: number;
  kind: 'columns' | 'quote';
}

/** Output ordinal → line: from ordinal `o` on, line = o + base + d. */
export interface Breakpoint {
  o: number;
  d: number;
}

export interface ScanResult {
  /** Fields of the header record (first non-blank record), decoded later by the caller. */
  headerStart: number;
  headerEnd: number;
  headerFields: number;
  /** Records after the header with the right field count and sound quoting. */
  good: number;
  bad: BadRecord[];
  breakpoints: Breakpoint[];
  /** Total bytes scanned. */
  bytes: number;
}

/**
 * Incremental scanner: feed chunks with `push`, then `end()`. `base` is the line of the
 * first data record when the file is regular (2: header on line 1).
 */
export class CsvScanner {
  private line = 1;
  private pos = 0;
  private inQuotes = false;
  private afterQuote = false;
  private fieldStart = true;
  private fields = 1;
  private content = false;
  private malformed = false;
  private recStart = 0;
  private recLine = 1;
  private header = true;
  private headerStart = -1;
  private headerEnd = -1;
  private headerFields = 0;
  private good = 0;
  private delta = 0;
  readonly bad: BadRecord[] = [];
  readonly breakpoints: Breakpoint[] = [];
  private readonly base = 2;

  push(buf: Uint8Array): void {
    let { line, inQuotes, afterQuote, fieldStart, fields, content, malformed } = this;
    const off = this.pos;
    const n = buf.length;
    for (let i = 0; i < n; i++) {
      const b = buf[i]!;
      if (inQuotes) {
        if (b === QUOTE) {
          inQuotes = false;
          afterQuote = true;
        } else if (b === LF) line++;
        continue;
      }
      if (b === COMMA) {
        fields++;
        fieldStart = true;
        afterQuote = false;
        content = true;
      } else if (b === LF) {
        this.line = line;
        this.fields = fields;
        this.content = content;
        this.malformed = malformed;
        this.inQuotes = false; // (the field state of the previous chunk must not leak in)
        this.endRecord(off + i + 1);
        line++;
        fields = 1;
        fieldStart = true;
        afterQuote = false;
        content = false;
        malformed = false;
        this.recStart = off + i + 1;
        this.recLine = line;
      } else if (b === QUOTE) {
        content = true;
        if (fieldStart) {
          inQuotes = true;
          fieldStart = false;
        } else if (afterQuote) {
          // `""` inside a quoted field: an escaped quote, the field goes on.
          inQuotes = true;
          afterQuote = false;
        }
        // A quote in the middle of an unquoted field is a literal (DuckDB reads it so).
      } else if (b === CR) {
        // CRLF line end: the LF ends the record; a CR inside a field is kept by DuckDB.
      } else {
        content = true;
        fieldStart = false;
        if (afterQuote) malformed = true;
      }
    }
    this.pos = off + n;
    Object.assign(this, { line, inQuotes, afterQuote, fieldStart, fields, content, malformed });
  }

  private endRecord(end: number): void {
    if (!this.content && this.fields === 1) return; // blank line: skipped, like DuckDB does
    if (this.header) {
      this.header = false;
      this.headerStart = this.recStart;
      this.headerEnd = end;
      this.headerFields = this.fields;
      return;
    }
    if (this.malformed || this.inQuotes || this.fields !== this.headerFields) {
      this.bad.push({
        line: this.recLine,
        start: this.recStart,
        end,
        fields: this.fields,
        kind: this.malformed || this.inQuotes ? 'quote' : 'columns',
      });
      return;
    }
    const d = this.recLine - this.good - this.base;
    if (d !== this.delta) {
      const last = this.breakpoints[this.breakpoints.length - 1];
      if (last && last.o === this.good) last.d = d;
      else this.breakpoints.push({ o: this.good, d });
      this.delta = d;
    }
    this.good++;
  }

  end(): ScanResult {
    // The last record may end without a newline; an unterminated quote runs to the end.
    this.endRecord(this.pos);
    this.content = false;
    return {
      headerStart: this.headerStart,
      headerEnd: this.headerEnd,
      headerFields: this.headerFields,
      good: this.good,
      bad: this.bad,
      breakpoints: this.breakpoints,
      bytes: this.pos,
    };
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
