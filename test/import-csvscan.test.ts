import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BadRecord, CsvScanner, parseCsvRecord, type ScanOptions } from '../src/dataset/csvscan.ts';

/** Scan `text` fed in chunks of `size` bytes (chunk boundaries must not matter). */
function scan(text: string | Buffer, size: number, opts: ScanOptions = {}) {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const bad: BadRecord[] = [];
  const out: Buffer[] = [];
  const s = new CsvScanner({ ...opts, emit: (b) => out.push(Buffer.from(b)), onBad: (b) => bad.push(b) });
  for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size));
  const r = s.end();
  return { ...r, header: r.header?.toString(), bad, breakpoints: s.breakpoints, clean: Buffer.concat(out).toString() };
}

describe('CSV record scanner', () => {
  const text = [
    'a,b,c', // 1 header
    '1,"x\r\ny",3', // 2-3 multi-line field
    '', // 4 blank
    '4,5', // 5 too few
    '6,"7""q",8', // 6 escaped quote
    '9,"10"x,11', // 7 text after a closing quote
    'ab"c,d,e', // 8 a quote inside an unquoted field is literal
    '12,13,"unterminated', // 9 a stray quote: runs to the end, so only line 9 is cut out
    '14,15,16', // 10 read again after the stray quote
  ].join('\r\n');

  it.each([1, 2, 3, 7, 1 << 20])('finds records, lines and bad rows whatever the chunk size (%i)', (size) => {
    const r = scan(text, size, { stripCrlf: true });
    expect(r.headerFields).toBe(3);
    expect(r.good).toBe(4); // lines 2, 6, 8, 10
    expect(r.bad.map((b) => [b.line, b.kind, b.fields])).toEqual([
      [5, 'columns', 2],
      [7, 'quote', 3],
      [9, 'stray', 3],
    ]);
    // good row ordinals 0, 1, 2, 3 sit on lines 2, 6, 8, 10
    expect(r.breakpoints).toEqual([
      { o: 1, d: 3 },
      { o: 2, d: 4 },
      { o: 3, d: 5 },
    ]);
    // The clean copy: header and good records with LF line ends, nothing else.
    expect(r.clean).toBe('a,b,c\n1,"x\r\ny",3\n6,"7""q",8\nab"c,d,e\n14,15,16');
  });

  it('chunking never changes the result (random CSV)', () => {
    const field = fc.oneof(fc.constantFrom('', 'a', '中文', 'x,y', 'q"q', 'l1\nl2', '"', ' '), fc.string({ maxLength: 6 }));
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const csv = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }).map((rows) => rows.map((r) => r.map(quote).join(',')).join('\r\n'));
    fc.assert(
      fc.property(csv, fc.integer({ min: 1, max: 9 }), (text, size) => {
        expect(scan(text, size)).toEqual(scan(text, 1 << 20));
      }),
      { numRuns: 300 },
    );
  });

  it('chunking never changes the result, with every recovery rule active (random CSV)', () => {
    const field = fc.oneof(fc.constantFrom('', 'a', '中文', 'x,y', 'q"q', 'l1\nl2', '"', ' ', '\r', '\u0000', 'x'.repeat(40)), fc.string({ maxLength: 6 }));
    const cell = fc.tuple(field, fc.constantFrom('plain', 'quoted', 'stray')).map(([v, how]) =>
      how === 'quoted' ? `"${v.replace(/"/g, '""')}"` : how === 'stray' ? `"${v}` : v.replace(/[",\r\n]/g, ''),
    );
    const csv = fc
      .tuple(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n'))
      .map(([rows, eol]) => rows.map((r) => r.join(',')).join(eol));
    const opts = { stripCrlf: true, checkUtf8: true, maxRecordBytes: 64, maxQuotedSpan: 24 };
    const bytes = fc.tuple(csv, fc.option(fc.integer({ min: 0, max: 200 }))).map(([t, bad]) => {
      const b = Buffer.from(t, 'utf8');
      if (bad !== null && b.length) b[bad % b.length] = 0xff;
      return b;
    });
    fc.assert(
      fc.property(bytes, fc.integer({ min: 1, max: 9 }), (b, size) => {
        const whole = scan(b, 1 << 20, opts);
        expect(scan(b, size, opts)).toEqual(whole);
        // Every physical line is accounted for: header, good, bad or blank.
        expect(whole.good + whole.bad.length).toBeLessThanOrEqual(b.toString('latin1').split('\n').length);
      }),
      { numRuns: 400 },
    );
  });

  it('a stray quote costs its own line only, also when other quoted fields follow', () => {
    const r = scan('a,b\n1,"x\n2,y\n3,"z"\n4,w', 3, { stripCrlf: true });
    expect(r.bad.map((b) => [b.line, b.kind])).toEqual([[2, 'stray']]);
    expect(r.good).toBe(3);
    expect(r.clean).toBe('a,b\n2,y\n3,"z"\n4,w');
  });

  it('splits a record into fields', () => {
    expect(parseCsvRecord('a,"b,c","d""e",\r\n')).toEqual(['a', 'b,c', 'd"e', '']);
  });
});
