/**
 * Character normalisation for prohibited-wording matching, with an offset map back to the
 * original text (RULES.md "Text matching").
 *
 * Every original code point is classified once (then cached in a table) as either
 *  - noise: punctuation, symbols (incl. emoji), spaces (incl. U+3000), zero-width and other
 *    format characters, combining marks, private-use. Noise is not deleted: the matcher skips
 *    a bounded run of it between the characters of a word, so spans stay exact; or
 *  - content: one (or, rarely, several) normalised code points, obtained by
 *    NFKC → lower case → traditional→simplified (opencc-js on the single character) →
 *    a small variant map for forms OpenCC leaves alone (囯/圀 → 国, radical-supplement forms).
 *
 * Conversion is per character on purpose: OpenCC's phrase tables matter for running prose,
 * but for matching a fixed lexicon the character map is what counts, and converting each
 * distinct character once (cached) keeps the scanner's hot loop a table lookup instead of a
 * converter call on long strings (which ARCHITECTURE.md measured at 3× slower on 10 MB).
 */
import { createRequire } from 'node:module';
import type * as OpenCCTypes from 'opencc-js';

// Loaded on first use (synchronously, through require): importing the scanner — which the
// screening rule registry does for every CLI command — should not cost opencc-js's
// dictionary load (~0.3 s) unless a text is actually scanned.
const require = createRequire(import.meta.url);

/** Low 21 bits of a table entry: the normalised code point (content characters). */
export const CP_MASK = 0x1fffff;
/** Skippable between the characters of a word. */
export const F_NOISE = 1 << 21;
/** A hard break (line break, 。！？): words never span it. Always also noise. */
export const F_BREAK = 1 << 22;
/** Ends a clause (，。！？；, and their ASCII forms, line breaks): limits context checks. */
export const F_CLAUSE = 1 << 23;
/** Traditional (or HK/TW variant) character converted to simplified. */
export const F_TRAD = 1 << 24;
/** NFKC changed the character (full-width, circled, compatibility ideograph, Kangxi radical…). */
export const F_WIDTH = 1 << 25;
/** Mapped by the project's variant map (forms OpenCC does not convert). */
export const F_VARIANT = 1 << 26;
/** Expands to several code points: see {@link expansionOf}. */
export const F_MULTI = 1 << 27;
/** After normalisation a Latin letter or digit (for word-boundary checks on pinyin forms). */
export const F_WORD = 1 << 28;
/** Marks a computed table entry (0 means "not computed yet"). */
const F_KNOWN = 1 << 29;

/** How a content character was transformed, as reported in a hit's `via`. */
export type CharVia = 'traditional' | 'width' | 'variant';

/**
 * Variants that OpenCC does not map to the simplified standard form, mostly old or
 * vernacular forms sellers use to dodge filters, and CJK Radicals Supplement forms (U+2E80–
 * U+2EFF, which NFKC leaves alone, unlike Kangxi radicals U+2F00–U+2FDF).
 */
const VARIANTS: Record<string, string> = Object.fromEntries(
  // Pairs "variant target", space separated.
  '囯国 圀国 囶国 囻国 𡆸国 ⻔门 ⻅见 ⻓长 ⻋车 ⻆角 ⻢马 ⻛风 ⻜飞 ⻥鱼 ⻚页 ⻉贝 ⻈讠 ⻐钅 ⻙韦 ⻘青 ⻝食 ⻄西 ⻊足 ⺠民 ⺟母 ⺢水 ⺣火 ⺩王 ⻌辶 ⻍辶 ⻏阝 ⻖阝 ⺈刀 ⺇几 ⺌小 ⺍小 ⻑长 ⻗雨 ⻟食 ⻠饣 ⻣骨 ⻤鬼 ⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻬齐 ⻮齿 ⻯龙 ⻳龟 証证'
    .split(' ')
    .map((p) => [...p] as [string, string]),
);

/** Original characters that end a sentence: matching restarts after them. */
const BREAK_CHARS = new Set([0x0a, 0x0d, 0x0b, 0x0c, 0x85, 0x2028, 0x2029, 0x3002, 0xff01, 0xff1f, 0xff61]);
/** Original characters that end a clause (for "same clause" context checks). */
const CLAUSE_CHARS = new Set([...BREAK_CHARS, 0xff0c, 0x2c, 0x21, 0x3f, 0x3b, 0xff1b, 0xfe50, 0xfe54, 0xfe56, 0xfe57]);

const NOISE_RE = /^[\p{P}\p{S}\p{Z}\p{M}\p{C}\s]$/u;
const WORD_RE = /^[a-z0-9]$/;

let converters: [(s: string) => string, (s: string) => string] | undefined;
function t2s(s: string): string {
  if (!converters) {
    const OpenCC = require('opencc-js/t2cn') as typeof OpenCCTypes; // the traditional→simplified half only: half the dictionaries to load
    // hk→cn covers plain traditional plus Hong Kong variants; tw→cn catches Taiwan forms
    // (e.g. 裏/裡) when the first leaves the character unchanged.
    converters = [OpenCC.Converter({ from: 'hk', to: 'cn' }), OpenCC.Converter({ from: 'tw', to: 'cn' })];
  }
  const a = converters[0](s);
  return a !== s ? a : converters[1](s);
}

const BMP = new Int32Array(0x10000);
const ASTRAL = new Map<number, number>();
const EXPANSIONS = new Map<number, Int32Array>();

