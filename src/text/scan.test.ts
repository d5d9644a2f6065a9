import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK, MAX_GAP, MAX_HITS, scan, scanText, type Hit, type ScanKind } from './scan.ts';

const rules = (hits: Hit[]) => hits.map((h) => h.rule);
const find = (text: string, term: string, kind?: ScanKind) => scanText(text, { kind }).find((h) => h.term === term);

describe('evasions are caught', () => {
  const cases: [string, string, string, string[]][] = [
    // text, canonical term, matched original, via
    ['考证包过', '包过', '包过', []],
    ['一次 包 过', '包过', '包 过', ['noise']],
    ['包-过', '包过', '包-过', ['noise']],
    ['包\u200b过', '包过', '包\u200b过', ['noise']],
    ['包\u3000过', '包过', '包\u3000过', ['noise']],
    ['包🔥过', '包过', '包🔥过', ['noise']],
    ['包 過', '包过', '包 過', ['traditional', 'noise']],
    ['保過', '保过', '保過', ['traditional']],
    ['職業資格', '职业资格', '職業資格', ['traditional']],
    ['職 業 資 格', '职业资格', '職 業 資 格', ['traditional', 'noise']],
    ['职业技能鑒定', '职业技能鉴定', '职业技能鑒定', ['traditional']],
    ['人員資格', '人员资格', '人員資格', ['traditional']],
    ['baoguo 拿证', '包过', 'baoguo', ['pinyin']],
    ['bao guo 拿证', '包过', 'bao guo', ['noise', 'pinyin']],
    ['BaoGuo，拿证', '包过', 'BaoGuo', ['pinyin']],
    ['bao过 拿证', '包过', 'bao过', ['pinyin']],
    ['包guo 证书', '包过', '包guo', ['pinyin']],
    ['ＢＧ拿证', '包过', 'ＢＧ', ['width', 'pinyin']],
    ['bg拿证', '包过', 'bg', ['pinyin']],
    ['ｂａｏ過 证书', '包过', 'ｂａｏ過', ['traditional', 'width', 'pinyin']],
    ['zhiyezige证书', '职业资格', 'zhiyezige', ['pinyin']],
    ['zhi业资格证书', '职业资格', 'zhi业资格', ['pinyin']],
    ['宝过 拿证', '包过', '宝过', ['homophone']],
    ['bāo guò 拿证', '包过', 'bāo guò', ['noise', 'pinyin']],
    ['ＢＡＯＧＵＯ证书', '包过', 'ＢＡＯＧＵＯ', ['width', 'pinyin']],
    ['职业姿格证书', '职业资格', '职业姿格', ['homophone']],
    ['⾝份证', '', '', []], // Kangxi radical form of 身: normalised, no term
    ['囯家认证证书', '国家', '囯家', ['variant']],
    ['國家認證證書', '国家', '國家', ['traditional']],
    ['⼈社部颁发', '人社部', '⼈社部', ['width']],
  ];
  it.each(cases)('%s', (text, term, matched, via) => {
    if (!term) return;
    const h = find(text, term);
    expect(h, JSON.stringify(scanText(text))).toBeDefined();
    expect(h!.text).toBe(matched);
    expect(text.slice(h!.start, h!.end)).toBe(matched);
    expect(h!.via).toEqual(via);
  });

  it('fires on the issue examples with the right rules', () => {
    expect(rules(scanText('国家认证 心理咨询师证书 包过'))).toEqual(['AD-TERMS', 'AD-FAKE-QUAL', 'AD-TERMS']);
    expect(scanText('全国通用 职业资格证书').map((h) => h.term)).toEqual(['全国', '职业资格']);
    expect(rules(scanText('人社部颁发'))).toEqual(['AD-AGENCY']);
    // Naming an issuing body is AD-AGENCY; it is not by itself a claim of 国家职业资格 (AD-FAKE-QUAL).
    expect(new Set(rules(scanText('公共营养师证书由人社部颁发，网上可查，终身有效')))).toEqual(new Set(['AD-AGENCY']));
    expect(scanText('国徽 钢印')).toMatchObject([{ rule: 'AD-AGENCY', term: '国徽', category: 'national-emblem' }]);
    expect(scanText('心理咨询师国家职业资格证')).toMatchObject([
      { rule: 'AD-FAKE-QUAL', term: '心理咨询师', context: { term: '国家职业资格' } },
      { rule: 'AD-TERMS', term: '国家职业资格' },
    ]);
    expect(scanText('职业技能等级证书代办 快速拿证', { kind: 'listing' })).toMatchObject([
      { rule: 'PL-LISTING', term: '职业技能等级证书', severity: 'high', context: { term: '代办', category: 'sale-cue' } },
    ]);
  });

  it('reports UTF-16 offsets past astral characters', () => {
    const text = '😀😀 学费优惠 包\u{1F525}\u200d过';
    const [h] = scanText(text);
    expect(h).toMatchObject({ term: '包过', start: 10, end: 15 });
    expect(text.slice(h!.start, h!.end)).toBe('包\u{1F525}\u200d过');
  });
});

