/**
 * The prohibited-wording scanner: normalises a text on the fly (see normalize.ts), runs the
 * lexicon automaton over the normalised stream while skipping bounded runs of noise, and
 * turns raw matches into hits with spans on the original text.
 */
import { lexicon, type CompiledLexicon, type PatternEntry, type RuleId, type Severity } from './lexicon.ts';
import {
  BMP_TABLE,
  CP_MASK,
  F_BREAK,
  F_CLAUSE,
  F_MULTI,
  F_NOISE,
  F_TRAD,
  F_VARIANT,
  F_WIDTH,
  F_WORD,
  entryOf,
  expansionOf,
} from './normalize.ts';

export type { RuleId, Severity } from './lexicon.ts';

/** How a hit matched: every transformation that was needed to see the term. */
export type Via = 'traditional' | 'width' | 'variant' | 'noise' | 'pinyin' | 'homophone';
/** What the text is: an advert (default), a certificate's wording (title), or a platform listing. */
export type ScanKind = 'ad' | 'certificate' | 'listing';

/** The word that made a conditional term count (credential word, issuer/claim/sale cue). */
export interface HitContext {
  term: string;
  category: string;
  start: number;
  end: number;
  text: string;
}

export interface Hit {
  /** The rule this hit supports. */
  rule: RuleId;
  /** The lexicon's canonical simplified form. */
  term: string;
  category: string;
  severity: Severity;
  /** UTF-16 offsets into the input; `input.slice(start, end) === text`. */
  start: number;
  end: number;
  /** The original text that matched, inner noise included. */
  text: string;
  via: Via[];
  context?: HitContext;
  /** A disclaimer stands right before the term (本证书不是职业资格证书): severity lowered. */
  disclaimed?: boolean;
}

export interface ScanOptions {
  kind?: ScanKind;
  /** Most hits returned for one text (default {@link MAX_HITS}); the rest are dropped. */
  maxHits?: number;
}

/** Result of {@link scan}: the hits, and whether the output cap cut them short. */
export interface ScanResult {
  hits: Hit[];
  /** More hits than `maxHits` were found; `hits` holds the first `maxHits` of them. */
  truncated: boolean;
  /** Number of pieces the text was scanned in (1 unless longer than {@link CHUNK}). */
  chunks: number;
}

/**
 * Default cap on the hits of one text: a hostile or broken text can match on every other
 * character, and nobody reads ten thousand hits of one advert (a clue keeps twenty).
 */
export const MAX_HITS = 10_000;

/**
 * Texts longer than this many UTF-16 units are scanned in pieces that end at a line break or
 * 。！？ (a hard break no word or context spans), so the per-character buffers stay bounded
 * whatever the input size. A listing's sale cue is looked for within its piece only.
 */
export const CHUNK = 1 << 17;

/**
 * Most noise code points skipped between two characters of a word (包 — 过, 包🔥🔥过).
 * Longer runs, and sentence ends (。！？, line breaks), separate words.
 */
export const MAX_GAP = 8;

// Per-unit buffers reused across calls: the scanner is called once per line in bulk work,
// and allocating per line would dominate the cost.
let cap = 0;
let uStart = new Int32Array(0);
let uEnd = new Int32Array(0);
let uFlags = new Int32Array(0);
let uClause = new Int32Array(0);
let uSent = new Int32Array(0);
const rawPid: number[] = [];
const rawEnd: number[] = [];

function ensure(n: number): void {
  if (n <= cap) return;
  let c = Math.max(1024, cap);
  while (c < n) c *= 2;
  const grow = (a: Int32Array) => {
    const b = new Int32Array(c);
    b.set(a);
    return b;
  };
  uStart = grow(uStart);
  uEnd = grow(uEnd);
  uFlags = grow(uFlags);
  uClause = grow(uClause);
  uSent = grow(uSent);
  cap = c;
}

