/**
 * Loads the lexicon data files (src/text/lexicons/*.json) and compiles them into one
 * code-point Aho–Corasick automaton whose patterns carry what they mean: a term of a rule,
 * a context word, a cue, a disclaimer, or an allow-listed name.
 *
 * Pinyin forms (pinyin-pro) and curated homophones are generated only for terms whose
 * lexicon entry asks for them (包过/保过 and qualification terms), never for 中国/国家/全国,
 * which occur in URLs and brand names.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';
import { CodePointAC } from './ac.ts';
import { normalizeTerm } from './normalize.ts';

export type RuleId = 'AD-TERMS' | 'AD-AGENCY' | 'AD-FAKE-QUAL' | 'PL-LISTING';
export type Severity = 'high' | 'medium' | 'low';
/** How the pattern spells the term. */
export type Form = 'plain' | 'pinyin' | 'initials' | 'homophone';
/**
 * term: a hit candidate of `rule`; ctx: credential word; agencyCue / claimCue / saleCue /
 * emblemCue: the cue a body / occupation / listing object / 国徽 needs; notCue: a phrase in
 * which an issuer cue is legitimate wording (备案的评价机构); neg / notNeg: disclaimers and
 * words that look like one; allow: allow-listed proper name.
 */
export type EntryKind = 'term' | 'ctx' | 'agencyCue' | 'claimCue' | 'saleCue' | 'emblemCue' | 'notCue' | 'neg' | 'notNeg' | 'allow';
/** What a term needs before it counts (besides not being allow-listed). */
export type Needs = 'none' | 'weak' | 'agencyCue' | 'claimCue' | 'saleCue' | 'emblemCue';

export interface PatternEntry {
  kind: EntryKind;
  /** Canonical (simplified, as in the lexicon) form. */
  term: string;
  rule?: RuleId;
  category: string;
  severity: Severity;
  needs: Needs;
  form: Form;
}

/** Settings for claims about occupations that are in no list (qualifications.json "unlisted"). */
export interface UnlistedSpec {
  claims: string[];
  occupationEndings: string[];
  notOccupations: string[];
  maxOccupationLength: number;
  severity: Severity;
}

export interface CompiledLexicon {
  ac: CodePointAC;
  /** Entries of each pattern id (one normalised string may mean several things). */
  entries: PatternEntry[][];
  /** Pattern starts / ends with a Latin letter or digit: needs a word boundary there. */
  latinStart: Uint8Array;
  latinEnd: Uint8Array;
  /** Allow-list regular expressions over the normalised text (noise kept). */
  allowPatterns: RegExp[];
  /** Per allow pattern: strings one of which a window must contain for it to run (empty: always). */
  allowRequires: string[][];
  /** Per pattern: bit 1 = has an advert/certificate term, bit 2 = has a listing term. */
  termKinds: Uint8Array;
  /** Canonical pattern strings (for the benchmark's baselines). */
  strings: string[];
  adjacentWindow: number;
  pinyinWindow: number;
  weakWindow: number;
  /** Longest pattern, in code points (bounds searches around a match). */
  maxLen: number;
  disclaimerWindow: number;
  issuerCueWindow: number;
  emblemCueWindow: number;
  claimWindow: number;
  /** Qualification names of the 2021 catalog. */
  catalog: string[];
  /** Normalised catalog names without their 资格 suffixes, plus aliases (注册会计师, 医师, 律师 …). */
  catalogCores: string[];
  unlisted: UnlistedSpec;
}

const dir = new URL('./lexicons/', import.meta.url);
function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;
}

/** The 2021 National Vocational Qualification Catalog (verbatim copy of the shared reference file). */
export interface CatalogRef {
  title: string;
  professional_technical_names: string[];
  skilled_personnel_names: string[];
}
/** The 2022 occupational classification's occupations (verbatim copy of the shared reference file). */
export interface OccupationsRef {
  caveats: string[];
  occupations: { code: string; name: string }[];
}
/** Qualification names of the 2021 catalog, from lexicons/ref/. */
export function catalogNames(): string[] {
  const c = load<CatalogRef>('ref/national-vocational-qualifications-2021.json');
  return [...c.professional_technical_names, ...c.skilled_personnel_names];
}
/** Code and full name of every occupation of the 2022 classification, from lexicons/ref/. */
export function classificationEntries(): { code: string; name: string }[] {
  return load<OccupationsRef>('ref/occupations-2022.json').occupations;
}
/** Occupation names of the 2022 classification, from lexicons/ref/ (bracketed parts dropped). */
export function classificationNames(): string[] {
  return load<OccupationsRef>('ref/occupations-2022.json').occupations.map((o) => o.name.replace(/[（(][^）)]*[）)]/g, ''));
}

