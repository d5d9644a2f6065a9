/**
 * Institution name matching for complaints (WORKFLOW.md "Clues"): two names are the same
 * institution when equal after normalisation — full-width → half-width, traditional →
 * simplified, spaces and punctuation removed, brackets unified, the legal-form suffix dropped,
 * and the leading administrative region dropped when the rest is still ≥ 4 characters and
 * unique. A name matching several institutions is not linked: it lists the candidates.
 */
import { normalize } from '../text/normalize.ts';
import { regionNames } from '../ids/regions.ts';

const SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '公司'];
const BRACKETS: Record<string, string> = { '（': '(', '）': ')', '【': '(', '】': ')', '[': '(', ']': ')', '〔': '(', '〕': ')', '｛': '(', '｝': ')', '{': '(', '}': ')' };

/** Region names and their short forms (广东省 → 广东, 广州市 → 广州), longest first. */
const REGION_PREFIXES: string[] = (() => {
  const set = new Set<string>();
  for (const n of regionNames()) {
    set.add(n);
    const short = n.replace(/(省|市|自治区|自治州|地区|区|县|盟|旗)$/, '');
    if (short.length >= 2 && short !== n) set.add(short);
  }
  return [...set].sort((a, b) => b.length - a.length);
})();

/**
 * The normalised form (before region stripping): NFKC/half-width, lower case, simplified,
 * brackets unified to (), other punctuation, symbols and spaces removed, legal-form suffix dropped.
 */
export function normalizeName(name: string | null | undefined): string {
  if (!name) return '';
  let s = '';
  for (const ch of String(name)) s += BRACKETS[ch] ?? ch;
  // normalize() drops punctuation and spaces (noise) and maps width, case and traditional forms.
  // Brackets are kept by protecting them as letters the normaliser keeps.
  const protectedText = s.replace(/\(/g, '\u3010').replace(/\)/g, '\u3011');
  let out = normalize(protectedText.replace(/\u3010/g, 'ᚠ').replace(/\u3011/g, 'ᚡ')).text;
  out = out.replace(/ᚠ/g, '(').replace(/ᚡ/g, ')').replace(/\(\)/g, '');
  for (const suf of SUFFIXES) {
    if (out.endsWith(suf) && out.length > suf.length) {
      out = out.slice(0, -suf.length);
      break;
    }
  }
  return out;
}

/** The normalised name with leading region names removed while ≥ 4 characters remain. */
export function stripRegion(normalized: string): string {
  let s = normalized;
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of REGION_PREFIXES) {
      if (s.startsWith(r) && s.length - r.length >= 4) {
        s = s.slice(r.length);
        changed = true;
        break;
      }
    }
  }
  return s;
}

export interface NamedInstitution {
  institution_id: string;
  name: string;
  uscc?: string | null;
  region_code?: string | null;
}

export type LinkResult =
  | { linked: true; institution_id: string; by: 'uscc' | 'name' | 'text' }
  | { linked: false; candidates: string[] };

/** An index of institution names for linking complaints. */
export class NameIndex {
  private readonly byFull = new Map<string, string[]>();
  private readonly byStripped = new Map<string, string[]>();
  private readonly byUscc = new Map<string, string>();
  /** Searchable forms for name-in-text: [form, institution_id], longest first. */
  private readonly forms: [string, string][] = [];

  constructor(institutions: readonly NamedInstitution[]) {
    const seen = new Set<string>();
    for (const i of institutions) {
      if (seen.has(i.institution_id)) continue;
      seen.add(i.institution_id);
      if (i.uscc) this.byUscc.set(String(i.uscc).toUpperCase(), i.institution_id);
      const full = normalizeName(i.name);
      if (!full) continue;
      push(this.byFull, full, i.institution_id);
      const stripped = stripRegion(full);
      push(this.byStripped, stripped, i.institution_id);
      this.forms.push([full, i.institution_id]);
      if (stripped !== full && stripped.length >= 4) this.forms.push([stripped, i.institution_id]);
    }
    this.forms.sort((a, b) => b[0].length - a[0].length);
  }

  /** Link by credit code, else by name, else (name empty) by a name found in the text. */
  link(subject_uscc: string | null | undefined, subject_name: string | null | undefined, text: string | null | undefined): LinkResult {
    const code = (subject_uscc ?? '').trim().toUpperCase();
    if (code) {
      const id = this.byUscc.get(code);
      if (id) return { linked: true, institution_id: id, by: 'uscc' };
    }
    const name = (subject_name ?? '').trim();
    if (name) return this.byName(name);
    if (text) return this.inText(text);
    return { linked: false, candidates: [] };
  }

  /** Match one name: full normalised form first, then the region-stripped form. */
  byName(name: string): LinkResult {
    const full = normalizeName(name);
    if (!full) return { linked: false, candidates: [] };
    const exact = this.byFull.get(full) ?? [];
    if (exact.length === 1) return { linked: true, institution_id: exact[0]!, by: 'name' };
    if (exact.length > 1) return { linked: false, candidates: [...exact].sort() };
    const stripped = stripRegion(full);
    const hits = stripped.length >= 4 ? this.byStripped.get(stripped) ?? [] : [];
    if (hits.length === 1) return { linked: true, institution_id: hits[0]!, by: 'name' };
    return { linked: false, candidates: [...hits].sort() };
  }

  /** Institutions whose name (or region-stripped name of ≥ 4 characters) occurs in the text. */
  inText(text: string): LinkResult {
    const t = normalizeName(text);
    const found = new Set<string>();
    let longest = 0;
    for (const [form, id] of this.forms) {
      if (form.length < longest) break;
      if (t.includes(form)) {
        found.add(id);
        longest = form.length;
      }
    }
    if (found.size === 1) return { linked: true, institution_id: [...found][0]!, by: 'text' };
    return { linked: false, candidates: [...found].sort() };
  }
}

function push(m: Map<string, string[]>, k: string, v: string) {
  const l = m.get(k);
  if (!l) m.set(k, [v]);
  else if (!l.includes(v)) l.push(v);
}