describe('hard negatives stay negative', () => {
  const negatives = [
    '包过滤', '面包过期', '确保过程', '全国包邮', '中国银行', '国家开放大学', '发达国家', '数据包过大',
    '全国计算机等级考试', '《中华人民共和国劳动法》', '华为技术（中国）有限公司', '国家电网', '中国移动',
    'debug', 'BGM很好听', 'bg color', 'www.zhongguo.com', 'https://www.baoguo.cn/index',
    // our own
    '背包过安检', '红包过年发', '承包过工程', '我们包过饺子', '社保过户', '中国人民大学', '全国人大代表',
    '弘扬中华优秀传统文化', '国家法定节假日正常上课', '中国最大的培训机构', '全国连锁 品质保证', '中國銀行',
    '依据中华人民共和国职业教育法开展培训', '人社部门备案的评价机构颁发的职业技能等级证书', '国家统计局数据显示',
    '全国大学英语四级辅导', '中国建设银行 证书', '发展中国家留学生证书', '保过冬衣物', 'abg baoguox',
    '快递包过两天到', '享受国家补贴，考试合格取得证书', '全国职业院校技能大赛获奖证书', '联系邮箱 bg@example.com 证书咨询',
  ];
  it.each(negatives)('%s', (text) => {
    expect(scanText(text)).toEqual([]);
  });

  it('suppresses a hit only when the allowed span contains it', () => {
    // 中国银行 allows its own 中国, not the claim next to it.
    expect(scanText('中国银行 中国证书').map((h) => h.start)).toEqual([5]);
    expect(scanText('面包 包过').map((h) => h.text)).toEqual(['包过']);
    // An allow-listed name is contiguous: "证书 包过" must not read as 书包过.
    expect(scanText('证书 包过').map((h) => h.term)).toEqual(['包过']);
  });

  it('applies allow-list patterns far into a long text, and only around the hit', () => {
    const pad = '培训课程介绍'.repeat(50);
    expect(scanText(`${pad}《中華人民共和國勞動法》${pad}`)).toEqual([]);
    expect(scanText(`${pad}中华人民共和国颁发${pad}《中华人民共和国劳动法》`).map((h) => h.start)).toEqual([pad.length]);
    expect(scanText(`${pad}（中国）有限公司颁发证书`)).toEqual([]);
  });

  it('does not let ordinary sentences run together', () => {
    expect(scanText('买了面包。过两天再来')).toEqual([]);
    expect(scanText('包\n过')).toEqual([]);
    expect(scanText('包' + ' '.repeat(MAX_GAP + 1) + '过')).toEqual([]);
    expect(scanText('包' + ' '.repeat(MAX_GAP) + '过')).toHaveLength(1);
  });
});