function isCjk(cp: number): boolean {
  return (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f);
}

/** Normalise one content code point after NFKC and lower-casing: t2s, then variants. */
function convertCjk(cp: number): { cp: number; flags: number } {
  let flags = 0;
  let out = cp;
  const ch = String.fromCodePoint(cp);
  const v = VARIANTS[ch];
  if (v !== undefined && v !== ch) {
    out = v.codePointAt(0)!;
    flags |= F_VARIANT;
  } else if (isCjk(cp)) {
    const s = t2s(ch);
    // Keep the one-to-one mapping: a multi-character conversion would break offsets.
    if (s !== ch && [...s].length === 1) {
      out = s.codePointAt(0)!;
      flags |= F_TRAD;
      const v2 = VARIANTS[s];
      if (v2 !== undefined && v2 !== s) {
        out = v2.codePointAt(0)!;
        flags |= F_VARIANT;
      }
    }
  }
  return { cp: out, flags };
}

function compute(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let flags = F_KNOWN;
  if (CLAUSE_CHARS.has(cp)) flags |= F_CLAUSE | F_NOISE;
  if (BREAK_CHARS.has(cp)) flags |= F_BREAK | F_NOISE;
  if (flags & F_NOISE) return flags;
  const nfkc = ch.normalize('NFKC').toLowerCase();
  if (nfkc !== ch.toLowerCase()) flags |= F_WIDTH;
  const parts: number[] = [];
  let partFlags = 0;
  for (let p of nfkc) {
    // Radical-supplement forms are symbols (So) to Unicode, but letters to a reader.
    if (NOISE_RE.test(p) && VARIANTS[p] === undefined) continue;
    // Pinyin written with tone marks (bāo guò, lǜ) is plain pinyin: drop the marks, ü → v
    // as in the lexicon's pinyin forms. Not a 'via' of its own: the hit says 'pinyin'.
    if (p > '\u007f' && p < '\u0250') {
      const d = p.normalize('NFD');
      if (/^[a-z]\p{M}+$/u.test(d)) p = d.startsWith('u\u0308') ? 'v' : d[0]!;
    }
    const c = convertCjk(p.codePointAt(0)!);
    partFlags |= c.flags;
    parts.push(c.cp);
  }
  if (parts.length === 0) return (flags & ~F_WIDTH) | F_NOISE;
  flags |= partFlags;
  if (parts.length === 1) {
    if (WORD_RE.test(String.fromCodePoint(parts[0]!))) flags |= F_WORD;
    return flags | parts[0]!;
  }
  EXPANSIONS.set(cp, Int32Array.from(parts));
  return flags | F_MULTI | parts[0]!;
}

/**
 * The packed table entry of an original code point: flags (F_*) | normalised code point.
 * Computed on first use and cached.
 */
export function entryOf(cp: number): number {
  if (cp < 0x10000) {
    const v = BMP[cp]!;
    if (v !== 0) return v;
    return (BMP[cp] = compute(cp));
  }
  let v = ASTRAL.get(cp);
  if (v === undefined) ASTRAL.set(cp, (v = compute(cp)));
  return v;
}

/** The normalised code points of an F_MULTI character (e.g. ㍿ → 株式会社). */
export function expansionOf(cp: number): Int32Array {
  return EXPANSIONS.get(cp)!;
}

/** Direct access to the BMP table for the scanner's hot loop (0 = not computed yet). */
export const BMP_TABLE: Int32Array = BMP;

/** One content unit of normalised text. */
export interface NormUnit {
  /** Normalised character. */
  ch: string;
  /** UTF-16 span of the original character(s) it came from. */
  start: number;
  end: number;
  via: CharVia[];
}

/** Result of {@link normalize}: content units only; noise is what lies between spans. */
export interface Normalized {
  /** The normalised content characters, concatenated (noise left out). */
  text: string;
  units: NormUnit[];
}

/** The `via` labels of a packed entry's flags. */
export function charVia(flags: number): CharVia[] {
  const v: CharVia[] = [];
  if (flags & F_TRAD) v.push('traditional');
  if (flags & F_WIDTH) v.push('width');
  if (flags & F_VARIANT) v.push('variant');
  return v;
}

/**
 * Normalise a text for inspection and tests: every content unit maps back to its UTF-16
 * span in `original`, so `original.slice(units[i].start, units[j].end)` is exactly the
 * original text of normalised characters i..j (noise between them included).
 * The scanner uses the same table through a faster inline loop.
 */
export function normalize(original: string): Normalized {
  const units: NormUnit[] = [];
  let text = '';
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    const e = entryOf(cp);
    if (!(e & F_NOISE)) {
      const cps = e & F_MULTI ? Array.from(expansionOf(cp)) : [e & CP_MASK];
      for (const c of cps) {
        const ch = String.fromCodePoint(c);
        text += ch;
        units.push({ ch, start: i, end: i + w, via: charVia(e) });
      }
    }
    i += w;
  }
  return { text, units };
}

/**
 * Normalise a lexicon entry to its code points (noise dropped), so lexicon files may be
 * written in any form and still meet the scanner's normalised stream.
 */
export function normalizeTerm(term: string): number[] {
  const out: number[] = [];
  for (const u of normalize(term).units) out.push(u.ch.codePointAt(0)!);
  return out;
}