/** Normalise and run the automaton; fills the unit buffers and raw matches, returns unit count. */
function run(text: string, L: CompiledLexicon): number {
  const { root, alpha, fail, out, hState, hCp, hNext, hShift } = L.ac;
  const hMask = hState.length - 1;
  rawPid.length = 0;
  rawEnd.length = 0;
  const n = text.length;
  ensure(n + 8);
  let k = 0;
  let state = 0;
  let gap = 0;
  let clause = 0;
  let sentence = 0;
  for (let i = 0; i < n; ) {
    let cp = text.charCodeAt(i);
    let w = 1;
    if ((cp & 0xfc00) === 0xd800 && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if ((lo & 0xfc00) === 0xdc00) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        w = 2;
      }
    }
    let v = cp < 0x10000 ? BMP_TABLE[cp]! : 0;
    if (v === 0) v = entryOf(cp);
    if (v & F_NOISE) {
      if (v & F_CLAUSE) clause++;
      if (v & F_BREAK) {
        state = 0;
        sentence++;
      } else if (++gap > MAX_GAP) state = 0;
      i += w;
      continue;
    }
    gap = 0;
    const exp = v & F_MULTI ? expansionOf(cp) : null;
    const cnt = exp === null ? 1 : exp.length;
    if (k + cnt > cap) ensure(k + cnt + n - i);
    for (let j = 0; j < cnt; j++) {
      const c = exp === null ? v & CP_MASK : exp[j]!;
      uStart[k] = i;
      uEnd[k] = i + w;
      uFlags[k] = v;
      uClause[k] = clause;
      uSent[k] = sentence;
      if (c > 0xffff || alpha[c] === 0) {
        state = 0;
      } else {
        let s = state;
        for (;;) {
          if (s === 0) {
            s = root[c]!;
            break;
          }
          // Inlined CodePointAC.goto: probe the transition table.
          let h = Math.imul(Math.imul(s, 0x9e3779b1) ^ c, 0x85ebca6b) >>> hShift;
          let t = 0;
          for (;;) {
            const hs = hState[h]!;
            if (hs === -1) break;
            if (hs === s && hCp[h] === c) {
              t = hNext[h]!;
              break;
            }
            h = (h + 1) & hMask;
          }
          if (t !== 0) {
            s = t;
            break;
          }
          s = fail[s]!;
        }
        state = s;
        if (s !== 0) {
          const o = out[s]!;
          if (o !== null) {
            for (let q = 0; q < o.length; q++) {
              rawPid.push(o[q]!);
              rawEnd.push(k);
            }
          }
        }
      }
      k++;
    }
    i += w;
  }
  return k;
}

/** A raw match of one pattern entry over content units s..e (inclusive). */
interface M {
  e: PatternEntry;
  s: number;
  t: number;
}

const SEV_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/**
 * Scan a text for prohibited wording. `kind` selects the rules: adverts and certificates
 * (AD-TERMS, AD-AGENCY, AD-FAKE-QUAL; on a certificate the weak terms 中国/中华/国家/全国
 * need no further claim context) or listings (PL-LISTING). Offsets are UTF-16 offsets into
 * `text`. Publisher checks (AD-TERMS only for unregistered publishers) are the caller's.
 */
export function scanText(text: string, opts: ScanOptions = {}): Hit[] {
  return scan(text, opts).hits;
}

/**
 * {@link scanText} with its bookkeeping: whether the hit cap was reached and in how many
 * pieces the text was scanned. Time is linear in the text's length and memory bounded by
 * {@link CHUNK} plus the capped output.
 */
export function scan(text: string, opts: ScanOptions = {}): ScanResult {
  const kind = opts.kind ?? 'ad';
  const max = opts.maxHits ?? MAX_HITS;
  const L = lexicon();
  if (text.length <= CHUNK) {
    const hits = scanChunk(text, kind, L);
    return { hits: hits.length > max ? hits.slice(0, max) : hits, truncated: hits.length > max, chunks: 1 };
  }
  const out: Hit[] = [];
  let chunks = 0;
  for (let a = 0; a < text.length; ) {
    const b = chunkEnd(text, a);
    chunks++;
    for (const h of scanChunk(text.slice(a, b), kind, L)) {
      if (out.length === max) return { hits: out, truncated: true, chunks };
      h.start += a;
      h.end += a;
      if (h.context) {
        h.context.start += a;
        h.context.end += a;
      }
      out.push(h);
    }
    a = b;
  }
  return { hits: out, truncated: false, chunks };
}

/** End of the piece starting at `a`: after the last hard break in its second half, else after noise. */
function chunkEnd(text: string, a: number): number {
  const limit = a + CHUNK;
  if (limit >= text.length) return text.length;
  let soft = -1;
  for (let i = limit - 1; i > a + (CHUNK >> 1); i--) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0x2029) return i + 1;
    if (soft < 0 && (c === 0x20 || c === 0x3000 || c === 0xff0c || c === 0x2c)) soft = i + 1;
  }
  if (soft > 0) return soft;
  // No break at all (a hostile text): cut anywhere but inside a surrogate pair.
  return (text.charCodeAt(limit) & 0xfc00) === 0xdc00 ? limit + 1 : limit;
}