describe('weak terms and context', () => {
  it('needs a credential word in the same sentence (commas do not end it)', () => {
    expect(scanText('中国领先的培训机构')).toEqual([]);
    expect(scanText('中国权威证书')).toMatchObject([{ term: '中国', context: { term: '证书' } }]);
    expect(scanText('全国领先，颁发证书')).toMatchObject([{ term: '全国', context: { term: '颁发' } }]);
    expect(scanText('全国领先 颁发证书')).toHaveLength(1);
    // Sentence ends (。！？, line breaks) do end it.
    expect(scanText('全国领先。颁发证书')).toEqual([]);
    expect(scanText('全国领先\n颁发证书')).toEqual([]);
    expect(scanText('全国领先！颁发证书')).toEqual([]);
  });
  it('reads claims across commas (RULES.md examples)', () => {
    expect(scanText('本證書，全國通用')).toMatchObject([{ term: '全国', text: '全國', context: { text: '證書' } }]);
    expect(scanText('中华职业技能协会认证，国家认可').map((h) => h.term)).toEqual(['中华', '国家']);
    expect(scanText('職業資格證書，全國通用').map((h) => h.term)).toEqual(['职业资格', '全国']);
  });
  it('lets a certificate named by its occupation carry pinyin, initials and homophones', () => {
    expect(scanText('电工证bg')).toMatchObject([{ term: '包过', text: 'bg', via: ['pinyin'], context: { term: '电工证' } }]);
    expect(scanText('叉车证 bao guo')).toMatchObject([{ term: '包过', text: 'bao guo', context: { term: '叉车证' } }]);
    expect(scanText('焊工证 包guo')).toMatchObject([{ term: '包过', text: '包guo', context: { term: '焊工证' } }]);
    expect(scanText('叉车证 宝过')).toMatchObject([{ term: '包过', via: ['homophone'], context: { term: '叉车证' } }]);
    expect(scanText('全国通用电工证')).toMatchObject([{ term: '全国', context: { term: '电工证' } }]);
    // Still nothing without a certificate word.
    expect(scanText('电工工具 bg')).toEqual([]);
  });
  it('counts on a certificate title without context', () => {
    expect(scanText('中华技能人才', { kind: 'certificate' })).toMatchObject([{ term: '中华' }]);
    expect(scanText('中华技能人才', { kind: 'ad' })).toEqual([]);
  });
  it('needs context for pinyin, homophones and initials', () => {
    expect(scanText('baoguo')).toEqual([]);
    expect(scanText('宝过年')).toEqual([]);
    expect(scanText('BG 无需到场 拿证')).toEqual([]); // initials only right beside the word
    expect(scanText('BG 拿证')).toHaveLength(1);
  });
  it('downgrades a term after a disclaimer', () => {
    expect(scanText('本证书不是职业资格证书')).toMatchObject([{ term: '职业资格', severity: 'low', disclaimed: true }]);
    expect(scanText('非常权威职业资格证书')).toMatchObject([{ term: '职业资格', severity: 'medium' }]);
    expect(scanText('本证书是职业资格证书')[0]!.disclaimed).toBeUndefined();
    expect(scanText('考前辅导，不承诺包过')).toMatchObject([{ term: '包过', disclaimed: true }]);
  });
  it('collapses overlapping hits of one rule to the longest', () => {
    expect(scanText('中华人民共和国职业资格').map((h) => h.term)).toEqual(['中华人民共和国', '职业资格']);
    expect(scanText('国家职业资格').map((h) => h.term)).toEqual(['国家职业资格']);
    expect(scanText('baoguo拿证').map((h) => h.term)).toEqual(['包过']);
  });
});

