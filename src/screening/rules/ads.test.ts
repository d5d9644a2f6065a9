import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../store/dialect.ts';
import { ENGINES, freshStore, type TestStore } from '../../store/testing.ts';
import { evaluateRule, resolveParams } from '../evaluate.ts';
import type { Finding } from '../types.ts';
import { scan } from '../../text/scan.ts';
import { AD_RULES, isRegisteredEvaluator, newStats, safeScan, type Institution } from './ads.ts';

/** ~1 MB of dense prohibited wording in one advert (a red-team input that used to overflow the stack). */
const PATHOLOGICAL = '国家认证心理咨询师证书包过，人社部颁发，国徽钢印，芳香理疗师国家职业资格证书，职业资格证书代办'.repeat(7000);

const rule = (id: string) => AD_RULES.find((r) => r.id === id)!;
const q = (v: unknown) => (v == null ? 'NULL' : `'${String(v).replace(/'/g, "''")}'`);

describe('isRegisteredEvaluator', () => {
  const base: Institution = {
    institution_id: 'I1', name: 'x', uscc: null, kind: 'evaluation', region_code: null,
    eval_registration_no: 'PJ-1', eval_registered_on: '2022-01-01', eval_terminated_on: null,
  };
  it('needs kind evaluation/both, a registration number, and no termination by the capture date', () => {
    expect(isRegisteredEvaluator(base, '2023-05-01')).toBe(true);
    expect(isRegisteredEvaluator({ ...base, kind: 'both' }, null)).toBe(true);
    expect(isRegisteredEvaluator({ ...base, kind: 'training' }, '2023-05-01')).toBe(false);
    expect(isRegisteredEvaluator({ ...base, eval_registration_no: ' ' }, '2023-05-01')).toBe(false);
    expect(isRegisteredEvaluator({ ...base, eval_registered_on: '2023-06-01' }, '2023-05-01')).toBe(false);
    expect(isRegisteredEvaluator({ ...base, eval_terminated_on: '2023-04-30' }, '2023-05-01')).toBe(false);
    expect(isRegisteredEvaluator({ ...base, eval_terminated_on: '2023-06-30' }, '2023-05-01')).toBe(true);
    expect(isRegisteredEvaluator({ ...base, eval_terminated_on: '2023-06-30' }, null)).toBe(false);
  });
});

describe('safeScan', () => {
  it('reports a subject whose scan throws and goes on with the others', () => {
    const stats = newStats('AD-TERMS');
    const scanner = (text: string, opts: { kind: 'ad' | 'certificate' | 'listing' }) => {
      if (text === 'BAD') throw new RangeError('Maximum call stack size exceeded');
      return scan(text, opts);
    };
    const out = ['证书包过', 'BAD', '国家认证证书'].map((t, i) => safeScan(stats, `A${i}`, t, 'ad', scanner));
    expect(out.map((h) => h?.map((x) => x.term) ?? null)).toEqual([['包过'], null, ['国家']]);
    expect(stats).toMatchObject({ subjects: 3, errors: 1, hits: 2, chars: 13 });
  });
  it('counts texts whose hits were capped', () => {
    const stats = newStats('AD-TERMS');
    expect(safeScan(stats, 'A1', PATHOLOGICAL, 'ad')).toHaveLength(10_000);
    expect(stats.truncated).toBe(1);
  });
});