function scanChunk(text: string, kind: ScanKind, L: CompiledLexicon): Hit[] {
  const k = run(text, L);
  if (rawPid.length === 0) return [];
  // Most texts only contain context words (证书, 考试 …): leave before allocating anything.
  const want = kind === 'listing' ? 2 : 1;
  let any = false;
  for (let r = 0; r < rawPid.length && !any; r++) any = (L.termKinds[rawPid[r]!]! & want) !== 0;
  if (!any) return [];

  const terms: M[] = [];
  const ctx: M[] = [];
  const agencyCues: M[] = [];
  const claimCues: M[] = [];
  const saleCues: M[] = [];
  const emblemCues: M[] = [];
  const notCueList: M[] = [];
  const negList: M[] = [];
  const notNegList: M[] = [];
  const allowSpans: [number, number][] = [];
  for (let r = 0; r < rawPid.length; r++) {
    const pid = rawPid[r]!;
    const t = rawEnd[r]!;
    const s = t - L.ac.lengths[pid]! + 1;
    // Pinyin forms must stand as their own Latin word: "bg" inside "bgm" or "debug" is not 包过.
    if (L.latinStart[pid] && s > 0 && uEnd[s - 1] === uStart[s] && uFlags[s - 1]! & F_WORD) continue;
    if (L.latinEnd[pid] && t + 1 < k && uStart[t + 1] === uEnd[t] && uFlags[t + 1]! & F_WORD) continue;
    for (const e of L.entries[pid]!) {
      const m: M = { e, s, t };
      switch (e.kind) {
        case 'term':
          if (kind === 'listing' ? e.rule === 'PL-LISTING' : e.rule !== 'PL-LISTING') terms.push(m);
          break;
        case 'ctx':
          ctx.push(m);
          break;
        case 'agencyCue':
          agencyCues.push(m);
          break;
        case 'claimCue':
          claimCues.push(m);
          break;
        case 'saleCue':
          saleCues.push(m);
          break;
        case 'emblemCue':
          emblemCues.push(m);
          break;
        case 'notCue':
          notCueList.push(m);
          break;
        case 'neg':
          negList.push(m);
          break;
        case 'notNeg':
          notNegList.push(m);
          break;
        case 'allow':
          // Only a contiguous name is a name: "证书 包过" must not read as 书包过.
          if (!hasNoise(s, t)) allowSpans.push([uStart[s]!, uEnd[t]!]);
          break;
      }
    }
  }
  if (terms.length === 0) return [];

  const allow = new SpanIndex(allowSpans);
  // Words inside an allow-listed name are part of that name, not context or cues
  // (等级 in 全国计算机等级考试, 国家职业资格 in 国家职业资格目录).
  if (allowSpans.length) {
    const free = (m: M) => !allow.contains(uStart[m.s]!, uEnd[m.t]!);
    for (const list of [ctx, agencyCues, claimCues, saleCues, emblemCues]) keepIf(list, free);
  }
  // An issuer cue inside a legitimate phrase (备案的评价机构, 推荐就业) is not a cue.
  notCues = notCueList;
  if (notCues.length) keepIf(agencyCues, (c) => !coveredBy(c, notCues));
  negs = negList;
  notNegs = notNegList;
  disclaimerWindow = L.disclaimerWindow;
  maxLen = L.maxLen;
  const usableSaleCues = saleCues.filter((c) => formOk(c, ctx, L) !== undefined);

  const hits: (Hit & { _s: number; _t: number })[] = [];
  for (const m of terms) {
    const start = uStart[m.s]!;
    const end = uEnd[m.t]!;
    if (allow.contains(start, end)) continue;
    const fc = formOk(m, ctx, L);
    if (fc === undefined) continue;
    let context: M | undefined = fc ?? undefined;
    let severity: Severity = m.e.severity;
    switch (m.e.needs) {
      case 'weak':
        if (kind !== 'certificate') {
          const c = nearest(m, ctx, NEAR_WEAK, L.weakWindow);
          if (!c) continue;
          context ??= c;
        }
        break;
      case 'agencyCue': {
        const c = nearest(m, agencyCues, NEAR_AGENCY, L.issuerCueWindow);
        // On a certificate, naming a government body is naming it as the issuer.
        if (!c && kind !== 'certificate') continue;
        context = c ?? context;
        break;
      }
      case 'emblemCue': {
        // On a certificate, the emblem is on the certificate.
        const c = nearest(m, emblemCues, NEAR_EMBLEM, L.emblemCueWindow);
        if (!c && kind !== 'certificate') continue;
        context = c ?? context;
        break;
      }
      case 'claimCue': {
        const c = nearest(m, claimCues, NEAR_CLAIM, L.claimWindow);
        if (!c) continue;
        context = c;
        break;
      }
      case 'saleCue': {
        const c = nearest(m, usableSaleCues, NEAR_SALE, Infinity);
        if (!c) continue;
        context = c;
        if (SEV_RANK[c.e.severity] > SEV_RANK[severity]) severity = c.e.severity;
        break;
      }
      case 'none':
        break;
    }
    const disclaimed = isNegated(m, L.disclaimerWindow);
    if (disclaimed) severity = 'low';
    const hit: Hit & { _s: number; _t: number } = {
      rule: m.e.rule!,
      term: m.e.term,
      category: m.e.category,
      severity,
      start,
      end,
      text: text.slice(start, end),
      via: viaOf(m),
      _s: m.s,
      _t: m.t,
    };
    if (context) {
      const cs = uStart[context.s]!;
      const ce = uEnd[context.t]!;
      hit.context = { term: context.e.term, category: context.e.category, start: cs, end: ce, text: text.slice(cs, ce) };
    }
    if (disclaimed) hit.disclaimed = true;
    hits.push(hit);
  }

  if (kind !== 'listing') unlistedOccupationClaims(text, L, claimCues, hits);

  if (hits.length === 0) return [];
  // The regular-expression part of the allow-list needs a second pass over the text, so it
  // runs only for the few texts that still have a hit. A hit inside an allowed span goes,
  // and so does one whose context word is inside one (职业资格 of 职业资格退出目录 is news,
  // not a claim for the occupation before it).
  const reSpans = regexAllowSpans(text, L, hits);
  if (reSpans.length) {
    const re = new SpanIndex(reSpans);
    let j = 0;
    for (const h of hits) {
      if (re.contains(h.start, h.end) || (h.context && re.contains(h.context.start, h.context.end))) continue;
      hits[j++] = h;
    }
    hits.length = j;
  }

  // Overlapping hits of one rule collapse to the longest (国家职业资格 over 国家 and 职业资格);
  // the sort is stable, so on equal length the lexicon's first entry wins (包过 over 保过 for "baoguo").
  // Occupied units are marked per rule, which keeps this linear on long texts.
  const kept: typeof hits = [];
  const byLen = [...hits].sort((a, b) => b._t - b._s - (a._t - a._s) || a._s - b._s);
  const occupied = new Map<string, Uint8Array>();
  for (const h of byLen) {
    let occ = occupied.get(h.rule);
    if (!occ) occupied.set(h.rule, (occ = new Uint8Array(k)));
    let free = true;
    for (let u = h._s; u <= h._t && free; u++) free = occ[u] === 0;
    if (!free) continue;
    occ.fill(1, h._s, h._t + 1);
    kept.push(h);
  }
  kept.sort((a, b) => a.start - b.start || a.end - b.end || a.rule.localeCompare(b.rule));
  return kept.map(({ _s, _t, ...h }) => h);
}

