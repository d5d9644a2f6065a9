import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lexicon, occupationCertificateNames, PINYIN_TERMS, pinyinForms, pinyinOf } from './lexicon.ts';

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

describe('lexicon sources', () => {
  const dir = new URL('./lexicons/', import.meta.url);
  const json = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  const FILES = ['agency.json', 'allow.json', 'context.json', 'notice.json', 'platform.json', 'qualifications.json', 'occupation-certificates.json'];

  it('names its public sources in every lexicon file and every allow-list section', () => {
    for (const f of FILES) {
      const doc = json(f);
      const sources = [doc.sources, ...Object.values(doc.aliases ?? {}).map((a) => (a as { source: string }).source)].flat().filter(Boolean);
      expect(sources.length, f).toBeGreaterThan(0);
      expect(sources.join(' '), f).not.toMatch(/synth|vocab\.ts/);
    }
    for (const [name, s] of Object.entries(json('allow.json').sections as Record<string, { source: string; names: string[] }>)) {
      expect(s.source.length, name).toBeGreaterThan(20);
      expect(s.names.length, name).toBeGreaterThan(0);
    }
  });

  it('has no entry copied from the synthetic generator beyond names that are public', () => {
    // Every lexicon string that also occurs in the generator's vocabulary must be one of these
    // reviewed public names or words (a bank, a university, an exam, the notice's own words …).
    // A new overlap fails here until someone checks it has a public source.
    const REVIEWED = new Set([
      '中国银行', '中国工商银行', '国家开放大学', '全国计算机等级考试', '全国包邮', '发达国家', '中国移动', // allow.json sections
      '推荐就业', // 《就业促进法》 public employment services
      '职业技能等级证书', '职业技能等级证', '技能等级证书', '技能等级证', '职业技能等级认定', // 人社部 policy terms (RULES.md GLOSSARY)
      '不过退款', '快速拿证', // RULES.md PL-LISTING sale cues
      '公共营养师', // 2015 classification 4-14-02-01; left out of the 2017 catalog (人社部发〔2017〕68号)
    ]);
    // Public texts of the repository: the reference files and the rule catalog.
    const publicText = ['ref/occupations-2022.json', 'ref/national-vocational-qualifications-2021.json']
      .map((f) => readFileSync(new URL(f, dir), 'utf8'))
      .concat(readFileSync(new URL('../../docs/RULES.md', import.meta.url), 'utf8'))
      .join('\n');
    const PUBLIC = { has: (s: string) => REVIEWED.has(s) || publicText.includes(s) };
    const vocab = readFileSync(new URL('../synth/vocab.ts', import.meta.url), 'utf8');
    const strings = new Set<string>();
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.add(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => k !== 'source' && k !== 'sources' && k !== 'description' && k !== 'note' && walk(x));
    };
    for (const f of FILES) walk(json(f));
    // Only whole names of 4+ characters are telling: short words (证书, 包过) are everyone's.
    const copied = [...strings].filter((s) => /^\p{Script=Han}{4,}$/u.test(s) && vocab.includes(s) && !PUBLIC.has(s));
    expect(copied).toEqual([]);
  });

  it('gives pinyin forms to every out-of-catalog occupation, not a chosen few', () => {
    const L = lexicon();
    const occ: { term: string }[] = json('qualifications.json').occupations;
    expect(occ.length).toBeGreaterThan(20);
    for (const o of occ) {
      const forms = L.entries.flat().filter((e) => e.rule === 'AD-FAKE-QUAL' && e.term === o.term && e.form === 'pinyin');
      expect(forms.length, o.term).toBeGreaterThan(0);
    }
  });

  it('spells homophones with the same syllables as their term (pinyin-pro)', () => {
    const toneless = (s: string) => pinyinOf(s).join(' ');
    for (const f of ['notice.json', 'platform.json']) {
      const doc = json(f);
      for (const t of [...(doc.terms ?? []), ...(doc.objects ?? []), ...(doc.saleCues ?? [])] as { term: string; homophones?: string[] }[]) {
        for (const h of t.homophones ?? []) expect(toneless(h), `${t.term} ~ ${h}`).toBe(toneless(t.term));
      }
    }
  });

  it('builds the occupation-certificate names from the reference files', () => {
    const names = occupationCertificateNames([]);
    const ref = JSON.parse(readFileSync(new URL('ref/occupations-2022.json', dir), 'utf8')) as { count: number; occupations: { name: string }[] };
    expect(ref.occupations).toHaveLength(ref.count);
    expect(ref.count).toBe(1640);
    for (const o of ref.occupations.slice(0, 50)) expect(names).toContain(o.name.replace(/\(.*\)/, ''));
    expect(names).toContain('网络与信息安全管理员');
    expect(names).toContain('叉车'); // documented alias (special-equipment permit)
    expect(names.length).toBeGreaterThan(1640);
    const L = lexicon();
    expect(L.strings).toContain('保安员证');
    expect(L.strings).toContain('网络与信息安全管理员证书');
  });

  it('keeps lexicons/ref identical to the shared reference files when they are present', () => {
    for (const f of ['occupations-2022.json', 'national-vocational-qualifications-2021.json']) {
      const shared = `/work/shared/ref/${f}`;
      if (!existsSync(shared)) continue;
      expect(readFileSync(new URL(`ref/${f}`, dir), 'utf8')).toBe(readFileSync(shared, 'utf8'));
    }
  });
});
