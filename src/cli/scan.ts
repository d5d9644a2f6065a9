/**
 * `zhili scan [TEXT] [--file F] [--kind ad|certificate|listing] [--json]`: scan one text for
 * prohibited wording and show the hits on the original text (or as JSON with UTF-16 offsets).
 */
import { env } from '../config/env.ts';
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { zerr } from '../errors.ts';
import type { Hit, ScanKind, Via } from '../text/scan.ts';

const RULE_ZH: Record<string, string> = {
  'AD-TERMS': '违规使用禁用词',
  'AD-AGENCY': '冒用政府机关或国徽',
  'AD-FAKE-QUAL': '虚称国家职业资格',
  'PL-LISTING': '平台售卖资格证书',
};
const SEVERITY_ZH: Record<string, string> = { high: '高', medium: '中', low: '低' };
const VIA_ZH: Record<Via, string> = {
  traditional: '繁体',
  width: '全角/兼容字形',
  variant: '异体字',
  noise: '插入干扰字符',
  pinyin: '拼音',
  homophone: '谐音',
};

/** Show invisible and control characters of a matched text as ⟨U+XXXX⟩. */
export function visible(s: string): string {
  return s.replace(/[\p{Cf}\p{Cc}\p{Zs}\p{M}]/gu, (c) =>
    c === ' ' ? ' ' : `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`,
  );
}