describe('rule-specific conditions', () => {
  it('AD-AGENCY needs an issuer cue beside the body', () => {
    expect(scanText('根据人社部文件精神开展培训')).toEqual([]);
    expect(scanText('颁发机关：人社局')).toMatchObject([{ rule: 'AD-AGENCY', term: '人社局', context: { term: '颁发' } }]);
    expect(scanText('人力資源和社會保障部監製')).toMatchObject([{ rule: 'AD-AGENCY', term: '人力资源和社会保障部' }]);
    expect(scanText('根据人社部相关文件精神，开展职业技能培训')).toEqual([]);
    expect(scanText('人力资源和社会保障部', { kind: 'certificate' })).toMatchObject([{ rule: 'AD-AGENCY' }]);
    expect(scanText('人力资源和社会保障部', { kind: 'ad' })).toEqual([]);
    expect(scanText('正规人社证 全国联网')).toMatchObject([
      { rule: 'AD-AGENCY', term: '人社证', category: 'government-certificate' },
      { rule: 'AD-TERMS', term: '全国', context: { term: '联网' } },
    ]);
  });
  it('AD-AGENCY covers endorsement and approval wording, not legitimate registration wording', () => {
    const agency = (t: string) => scanText(t).filter((h) => h.rule === 'AD-AGENCY').map((h) => `${h.term}/${h.context?.term}`);
    expect(agency('人社局备案 证书可查')).toEqual(['人社局/备案']);
    expect(agency('人社部认可，权威证书')).toEqual(['人社部/认可']);
    expect(agency('人社厅授权培训点')).toEqual(['人社厅/授权']);
    expect(agency('人社局指定培训机构')).toEqual(['人社局/指定']);
    expect(agency('经市场监管总局审批')).toEqual(['市场监管总局/审批']);
    expect(agency('人力资源和社会保障部推荐')).toEqual(['人力资源和社会保障部/推荐']);
    expect(agency('证书由人社部与中国电子商务协会联合颁发')).toEqual(['人社部/联合颁发']);
    expect(agency('主管部门：人社局')).toEqual(['人社局/主管']);
    expect(agency('人社部监督，质量保障')).toEqual(['人社部/监督']);
    // Registration of evaluation institutions, job placement and complaint lines are not posing.
    expect(agency('人社部门备案的评价机构颁发的职业技能等级证书')).toEqual([]);
    expect(agency('培训合格由人社局推荐就业')).toEqual([]);
    expect(agency('监督电话：市场监管局12315')).toEqual([]);
  });
  it('国徽 counts only as something the certificate or issuer bears or uses', () => {
    expect(scanText('认识国旗、国徽和国歌')).toEqual([]);
    expect(scanText('学习国徽的图案和含义，了解国徽法')).toEqual([]);
    expect(scanText('证书带国徽 钢印')).toMatchObject([{ rule: 'AD-AGENCY', term: '国徽', context: { term: '钢印' } }]);
    expect(scanText('结业证书印有国徽图案')).toMatchObject([{ rule: 'AD-AGENCY', term: '国徽' }]);
    expect(scanText('国徽', { kind: 'certificate' })).toMatchObject([{ rule: 'AD-AGENCY', term: '国徽' }]);
  });
  it('news of the 2019–2021 reform is not a claim about a certificate', () => {
    expect(scanText('2019年起，职业资格退出目录，职业技能鉴定改为等级认定。')).toEqual([]);
    expect(scanText('水平评价类职业资格退出国家职业资格目录')).toEqual([]);
    expect(scanText('心理咨询师职业资格退出目录')).toEqual([]);
    // A claim in the same text still counts.
    expect(scanText('职业资格退出目录，但我们仍颁发职业资格证书').map((h) => h.start)).toEqual([15]);
  });

  it('AD-FAKE-QUAL needs an un-negated claim for an occupation outside the catalog', () => {
    expect(scanText('心理咨询师培训')).toEqual([]);
    // In the catalog: no AD-FAKE-QUAL, and the real qualification's name is not an AD-TERMS claim either.
    expect(rules(scanText('注册会计师职业资格考试辅导'))).toEqual([]);
    expect(rules(scanText('建造师资格证 国家职业资格'))).toEqual(['AD-TERMS']);
    expect(rules(scanText('心理咨询师（非国家职业资格）'))).toEqual(['AD-TERMS']);
    expect(rules(scanText('企业人力资源管理师 国家职业资格二级'))).toEqual(['AD-FAKE-QUAL', 'AD-TERMS']);
    expect(find('企业人力资源管理师资格证', '企业人力资源管理师')?.rule).toBe('AD-FAKE-QUAL');
    // The claim must be near the occupation, not anywhere in a long clause.
    expect(rules(scanText('本校开设心理咨询师、育婴员、保育员、养老护理员等课程 均不属于国家职业资格'))).toEqual(['AD-TERMS']);
    expect(rules(scanText('本校开设心理咨询师、育婴员、保育员、养老护理员等课程，国家职业资格以目录为准'))).toEqual(['AD-TERMS']);
    // A cue inside an allow-listed name is part of that name.
    expect(scanText('养老护理员课程 国家职业资格目录外')).toEqual([]);
    expect(scanText('中国 全国计算机等级考试')).toEqual([]);
    expect(rules(scanText('心理咨询师课程 学完可考取由人社部门监制的职业资格证'))).not.toContain('AD-FAKE-QUAL');
  });
  it('AD-FAKE-QUAL also catches claims for occupations in no list, unless the catalog has them', () => {
    const fake = (t: string) => scanText(t).filter((h) => h.rule === 'AD-FAKE-QUAL');
    expect(fake('芳香理疗师国家职业资格证书')).toMatchObject([
      { term: '国家职业资格', category: 'unlisted-occupation', severity: 'medium', start: 5, end: 11, context: { text: '芳香理疗师' } },
    ]);
    expect(fake('芳香理療師國家職業資格')).toMatchObject([{ context: { term: '芳香理疗师', text: '芳香理療師' } }]);
    expect(fake('注册会计师国家职业资格')).toEqual([]); // in the catalog
    expect(fake('高级技师国家职业资格一级')).toEqual([]); // a level, not an occupation
    expect(fake('芳香理疗师非国家职业资格')).toEqual([]); // disclaimed
    expect(fake('芳香理疗师 国家职业资格')).toEqual([]); // not written together: occupation unknown
    // A listed occupation is reported once, as itself.
    expect(fake('心理咨询师国家职业资格证').map((h) => h.term)).toEqual(['心理咨询师']);
  });

  it('AD-FAKE-QUAL spells every out-of-catalog occupation in pinyin next to a certificate word', () => {
    expect(scanText('yuyingyuan国家职业资格证')).toMatchObject([
      { rule: 'AD-FAKE-QUAL', term: '育婴员', via: ['pinyin'], context: { term: '国家职业资格' } },
      { rule: 'AD-TERMS', term: '国家职业资格' },
    ]);
    expect(scanText('chayishi 国家职业资格').filter((h) => h.rule === 'AD-FAKE-QUAL')).toMatchObject([{ term: '茶艺师' }]);
  });

  it('PL-LISTING recognises certificates named by occupation', () => {
    const pl = (t: string) => scanText(t, { kind: 'listing' }).map((h) => `${h.term}/${h.category}/${h.context?.text}`);
    expect(pl('保安员证代办')).toEqual(['保安员证/occupation-certificate/代办']);
    expect(pl('网络与信息安全管理员证 保过')).toEqual(['网络与信息安全管理员证/occupation-certificate/保过']);
    expect(pl('电工证 代考')).toEqual(['电工证/occupation-certificate/代考']);
    expect(pl('焊工证书 包guo')).toEqual(['焊工证书/occupation-certificate/包guo']);
    expect(pl('叉车证 bao guo')).toEqual(['叉车证/occupation-certificate/bao guo']);
    expect(pl('育婴师证 快速拿证')).toEqual(['育婴师证/occupation-certificate/快速拿证']);
    expect(pl('教师资格证代考')).toEqual(['教师资格证/occupation-certificate/代考']);
    // Goods for the trade, or a certificate without a sale cue, are not.
    expect(pl('电工证 考试题库 正版')).toEqual([]);
    expect(pl('电工工具套装 家用五金组合')).toEqual([]);
    expect(pl('焊工劳保手套 10双装')).toEqual([]);
  });

  it('PL-LISTING needs a sale cue and applies only to listings', () => {
    expect(scanText('职业技能等级证书 考试辅导教材', { kind: 'listing' })).toEqual([]);
    expect(scanText('职业技能等级证书代办')).toEqual([]); // an advert: PL-LISTING is for listings
    expect(scanText('職業資格證書 包過', { kind: 'listing' })).toMatchObject([
      { rule: 'PL-LISTING', term: '职业资格证书', via: ['traditional'], context: { term: '包过' } },
    ]);
    expect(scanText('考证包过', { kind: 'listing' })).toEqual([]); // no listed object
  });
});

