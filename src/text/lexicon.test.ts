import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lexicon, PINYIN_TERMS, pinyinForms, pinyinOf } from './lexicon.ts';

describe('lexicon', () => {
  it('has the pinyin cache in step with pinyin-pro for every term with pinyin forms', () => {
    lexicon();
    const cache = JSON.parse(readFileSync(new URL('./lexicons/pinyin.json', import.meta.url), 'utf8')).syllables;
    expect(PINYIN_TERMS.size).toBeGreaterThan(5);
    for (const t of PINYIN_TERMS) expect(cache[t], t).toEqual(pinyinOf(t));
  });

  it('spells terms in pinyin, mixed with characters, and as initials', () => {
    const f = pinyinForms('包过').map((x) => `${x.form}:${x.text}`);
    expect(f.sort()).toEqual(['initials:bg', 'pinyin:bao过', 'pinyin:baoguo', 'pinyin:包guo'].sort());
    // Long terms mix per two-character word: 2^3 - 1 mixed/pure forms + initials.
    const long = pinyinForms('职业技能鉴定');
    expect(long).toHaveLength(8);
    expect(long.map((x) => x.text)).toContain('zhiye技能jianding');
  });

  it('gives no pinyin forms to the weak state names (they occur in URLs and brands)', () => {
    const L = lexicon();
    for (const s of ['zhongguo', 'guojia', 'quanguo', 'zhonghua', 'zg', 'gj']) expect(L.strings).not.toContain(s);
  });

  it('compiles every lexicon file into patterns with entries', () => {
    const L = lexicon();
    expect(L.strings.length).toBe(L.entries.length);
    const kinds = new Set(L.entries.flat().map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['agencyCue', 'allow', 'claimCue', 'ctx', 'emblemCue', 'neg', 'notCue', 'notNeg', 'saleCue', 'term']);
    const rules = new Set(L.entries.flat().map((e) => e.rule).filter(Boolean));
    expect([...rules].sort()).toEqual(['AD-AGENCY', 'AD-FAKE-QUAL', 'AD-TERMS', 'PL-LISTING']);
    expect(L.catalog).toContain('注册会计师');
    expect(L.catalog).not.toContain('心理咨询师');
  });
});