// Post-processing helpers live at module level (not as closures in scanText) because they
// run for every line that has a raw match, and closure allocation showed up in profiles.
let negs: M[] = [];
let notNegs: M[] = [];
let notCues: M[] = [];
let disclaimerWindow = 0;
let maxLen = 0;
const NEAR_WEAK = 0;
const NEAR_FORM = 1;
const NEAR_AGENCY = 2;
const NEAR_CLAIM = 3;
const NEAR_SALE = 4;
const NEAR_EMBLEM = 5;

/** Keep the elements of `list` that pass `f`, in place (no argument spreading: lists can be long). */
function keepIf(list: M[], f: (m: M) => boolean): void {
  let j = 0;
  for (let i = 0; i < list.length; i++) if (f(list[i]!)) list[j++] = list[i]!;
  list.length = j;
}

/** `m` lies inside one of `spans` (sorted by end unit). */
function coveredBy(m: M, spans: M[]): boolean {
  for (let j = firstEndingFrom(spans, m.t); j < spans.length && spans[j]!.t <= m.t + maxLen; j++) {
    if (inside(m, spans[j]!)) return true;
  }
  return false;
}

/** A not-cue phrase lies strictly between `a` and `b` (人社部门｜备案的评价机构｜颁发). */
function notCueBetween(a: M, b: M): boolean {
  const lo = Math.min(a.t, b.t);
  const hi = Math.max(a.s, b.s);
  for (let j = firstEndingFrom(notCues, lo + 1); j < notCues.length && notCues[j]!.t < hi; j++) {
    if (notCues[j]!.s > lo) return true;
  }
  return false;
}