/** Spec of occupation-certificates.json. */
interface OccupationCertSpec {
  suffixes: string[];
  severity: Severity;
  aliases: Record<string, { source: string; names: string[] }>;
  notNames: { names: string[] };
}

/**
 * Names that, followed by 证 / 证书, name a certificate by its occupation: every occupation of
 * the classification, every catalog qualification (资格 suffixes dropped) and the everyday
 * aliases of occupation-certificates.json — built from the reference files, not hand-picked.
 */
export function occupationCertificateNames(cores: readonly string[]): string[] {
  const spec = load<OccupationCertSpec>('occupation-certificates.json');
  const not = new Set(spec.notNames.names);
  const names = new Set<string>();
  for (const n of [...classificationNames(), ...cores, ...Object.values(spec.aliases).flatMap((a) => a.names)]) {
    if ([...n].length >= 2 && !not.has(n)) names.add(n);
  }
  return [...names];
}

interface TermSpec {
  term: string;
  category?: string;
  severity?: Severity;
  weak?: boolean;
  pinyin?: boolean;
  homophones?: string[];
}

// pinyin-pro costs ~0.7 s to load and warm up, for the twenty-odd terms that have pinyin
// forms. Their syllables are cached in lexicons/pinyin.json (a test checks the cache against
// pinyin-pro; regenerate with `npx tsx src/text/lexicon.ts --write-pinyin`); pinyin-pro is
// loaded only for a term missing from the cache.
const require = createRequire(import.meta.url);
let pinyinFn: typeof PinyinPro.pinyin | undefined;
/** Toneless pinyin syllables of a term, from pinyin-pro (ü written v). */
export function pinyinOf(s: string): string[] {
  pinyinFn ??= (require('pinyin-pro') as typeof PinyinPro).pinyin;
  return pinyinFn(s, { toneType: 'none', type: 'array', v: true }) as string[];
}
let pinyinCache: Record<string, string[]> | undefined;
const SYLLABLES = (s: string): string[] => {
  pinyinCache ??= load<{ syllables: Record<string, string[]> }>('pinyin.json').syllables;
  return pinyinCache[s] ?? pinyinOf(s);
};
/** Terms whose lexicon entry asks for pinyin forms (filled while compiling). */
export const PINYIN_TERMS = new Set<string>();

/** Pinyin spellings of a term: full, mixed with characters, and initials. */
export function pinyinForms(term: string): { form: Form; text: string }[] {
  const chars = [...term];
  const syl = SYLLABLES(term);
  if (syl.length !== chars.length || syl.some((p) => !/^[a-z]+$/.test(p))) return [];
  // Mixing happens per character for short terms (bao过, 包guo) and per two-character word
  // for longer ones (zhiye技能jianding), which keeps the pattern count bounded (≤ 16 a term).
  const chunk = chars.length <= 4 ? 1 : 2;
  const groups: { c: string; p: string }[] = [];
  for (let i = 0; i < chars.length; i += chunk) {
    groups.push({ c: chars.slice(i, i + chunk).join(''), p: syl.slice(i, i + chunk).join('') });
  }
  const out: { form: Form; text: string }[] = [];
  for (let mask = 1; mask < 1 << groups.length; mask++) {
    out.push({ form: 'pinyin', text: groups.map((g, i) => (mask & (1 << i) ? g.p : g.c)).join('') });
  }
  if (chars.length >= 2) out.push({ form: 'initials', text: syl.map((p) => p[0]).join('') });
  return out;
}

let compiled: CompiledLexicon | undefined;

/** The compiled lexicon (built once, on first use). */
export function lexicon(): CompiledLexicon {
  return (compiled ??= compile());
}