describe.each(ENGINES)('advert and listing rules on %s', (engine) => {
  let store: TestStore;
  const run = async (id: string): Promise<Finding[]> => {
    const r = rule(id);
    return evaluateRule(r, { db: store.db, d: dialectOf(store.dialect), params: resolveParams(r) });
  };

  beforeAll(async () => {
    store = await freshStore(engine);
    await store.db.exec(`INSERT INTO institutions (institution_id, name, uscc, kind, region_code, eval_registration_no, eval_registered_on, eval_terminated_on) VALUES
      ('I1', '甲职业培训学校', '91110000000000001X', 'training', '110101', NULL, NULL, NULL),
      ('I2', '乙评价中心', '91440000000000002X', 'evaluation', '440106', 'PJ-2', '2022-01-01', NULL),
      ('I3', '丙评价公司', '91440000000000003X', 'both', '440104', 'PJ-3', '2021-01-01', '2023-03-01')`);
    const ads: [string, string, string | null, string | null, string, string][] = [
      // [ad_id, source, publisher_name, publisher_uscc, captured_on, text]
      ['A01', 'web', '甲职业培训学校', '91110000000000001X', '2023-05-01', '国家认证 心理咨询师证书 包\u200b过'],
      ['A02', 'web', '乙评价中心', '91440000000000002X', '2023-05-01', '职业技能鉴定 全国通用证书'], // registered: no AD-TERMS
      ['A03', 'wechat', '丙评价公司', null, '2023-05-01', '职业资格证书 包过'], // by name; terminated before capture → AD-TERMS
      ['A04', 'web', '丁公司', null, '2023-05-01', '面包过期，全国包邮，中国银行可缴费'], // hard negatives only
      ['A05', 'print', null, null, '2023-05-01', '证书由人社部颁发，带国徽钢印'],
      ['A06', 'certificate', '戊协会', null, '2023-05-01', '中华技能人才证书'], // certificate wording: 中华 counts
      ['A07', 'web', '己公司', null, '2023-05-01', '本证书不是职业资格证书'], // only a disclaimed hit
      ['A08', 'web', '乙评价中心', '91440000000000002X', '2023-05-01', '企业人力资源管理师国家职业资格二级'],
      ['A09', 'web', '乙评价中心', '91440000000000002X', '2023-05-01', '芳香理疗师国家职业资格证书'], // registered, but no such qualification
      ['A10', 'web', '庚公司', null, '2023-05-01', PATHOLOGICAL], // one pathological advert among normal ones
      ['A11', 'web', '辛学校', null, '2023-05-01', '认识国旗、国徽和国歌，职业资格退出目录，职业技能鉴定改为等级认定。'], // plain text
    ];
    await store.db.exec(`INSERT INTO ads (ad_id, source, publisher_name, publisher_uscc, captured_on, text) VALUES
      ${ads.map((a) => `(${a.map(q).join(', ')})`).join(',\n')}`);
    await store.db.exec(`INSERT INTO listings (listing_id, platform, shop_name, title, description, price) VALUES
      ('L1', '某电商', '速通考证', '职业技能等级证书', '代办 快速拿证，不过退款', 99900),
      ('L2', '某电商', '书店', '职业技能等级证书 考试辅导教材', '正版图书', 4500),
      ('L3', '某电商', '某店', '職業資格證書 包過', NULL, 100),
      ('L4', '某电商', '安保考证', '保安员证代办', '网络与信息安全管理员证 保过', 800),
      ('L5', '某电商', '五金店', '电工证 考试题库', '正版 全国包邮', 30)`);
  });
  afterAll(async () => store?.drop());

  it('AD-TERMS flags unregistered publishers only, with the hits as evidence', async () => {
    const f = await run('AD-TERMS');
    expect(f.map((x) => x.subject.id)).toEqual(['A01', 'A03', 'A06', 'A10']);
    const a1 = f[0]!;
    expect(a1.severity).toBe('high');
    expect(a1.institution_id).toBe('I1');
    expect(a1.region_code).toBe('110101');
    expect(a1.summary).toContain('非备案评价机构');
    expect(a1.summary).toContain('包过（原文“包过”，插入干扰字符）');
    const hits = a1.evidence.hits as { term: string; text: string; start: number; end: number; via: string[] }[];
    expect(hits.map((h) => h.term)).toEqual(['国家', '包过']);
    expect(hits[1]).toMatchObject({ text: '包\u200b过', start: 13, end: 16, via: ['noise'] });
    expect(f[1]!.evidence.publisher_registered_evaluator).toBe(false);
    expect(f[2]!.evidence.scanned_as).toBe('certificate');
  });

  it('AD-AGENCY and AD-FAKE-QUAL apply whoever the publisher is', async () => {
    const ag = await run('AD-AGENCY');
    expect(ag.map((x) => x.subject.id)).toEqual(['A05', 'A10']);
    expect((ag[0]!.evidence.hits as { term: string }[]).map((h) => h.term)).toEqual(['人社部', '国徽']);
    expect(ag[0]!.summary).toContain('人社部颁发');
    const fq = await run('AD-FAKE-QUAL');
    expect(fq.map((x) => x.subject.id)).toEqual(['A01', 'A08', 'A09', 'A10']);
    expect(fq[1]!.institution_id).toBe('I2');
    expect(fq[1]!.summary).toContain('企业人力资源管理师');
    expect(fq[2]!.severity).toBe('medium');
    expect(fq[2]!.summary).toContain('芳香理疗师“国家职业资格”');
  });

  it('PL-LISTING needs an object and a sale cue; offsets are per field', async () => {
    const f = await run('PL-LISTING');
    expect(f.map((x) => x.subject.id)).toEqual(['L1', 'L3', 'L4']);
    expect(f[2]!.summary).toContain('保安员证');
    expect((f[2]!.evidence.hits as Record<string, unknown>[]).map((h) => `${h.field}:${h.term}`)).toEqual([
      'title:保安员证', 'description:网络与信息安全管理员证',
    ]);
    const h = (f[0]!.evidence.hits as Record<string, unknown>[])[0]!;
    expect(h).toMatchObject({ field: 'title', term: '职业技能等级证书', start: 0, end: 8 });
    expect(h.context).toMatchObject({ field: 'description', text: '代办', start: 0, end: 2 });
    expect((f[1]!.evidence.hits as Record<string, unknown>[])[0]).toMatchObject({ text: '職業資格證書', via: ['traditional'] });
  });
});