function sameSentence(a: M, b: M): boolean {
  return uSent[a.s] === uSent[b.t] && uSent[a.t] === uSent[b.s];
}

function inside(a: M, b: M): boolean {
  return a.s >= b.s && a.t <= b.t;
}
function overlaps(a: M, b: M): boolean {
  return a.s <= b.t && b.s <= a.t;
}
function sameClause(a: M, b: M): boolean {
  return uClause[a.t]! >= uClause[b.s]! && uClause[a.s]! <= uClause[b.t]!;
}
/** Units strictly between two non-overlapping matches; -1 when they overlap. */
function gapBetween(a: M, b: M): number {
  return a.t < b.s ? b.s - a.t - 1 : b.t < a.s ? a.s - b.t - 1 : -1;
}

/** Index of the first element of `list` (sorted by end unit `t`) with `t >= t0`. */
function firstEndingFrom(list: M[], t0: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.t < t0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function qualifies(m: M, c: M, mode: number, w: number): boolean {
  switch (mode) {
    case NEAR_WEAK:
      // A weak word's context is its sentence, commas included (RULES.md "Text matching").
      return !inside(c, m) && sameSentence(c, m);
    case NEAR_FORM:
      return !overlaps(c, m) && uSent[c.s] === uSent[m.t];
    case NEAR_AGENCY:
      return gapBetween(m, c) >= 0 && sameClause(c, m) && !(notCues.length && notCueBetween(m, c));
    case NEAR_EMBLEM:
      return !overlaps(c, m) && sameSentence(c, m);
    case NEAR_CLAIM:
      return !overlaps(c, m) && sameClause(c, m) && !isNegated(c, disclaimerWindow);
    default:
      return !overlaps(c, m);
  }
}

/**
 * The candidate of `list` nearest to `m` (at most `w` units between them) that qualifies
 * under `mode`. Lists are sorted by end unit, so the search starts at `m` and walks outward:
 * long texts with many context words stay linear.
 */
function nearest(m: M, list: M[], mode: number, w: number): M | undefined {
  let best: M | undefined;
  let bestGap = Infinity;
  const at = firstEndingFrom(list, m.s);
  // Sentence-bound modes stop at the sentence's edge: candidates further out cannot qualify,
  // which keeps dense texts linear.
  const sentenceBound = mode === NEAR_WEAK || mode === NEAR_FORM || mode === NEAR_EMBLEM;
  // Before m: the gap only grows going back.
  for (let i = at - 1; i >= 0; i--) {
    const c = list[i]!;
    const g = m.s - c.t - 1;
    if (g > w || g >= bestGap) break;
    if (sentenceBound && uSent[c.t]! < uSent[m.s]!) break;
    if (qualifies(m, c, mode, w)) {
      best = c;
      bestGap = g;
      break;
    }
  }
  // Overlapping m or after it: starts are at least t − maxLen + 1.
  for (let i = at; i < list.length; i++) {
    const c = list[i]!;
    if (c.t - maxLen - m.t > Math.min(w, bestGap)) break;
    if (sentenceBound && uSent[c.s]! > uSent[m.t]!) break;
    const g = Math.abs(gapBetween(m, c));
    if (g > w || g >= bestGap) continue;
    if (qualifies(m, c, mode, w)) {
      best = c;
      bestGap = g;
    }
  }
  return best;
}

/** A disclaimer (不是, 并非, 非 …, but not 非常) ends at most `w` units before `m`, same clause. */
function isNegated(m: M, w: number): boolean {
  for (let i = firstEndingFrom(negs, m.s) - 1; i >= 0; i--) {
    const n = negs[i]!;
    if (m.s - n.t - 1 > w) break;
    if (!sameClause(n, m)) continue;
    let masked = false;
    for (let j = firstEndingFrom(notNegs, n.t); j < notNegs.length && notNegs[j]!.t <= n.t + maxLen && !masked; j++) {
      masked = inside(n, notNegs[j]!);
    }
    if (!masked) return true;
  }
  return false;
}

/** Spans on the original text; answers "does one contain [start, end)?" in log time. */
class SpanIndex {
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly longest: number;
  constructor(spans: [number, number][]) {
    spans.sort((x, y) => x[0] - y[0]);
    this.a = Int32Array.from(spans, (x) => x[0]);
    this.b = Int32Array.from(spans, (x) => x[1]);
    this.longest = spans.reduce((m, x) => Math.max(m, x[1] - x[0]), 0);
  }
  contains(start: number, end: number): boolean {
    const { a, b } = this;
    let lo = 0;
    let hi = a.length;
    const from = start - this.longest;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < a.length && a[i]! <= start; i++) if (b[i]! >= end) return true;
    return false;
  }
}