function compile(): CompiledLexicon {
  const notice = load<{ rule: RuleId; terms: TermSpec[] }>('notice.json');
  const agency = load<{
    bodies: string[];
    bodySeverity: Severity;
    issuerCues: string[];
    issuerCueWindow: number;
    notCues: { phrases: string[] };
    emblem: TermSpec[];
    emblemCues: string[];
    emblemCueWindow: number;
    certificateClaims: TermSpec[];
  }>('agency.json');
  const platform = load<{ objects: TermSpec[]; saleCues: TermSpec[] }>('platform.json');
  const quals = load<{
    occupations: (TermSpec & { since: string; note: string })[];
    claimCues: string[];
    claimWindow: number;
    unlisted: UnlistedSpec & { catalogAliases: string[] };
  }>('qualifications.json');
  const ctx = load<{
    credential: string[];
    adjacentWindow: number;
    pinyinWindow: number;
    weakWindow: number;
    disclaimers: string[];
    disclaimerWindow: number;
    notDisclaimers: string[];
  }>('context.json');
  const allow = load<{
    sections: Record<string, { source: string; names: string[] }>;
    baoGuo: { nounsBefore: string[]; wordsAfter: string[] };
    patterns: { pattern: string; requires?: string[] }[];
  }>('allow.json');
  const occCert = load<OccupationCertSpec>('occupation-certificates.json');

  const ids = new Map<string, number>();
  const patterns: number[][] = [];
  const entries: PatternEntry[][] = [];
  const strings: string[] = [];
  const add = (text: string, e: PatternEntry) => {
    const cps = normalizeTerm(text);
    if (cps.length === 0) return;
    const key = String.fromCodePoint(...cps);
    let id = ids.get(key);
    if (id === undefined) {
      ids.set(key, (id = patterns.length));
      patterns.push(cps);
      entries.push([]);
      strings.push(key);
    }
    const list = entries[id]!;
    if (!list.some((x) => x.kind === e.kind && x.term === e.term && x.rule === e.rule && x.form === e.form)) list.push(e);
  };
  const addWithForms = (spec: TermSpec, base: Omit<PatternEntry, 'term' | 'form' | 'category' | 'severity'>, category: string) => {
    const e = { ...base, term: spec.term, category: spec.category ?? category, severity: spec.severity ?? 'medium' };
    add(spec.term, { ...e, form: 'plain' });
    if (spec.pinyin) {
      PINYIN_TERMS.add(spec.term);
      for (const f of pinyinForms(spec.term)) add(f.text, { ...e, form: f.form });
    }
    for (const h of spec.homophones ?? []) add(h, { ...e, form: 'homophone' });
  };

  for (const t of notice.terms) {
    addWithForms(t, { kind: 'term', rule: 'AD-TERMS', needs: t.weak ? 'weak' : 'none' }, 'notice');
  }
  for (const b of agency.bodies) {
    add(b, { kind: 'term', rule: 'AD-AGENCY', term: b, category: 'government-body', severity: agency.bodySeverity, needs: 'agencyCue', form: 'plain' });
  }
  // 国徽 is a claim only when the certificate or issuer is said to bear or use it (RULES.md):
  // "认识国旗、国徽和国歌" is not.
  for (const t of agency.emblem) addWithForms(t, { kind: 'term', rule: 'AD-AGENCY', needs: 'emblemCue' }, 'national-emblem');
  for (const c of agency.emblemCues) add(c, { kind: 'emblemCue', term: c, category: 'emblem-cue', severity: 'low', needs: 'none', form: 'plain' });
  for (const c of agency.notCues.phrases) add(c, { kind: 'notCue', term: c, category: 'not-cue', severity: 'low', needs: 'none', form: 'plain' });
  for (const t of agency.certificateClaims) addWithForms(t, { kind: 'term', rule: 'AD-AGENCY', needs: 'none' }, 'government-certificate');
  for (const c of agency.issuerCues) add(c, { kind: 'agencyCue', term: c, category: 'issuer-cue', severity: 'low', needs: 'none', form: 'plain' });
  for (const o of platform.objects) addWithForms(o, { kind: 'term', rule: 'PL-LISTING', needs: 'saleCue' }, 'listing-object');
  for (const s of platform.saleCues) addWithForms(s, { kind: 'saleCue', needs: 'none' }, 'sale-cue');
  // Every out-of-catalog occupation gets its pinyin forms (they count only next to a
  // certificate word, like every other pinyin form).
  for (const o of quals.occupations) {
    addWithForms(
      { ...o, pinyin: o.pinyin ?? true },
      { kind: 'term', rule: 'AD-FAKE-QUAL', needs: 'claimCue' },
      'not-in-catalog',
    );
  }
  for (const c of quals.claimCues) add(c, { kind: 'claimCue', term: c, category: 'qualification-claim', severity: 'low', needs: 'none', form: 'plain' });
  for (const c of ctx.credential) add(c, { kind: 'ctx', term: c, category: 'credential', severity: 'low', needs: 'none', form: 'plain' });
  for (const c of ctx.disclaimers) add(c, { kind: 'neg', term: c, category: 'disclaimer', severity: 'low', needs: 'none', form: 'plain' });
  for (const c of ctx.notDisclaimers) add(c, { kind: 'notNeg', term: c, category: 'not-disclaimer', severity: 'low', needs: 'none', form: 'plain' });
  const catalog = catalogNames();
  // Names of real qualifications in the catalog (社会工作者职业资格, 演出经纪人员资格 …) are
  // proper names: citing them is not dressing one's own certificate in state authority.
  // So is "<catalog qualification>职业资格 / 资格" (注册会计师职业资格考试, 建造师资格).
  const cores = catalog
    .flatMap((n) => n.split(/[、，,（）()]/))
    .map((n) => n.replace(/(专业技术人员职业资格|专业人员职业资格|职业资格|专业技术资格|专业资格|人员资格|从业资格|执业资格|资格)$/, ''))
    .filter((n) => n.length >= 2);
  // Certificates named by an occupation: a PL-LISTING object (with a sale cue) and a
  // credential word (a pinyin 包过 or a weak 全国 next to 电工证 counts).
  const catalogPieces = catalog.flatMap((n) => n.split(/[、，,（）()]/)).filter((n) => n.length >= 2);
  for (const name of occupationCertificateNames([...catalogPieces, ...cores])) {
    for (const suf of occCert.suffixes) {
      const t = name + suf;
      add(t, { kind: 'term', rule: 'PL-LISTING', term: t, category: 'occupation-certificate', severity: occCert.severity, needs: 'saleCue', form: 'plain' });
      add(t, { kind: 'ctx', term: t, category: 'credential', severity: 'low', needs: 'none', form: 'plain' });
    }
  }
  const allowNames = [
    ...Object.values(allow.sections).flatMap((s) => s.names),
    ...allow.baoGuo.nounsBefore.map((n) => `${n}过`),
    ...['包', '保'].flatMap((b) => allow.baoGuo.wordsAfter.map((w) => b + w)),
    ...catalog.filter((n) => /职业资格|人员资格/.test(n)),
    ...cores.flatMap((c) => [`${c}职业资格`, `${c}资格`, `${c}人员资格`]),
  ];
  for (const n of allowNames) add(n, { kind: 'allow', term: n, category: 'allow', severity: 'low', needs: 'none', form: 'plain' });

  const ac = new CodePointAC(patterns);
  const latinStart = new Uint8Array(patterns.length);
  const latinEnd = new Uint8Array(patterns.length);
  const isLatin = (cp: number) => (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39);
  patterns.forEach((p, i) => {
    latinStart[i] = isLatin(p[0]!) ? 1 : 0;
    latinEnd[i] = isLatin(p[p.length - 1]!) ? 1 : 0;
  });
  const termKinds = new Uint8Array(patterns.length);
  entries.forEach((list, i) => {
    for (const e of list) if (e.kind === 'term') termKinds[i]! |= e.rule === 'PL-LISTING' ? 2 : 1;
  });
  return {
    ac,
    entries,
    termKinds,
    latinStart,
    latinEnd,
    allowPatterns: allow.patterns.map((p) => new RegExp(p.pattern, 'gu')),
    allowRequires: allow.patterns.map((p) => p.requires ?? []),
    strings,
    adjacentWindow: ctx.adjacentWindow,
    pinyinWindow: ctx.pinyinWindow,
    weakWindow: ctx.weakWindow,
    maxLen: patterns.reduce((m, p) => Math.max(m, p.length), 0),
    disclaimerWindow: ctx.disclaimerWindow,
    issuerCueWindow: agency.issuerCueWindow,
    emblemCueWindow: agency.emblemCueWindow,
    claimWindow: quals.claimWindow,
    catalog,
    catalogCores: [...new Set([...cores, ...quals.unlisted.catalogAliases].map((c) => String.fromCodePoint(...normalizeTerm(c))))],
    unlisted: quals.unlisted,
  };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv.includes('--write-pinyin')) {
  const { writeFileSync } = await import('node:fs');
  lexicon();
  const syllables = Object.fromEntries([...PINYIN_TERMS].sort().map((t) => [t, pinyinOf(t)]));
  const doc = { description: 'Pinyin syllables of the terms with pinyin forms, from pinyin-pro (generated: npx tsx src/text/lexicon.ts --write-pinyin).', syllables };
  writeFileSync(new URL('pinyin.json', dir), `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote lexicons/pinyin.json (${PINYIN_TERMS.size} terms)`);
}