describe('property: a long text scans like its lines', () => {
  const PHRASES = ['国家认证 心理咨询师证书 包过', '全国通用 职业资格证书', '人社部颁发', '面包过期', '中国银行', 'ＢＧ拿证',
    '本证书不是职业资格证书', '培训课程', '证书 考试 等级', '《中华人民共和国劳动法》', '包 過', '，', ' ', '中国', 'baoguo 拿证'];
  it('gives the same hits, shifted, for lines joined by line breaks', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...PHRASES), { maxLength: 8 }).map((a) => a.join('')), { minLength: 1, maxLength: 30 }), (lines) => {
        const expected: Hit[] = [];
        let off = 0;
        for (const l of lines) {
          for (const h of scanText(l)) {
            const shifted = { ...h, start: h.start + off, end: h.end + off };
            if (h.context) shifted.context = { ...h.context, start: h.context.start + off, end: h.context.end + off };
            expected.push(shifted);
          }
          off += l.length + 1;
        }
        expect(scanText(lines.join('\n'))).toEqual(expected);
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});

describe('property: spans slice exactly the term with its inner noise', () => {
  const NOISE = [' ', '\u3000', '\u00a0', '\u200b', '\u200c', '\u200d', '\ufeff', '-', '_', '·', '*', '~', '/', '|', '#',
    '"', '“', '”', '…', '、', '，', ',', '🔥', '😀', '\ufe0f', '\u0336', '♥', '★', '【', '】'];
  const TERMS = ['包过', '保过', '职业资格', '人员资格', '职业技能鉴定', '国家职业资格'];
  const noise = (max: number) => fc.array(fc.constantFrom(...NOISE), { maxLength: max }).map((a) => a.join(''));
  it('holds for random noise inside and around a term', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMS), noise(10), noise(10), fc.array(noise(MAX_GAP), { minLength: 6, maxLength: 6 }), (term, pre, post, gaps) => {
        const chars = [...term];
        const body = chars.map((c, i) => (i < chars.length - 1 ? c + gaps[i] : c)).join('');
        const text = pre + body + post;
        const hits = scanText(text).filter((h) => h.rule === 'AD-TERMS');
        expect(hits).toHaveLength(1);
        expect(hits[0]!.term).toBe(term);
        expect(hits[0]!.start).toBe(pre.length);
        expect(text.slice(hits[0]!.start, hits[0]!.end)).toBe(body);
        expect(hits[0]!.via.includes('noise')).toBe(body !== term);
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});

describe('robustness on huge and dense texts', () => {
  const UNIT = '国家认证心理咨询师证书包过，人社部颁发，国徽钢印，芳香理疗师国家职业资格证书，职业资格证书代办';
  const dense = (chars: number) => UNIT.repeat(Math.ceil(chars / UNIT.length)).slice(0, chars);

  it('scans 8 MB of dense matches without overflowing the stack, with the output capped', () => {
    const text = dense(8e6 / 3); // ~8 MB of UTF-8
    const r = scan(text);
    expect(r.hits).toHaveLength(MAX_HITS);
    expect(r.truncated).toBe(true);
    const l = scan(text, { kind: 'listing', maxHits: 50 });
    expect(l.hits).toHaveLength(50);
  });

  it('merges allow-list windows of 400 KB of dense hits without String.fromCharCode.apply overflow', () => {
    const text = dense(140_000); // one piece (≤ CHUNK) whose hit windows merge into one
    expect(text.length).toBeLessThanOrEqual(CHUNK + 10_000);
    const r = scan(text.slice(0, CHUNK), { maxHits: Infinity });
    expect(r.truncated).toBe(false);
    expect(r.hits.length).toBeGreaterThan(MAX_HITS);
  });

  it('scans a text longer than CHUNK in pieces at sentence ends, as if line by line', () => {
    const line = '培训课程介绍，小班授课。国家认证 心理咨询师证书 包过\n面包过期，全国包邮。人社部颁发 ';
    const text = line.repeat(Math.ceil((CHUNK * 2.5) / line.length));
    const r = scan(text, { maxHits: Infinity });
    expect(r.chunks).toBeGreaterThan(2);
    const per = scanText(line);
    expect(r.hits).toHaveLength(per.length * Math.ceil((CHUNK * 2.5) / line.length));
    for (const h of r.hits) expect(text.slice(h.start, h.end)).toBe(h.text);
  });

  it('cuts a text with no break at all without losing its offsets', () => {
    const text = 'x'.repeat(CHUNK - 1) + '😀包过拿证' + 'y'.repeat(10);
    const r = scan(text);
    expect(r.chunks).toBe(2);
    expect(r.hits.map((h) => text.slice(h.start, h.end))).toEqual(r.hits.map((h) => h.text));
  });
});