/**
 * Pinyin and homophone spellings count only next to a credential word (RULES.md): within
 * `pinyinWindow` characters in the same sentence (a comma may sit between: "baoguo，拿证"),
 * and for bare initials (BG) right beside it. Returns null for plain spellings, the
 * credential word when satisfied, undefined when not.
 */
function formOk(m: M, ctx: M[], L: CompiledLexicon): M | undefined | null {
  const f = m.e.form;
  if (f === 'plain') return null;
  return nearest(m, ctx, NEAR_FORM, f === 'initials' ? L.adjacentWindow : L.pinyinWindow);
}

/**
 * AD-FAKE-QUAL for occupations in no list: 国家职业资格 written right after a word that ends
 * like an occupation (…师, …员, …工) that no catalog qualification ends. The hit is the
 * claim; its context is the word before it (up to maxOccupationLength characters, as
 * written, since where the occupation's name starts is not known).
 */
function unlistedOccupationClaims(text: string, L: CompiledLexicon, claimCues: M[], hits: (Hit & { _s: number; _t: number })[]): void {
  const U = L.unlisted;
  // Claims already explained by a listed occupation (心理咨询师国家职业资格), by span; built
  // on first need (most texts have no such claim), a set so dense texts stay linear.
  let explained: Set<number> | undefined;
  for (const c of claimCues) {
    if (!U.claims.includes(c.e.term) || isNegated(c, L.disclaimerWindow)) continue;
    const cs = uStart[c.s]!;
    const ce = uEnd[c.t]!;
    if (!explained) {
      explained = new Set<number>();
      for (const h of hits) if (h.rule === 'AD-FAKE-QUAL' && h.context) explained.add(h.context.start * 0x100000 + (h.context.end - h.context.start));
    }
    if (explained.has(cs * 0x100000 + (ce - cs))) continue;
    let word = '';
    let u = c.s - 1;
    while (u >= 0 && c.s - u <= U.maxOccupationLength && uEnd[u] === uStart[u + 1] && !(uFlags[u]! & F_MULTI)) {
      const cp = uFlags[u]! & CP_MASK;
      if (cp < 0x3400 || cp > 0x9fff) break;
      word = String.fromCodePoint(cp) + word;
      u--;
    }
    if (word.length < 2) continue;
    if (!U.occupationEndings.some((e) => word.endsWith(e)) || U.notOccupations.some((e) => word.endsWith(e))) continue;
    if (L.catalogCores.some((core) => word.endsWith(core))) continue;
    const ws = uStart[c.s - word.length]!;
    const we = uEnd[c.s - 1]!;
    hits.push({
      rule: 'AD-FAKE-QUAL',
      term: c.e.term,
      category: 'unlisted-occupation',
      severity: U.severity,
      start: cs,
      end: ce,
      text: text.slice(cs, ce),
      via: viaOf(c),
      context: { term: word, category: 'occupation', start: ws, end: we, text: text.slice(ws, we) },
      _s: c.s,
      _t: c.t,
    });
  }
}

function hasNoise(s: number, t: number): boolean {
  for (let u = s; u < t; u++) if (uStart[u + 1]! > uEnd[u]!) return true;
  return false;
}