interface Paint {
  hit: (s: string) => string;
  ctx: (s: string) => string;
  dim: (s: string) => string;
}
const ANSI: Paint = {
  hit: (s) => `\x1b[1;31m${s}\x1b[0m`,
  ctx: (s) => `\x1b[4;33m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};
const PLAIN: Paint = { hit: (s) => `【${s}】`, ctx: (s) => `〔${s}〕`, dim: (s) => s };

/**
 * Human-readable report: each line of `text` that has hits, with the matched original text
 * highlighted (context words underlined), then one line per hit. Long lines are cut to
 * a window around the hits.
 */
export function formatHits(text: string, hits: Hit[], color: boolean): string {
  if (hits.length === 0) return '未发现违规用语 / no prohibited wording found';
  const p = color ? ANSI : PLAIN;
  const out: string[] = [`发现 ${hits.length} 处违规用语 / ${hits.length} hit(s):`, ''];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (off: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const byLine = new Map<number, Hit[]>();
  for (const h of hits) {
    const l = lineOf(h.start);
    byLine.set(l, [...(byLine.get(l) ?? []), h]);
  }
  for (const [l, hs] of byLine) {
    const ls = lineStarts[l]!;
    const le = l + 1 < lineStarts.length ? lineStarts[l + 1]! - 1 : text.length;
    const marks: { s: number; e: number; kind: 'hit' | 'ctx' }[] = [];
    for (const h of hs) {
      marks.push({ s: h.start, e: Math.min(h.end, le), kind: 'hit' });
      if (h.context && h.context.start >= ls && h.context.end <= le) marks.push({ s: h.context.start, e: h.context.end, kind: 'ctx' });
    }
    // Hits win over context words where they overlap; paint left to right without nesting.
    marks.sort((a, b) => a.s - b.s || (a.kind === 'hit' ? -1 : 1));
    const from = Math.max(ls, Math.min(...marks.map((m) => m.s)) - 40);
    const to = Math.min(le, Math.max(...marks.map((m) => m.e)) + 40);
    let s = from > ls ? '…' : '';
    let pos = from;
    for (const m of marks) {
      if (m.e <= pos) continue;
      const ms = Math.max(m.s, pos);
      s += text.slice(pos, ms);
      s += (m.kind === 'hit' ? p.hit : p.ctx)(visible(text.slice(ms, m.e)));
      pos = m.e;
    }
    s += text.slice(pos, to) + (to < le ? '…' : '');
    out.push(`${p.dim(`第 ${l + 1} 行`)}  ${s}`);
  }
  out.push('');
  for (const h of hits) {
    const via = h.via.length ? `；方式：${h.via.map((v) => VIA_ZH[v]).join('、')}` : '';
    const ctx = h.context ? `；依据：「${visible(h.context.text)}」` : '';
    const disc = h.disclaimed ? '；前有否定声明，已降级' : '';
    out.push(
      `  [${h.rule} ${RULE_ZH[h.rule]}] ${h.term}（${SEVERITY_ZH[h.severity]}）原文「${visible(h.text)}」 位置 ${h.start}–${h.end}${via}${ctx}${disc}`,
    );
  }
  return out.join('\n');
}

/** A decoded file: its text, the encoding chosen, and how many bytes could not be decoded. */
export interface Decoded {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';
  /** Bytes replaced by U+FFFD. */
  invalidBytes: number;
}

/**
 * Valid multi-byte UTF-8 sequences and bytes that belong to none, counted as the WHATWG
 * decoder does (an invalid lead byte or a truncated sequence counts its bytes as invalid).
 */
function utf8Census(b: Uint8Array): { multi: number; wide: number; invalid: number } {
  let multi = 0;
  let wide = 0;
  let invalid = 0;
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    let ok = n > 0 && i + n <= b.length;
    for (let j = 1; ok && j < n; j++) ok = (b[i + j]! & 0xc0) === 0x80;
    // Overlong 3/4-byte forms, surrogates and code points past U+10FFFF are not UTF-8.
    if (ok && n === 3) ok = !(c === 0xe0 && b[i + 1]! < 0xa0) && !(c === 0xed && b[i + 1]! >= 0xa0);
    if (ok && n === 4) ok = !(c === 0xf0 && b[i + 1]! < 0x90) && !(c === 0xf4 && b[i + 1]! >= 0x90);
    if (ok) {
      multi++;
      if (n >= 3) wide++;
      i += n;
    } else {
      invalid++;
      i++;
    }
  }
  return { multi, wide, invalid };
}

/**
 * Decide a file's encoding. A byte-order mark decides; valid UTF-8 is UTF-8; UTF-8 with a few
 * bad bytes (at most one per two valid 3- or 4-byte sequences — a truncated copy, a stray
 * Latin-1 byte) stays UTF-8 with the bad bytes replaced, rather than being read as GB18030,
 * which would garble every character. Otherwise GB18030 (common in exports from Chinese
 * systems), whose decoding of UTF-8-looking bytes would be mojibake.
 */
export function decodeText(buf: Uint8Array): Decoded {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return withInvalid(buf, 'utf-8');
  if (buf[0] === 0xff && buf[1] === 0xfe) return withInvalid(buf, 'utf-16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) return withInvalid(buf, 'utf-16be');
  const { multi, wide, invalid } = utf8Census(buf);
  if (invalid === 0) {
    const text = new TextDecoder('utf-8').decode(buf);
    // Short GB18030 texts can be valid UTF-8 by accident (药师 → "ҩʦ"): only 2-byte sequences
    // (Cyrillic, IPA, Armenian …; not Latin letters like é) and no CJK. Read them as GB18030
    // when that gives Chinese.
    if (multi > 0 && wide === 0 && !/[\u0080-\u017f]/.test(text)) {
      const gb = gb18030Strict(buf);
      if (gb !== null && /^[\p{ASCII}\p{Script=Han}\u3000-\u303f\uff00-\uffef]*$/u.test(gb)) return { text: gb, encoding: 'gb18030', invalidBytes: 0 };
    }
    return { text, encoding: 'utf-8', invalidBytes: 0 };
  }
  // Only 3- and 4-byte sequences (CJK is 3 bytes in UTF-8) count as evidence: GB18030 byte
  // pairs often happen to form valid 2-byte UTF-8 sequences, rarely 3-byte ones.
  if (wide > 0 && invalid * 2 <= wide) {
    return { text: new TextDecoder('utf-8').decode(buf), encoding: 'utf-8', invalidBytes: invalid };
  }
  return withInvalid(buf, 'gb18030');
}

function gb18030Strict(buf: Uint8Array): string | null {
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

function withInvalid(buf: Uint8Array, encoding: Decoded['encoding']): Decoded {
  const text = new TextDecoder(encoding).decode(buf);
  let invalid = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) invalid++;
  // U+FFFD written in the file itself is not a decoding error (rare; only a log figure).
  return { text, encoding, invalidBytes: encoding === 'utf-8' ? utf8Census(buf).invalid : invalid };
}

/** Read a file and decode it (see {@link decodeText}). */
function readText(path: string): Decoded {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw zerr('scan.file_unreadable', `无法读取文件 ${path}`, `cannot read ${path}: ${(e as Error).message}`);
  }
  return decodeText(buf);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Register `zhili scan` on the program. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .argument('[text]', '要扫描的文本 / the text to scan')
    .description('扫描宣传材料、证书用语或平台商品信息中的违规用语 / scan an advert, certificate wording or platform listing for prohibited wording')
    .option('-f, --file <file>', '从文件读取文本（UTF-8 或 GB18030）/ read the text from a file')
    .addOption(
      new Option('-k, --kind <kind>', '文本类型：ad 宣传材料，certificate 证书，listing 平台商品 / what the text is')
        .choices(['ad', 'certificate', 'listing'])
        .default('ad'),
    )
    .option('--json', '输出 JSON：{"hits":[…]}，偏移量为 UTF-16 / print JSON with UTF-16 offsets')
    .action(async (arg: string | undefined, opts: { file?: string; kind: ScanKind; json?: boolean }) => {
      if (arg !== undefined && opts.file) {
        throw zerr('scan.two_inputs', '请只提供文本参数或 --file 之一', 'give either TEXT or --file, not both');
      }
      // On demand: the lexicon and the logger are not needed for --help.
      const [{ scan }, { log }] = await Promise.all([import('../text/scan.ts'), import('../log.ts')]);
      let text: string;
      if (arg !== undefined) text = arg;
      else if (opts.file) {
        const d = readText(opts.file);
        text = d.text;
        log.info({ encoding: d.encoding, invalid_bytes: d.invalidBytes, chars: text.length }, 'scan: file decoded');
        if (d.invalidBytes > 0) {
          process.stderr.write(
            `注意：文件按 ${d.encoding.toUpperCase()} 读取，${d.invalidBytes} 个无法解码的字节已替换为 U+FFFD / ` +
              `note: read as ${d.encoding}, ${d.invalidBytes} undecodable byte(s) replaced by U+FFFD\n`,
          );
        }
      } else if (!process.stdin.isTTY) text = await readStdin();
      else throw zerr('scan.no_input', '请提供要扫描的文本、--file 文件或标准输入', 'give a TEXT argument, --file, or pipe the text on stdin');
      const t0 = performance.now();
      const { hits, truncated, chunks } = scan(text, { kind: opts.kind });
      // Counts only: the text may carry personal data.
      log.info({ kind: opts.kind, chars: text.length, hits: hits.length, truncated, chunks, ms: Math.round(performance.now() - t0) }, 'scan: done');
      if (opts.json) {
        // Invisible characters are written as \u escapes: same JSON value, readable in a terminal.
        const json = JSON.stringify(truncated ? { hits, truncated } : { hits }).replace(/[\u00ad\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        process.stdout.write(`${json}\n`);
      } else {
        const color = Boolean(process.stdout.isTTY) && !env().NO_COLOR;
        process.stdout.write(`${formatHits(text, hits, color)}\n`);
        if (truncated) process.stdout.write(`（仅显示前 ${hits.length} 处 / only the first ${hits.length} hits are shown）\n`);
      }
    });
}
