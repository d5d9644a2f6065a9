import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isOccupationCode, OCCUPATIONS, occupationByCode, occupationByName, occupationName } from './occupations.ts';
import { requireOrSkip } from '../../test/prereq.ts';

const CATALOG = '/work/shared/ref/national-vocational-qualifications-2021.json';

describe('occupation codes', () => {
  it('isOccupationCode checks the X-XX-XX-XX format', () => {
    for (const s of ['6-29-03-01', '4-10-01-05', '8-00-00-00', '1-01-00-00']) expect(isOccupationCode(s)).toBe(true);
    for (const s of ['', '6-29-03', '6-29-03-011', '62-9-03-01', '9-29-03-01', '0-29-03-01', '6_29_03_01', '6-29-03-0a', ' 6-29-03-01']) {
      expect(isOccupationCode(s)).toBe(false);
    }
    expect(isOccupationCode(undefined as unknown as string)).toBe(false);
  });
  it('table: ~40 well-formed, unique, sorted entries', () => {
    expect(OCCUPATIONS.length).toBeGreaterThanOrEqual(40);
    const codes = OCCUPATIONS.map((o) => o.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(OCCUPATIONS.map((o) => o.name)).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const o of OCCUPATIONS) {
      expect(isOccupationCode(o.code), o.code).toBe(true);
      expect(o.name.length).toBeGreaterThan(1);
      expect(o.trainingCategory.length).toBeGreaterThan(1);
    }
  });
  it('includes the common subsidised trades', () => {
    for (const n of ['电工', '焊工', '中式烹调师', '中式面点师', '西式面点师', '育婴员', '保育师', '养老护理员', '家政服务员',
      '美容师', '美发师', '茶艺师', '电子商务师', '互联网营销师', '健康管理师', '企业人力资源管理师', '汽车维修工',
      '网络与信息安全管理员', '保安员', '眼镜验光员', '评茶员', '砌筑工', '钢筋工', '农业经理人']) {
      expect(occupationByName(n), n).toBeDefined();
    }
  });
  it('lookups', () => {
    expect(occupationName('4-10-01-05')).toBe('养老护理员');
    expect(occupationName('4-04-04-02')).toBe('网络与信息安全管理员');
    expect(occupationName('9-99-99-99')).toBeUndefined();
    // codes cross-checked against published national occupational standards
    expect(occupationName('4-03-02-01')).toBe('中式烹调师');
    expect(occupationName('4-10-03-01')).toBe('美容师');
    expect(occupationName('4-10-01-06')).toBe('家政服务员');
    expect(occupationName('6-31-01-03')).toBe('电工');
    expect(occupationName('6-18-02-04')).toBe('焊工');
    expect(occupationName('6-02-06-11')).toBe('评茶员');
    expect(occupationName('6-29-03-01')).toBe('机械设备安装工'); // the example code of DATA-FORMAT.md
    for (const c of ['4-03-02-01', '4-10-03-01', '6-31-01-03', '6-18-02-04']) expect(occupationByCode(c)?.codeUncertain).toBeUndefined();
    expect(occupationByCode('4-07-05-01')?.inCatalog2021).toBe(true);
    expect(occupationByName('电工')).toMatchObject({ inCatalog2021: false, relatedQualification: '特种作业人员' });
    expect(occupationByName('企业人力资源管理师')?.inCatalog2021).toBe(false);
  });
  it.skipIf(requireOrSkip(existsSync(CATALOG), `参考文件 ${CATALOG}`))('inCatalog2021 and relatedQualification agree with the 2021 catalog JSON', () => {
    const cat = JSON.parse(readFileSync(CATALOG, 'utf8')) as { skilled_personnel_names: string[]; professional_technical_names: string[] };
    const names = new Set([...cat.skilled_personnel_names, ...cat.professional_technical_names]);
    for (const o of OCCUPATIONS) {
      expect(o.inCatalog2021, o.name).toBe(names.has(o.name));
      if (o.relatedQualification !== undefined) expect(names.has(o.relatedQualification), o.relatedQualification).toBe(true);
    }
    expect(OCCUPATIONS.filter((o) => o.inCatalog2021).map((o) => o.name)).toEqual(
      expect.arrayContaining(['保安员', '消防设施操作员', '游泳救生员']),
    );
  });
});