function viaOf(m: M): Via[] {
  let flags = 0;
  let noise = false;
  for (let u = m.s; u <= m.t; u++) {
    flags |= uFlags[u]!;
    if (u < m.t && uStart[u + 1]! > uEnd[u]!) noise = true;
  }
  const v: Via[] = [];
  if (flags & F_TRAD) v.push('traditional');
  if (flags & F_WIDTH) v.push('width');
  if (flags & F_VARIANT) v.push('variant');
  if (noise) v.push('noise');
  if (m.e.form === 'pinyin' || m.e.form === 'initials') v.push('pinyin');
  if (m.e.form === 'homophone') v.push('homophone');
  return v;
}


const NOISE_PIECES = new Map<number, string>();
function noisePiece(cp: number): string {
  let p = NOISE_PIECES.get(cp);
  if (p === undefined) NOISE_PIECES.set(cp, (p = String.fromCodePoint(cp).normalize('NFKC').toLowerCase()));
  return p;
}

/**
 * Characters of original text either side of a hit that the allow-list patterns look at
 * (a law title in 《》 is well under this; a URL longer than this around a hit is not).
 */
const REGEX_WINDOW = 64;
const UTF16 = new TextDecoder('utf-16le');
let winCodes = new Uint16Array(0);
let winStart = new Int32Array(0);
let winEnd = new Int32Array(0);

/**
 * Spans (on the original) of the allow-list's regular expressions, run over windows of the
 * text around the candidate hits, normalised with their noise kept (so 《中華人民共和國勞動法》
 * and full-width brackets match). Only called when there is a candidate hit, so its cost
 * is off the hot path.
 */
function regexAllowSpans(text: string, L: CompiledLexicon, hits: readonly Hit[]): [number, number][] {
  if (L.allowPatterns.length === 0) return [];
  // Only windows around the hits are normalised and searched: a long text with one hit
  // should not pay for a second pass over all of it. (A context word further than the
  // window from its hit is not checked against the patterns.)
  const wins: [number, number][] = [];
  const sorted = hits.length > 1 ? [...hits].sort((a, b) => a.start - b.start) : hits;
  for (const h of sorted) {
    const a = Math.max(0, h.start - REGEX_WINDOW);
    const b = Math.min(text.length, h.end + REGEX_WINDOW);
    const last = wins[wins.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else wins.push([a, b]);
  }
  const spans: [number, number][] = [];
  for (const [from, to] of wins) {
    // Expansions (㍿ → 株式会社) can make the normalised window longer than the original.
    const need = (to - from) * 4 + 8;
    if (winCodes.length < need) {
      winCodes = new Uint16Array(need);
      winStart = new Int32Array(need);
      winEnd = new Int32Array(need);
    }
    let n = 0;
    const put = (piece: string, i: number, w: number) => {
      for (let j = 0; j < piece.length && n < need; j++) {
        winCodes[n] = piece.charCodeAt(j);
        winStart[n] = i;
        winEnd[n++] = i + w;
      }
    };
    // A window may start inside a surrogate pair: step to the next code point.
    let i = from > 0 && (text.charCodeAt(from) & 0xfc00) === 0xdc00 ? from + 1 : from;
    while (i < to) {
      const cp = text.codePointAt(i)!;
      const w = cp > 0xffff ? 2 : 1;
      const v = entryOf(cp);
      if (v & F_NOISE) put(noisePiece(cp), i, w);
      else if (v & F_MULTI) put(String.fromCodePoint(...expansionOf(cp)), i, w);
      else if ((v & CP_MASK) < 0x10000 && n < need) {
        winCodes[n] = v & CP_MASK;
        winStart[n] = i;
        winEnd[n++] = i + w;
      } else put(String.fromCodePoint(v & CP_MASK), i, w);
      i += w;
    }
    // Windows of dense texts merge into long ones: decode without spreading arguments
    // (String.fromCharCode.apply overflows the stack past ~100k code units).
    const s = UTF16.decode(winCodes.subarray(0, n));
    for (let pi = 0; pi < L.allowPatterns.length; pi++) {
      const re = L.allowPatterns[pi]!;
      const req = L.allowRequires[pi]!;
      if (req.length && !req.some((r) => s.includes(r))) continue;
      re.lastIndex = 0;
      for (const m of s.matchAll(re)) {
        if (m[0].length === 0) continue;
        spans.push([winStart[m.index]!, winEnd[m.index + m[0].length - 1]!]);
      }
    }
  }
  return spans;
}
