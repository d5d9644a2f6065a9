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

/** Read a file as UTF-8, falling back to GB18030 (common in exports from Chinese systems). */
function readText(path: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw zerr('scan.file_unreadable', `无法读取文件 ${path}`, `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return new TextDecoder('gb18030').decode(buf);
  }
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
      let text: string;
      if (arg !== undefined) text = arg;
      else if (opts.file) text = readText(opts.file);
      else if (!process.stdin.isTTY) text = await readStdin();
      else throw zerr('scan.no_input', '请提供要扫描的文本、--file 文件或标准输入', 'give a TEXT argument, --file, or pipe the text on stdin');
      const { scanText } = await import('../text/scan.ts'); // on demand: the lexicon is not needed for --help
      const hits = scanText(text, { kind: opts.kind });
      if (opts.json) {
        // Invisible characters are written as \u escapes: same JSON value, readable in a terminal.
        const json = JSON.stringify({ hits }).replace(/[\u00ad\u200b-\u200f\u2028\u2029\u2060-\u2064\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
        process.stdout.write(`${json}\n`);
      } else {
        const color = Boolean(process.stdout.isTTY) && !env().NO_COLOR;
        process.stdout.write(`${formatHits(text, hits, color)}\n`);
      }
    });
}
