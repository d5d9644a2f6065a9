import { describe, expect, it } from 'vitest';
import { allCounties, cityOf, countiesOf, isKnownProvince, isKnownRegion, PROVINCES, provinceOf, regionName } from './regions.ts';

describe('regions table', () => {
  it('has all 34 province-level units', () => {
    expect(Object.keys(PROVINCES)).toHaveLength(34);
    expect(PROVINCES['44']).toBe('广东省');
    expect(PROVINCES['65']).toBe('新疆维吾尔自治区');
    expect(PROVINCES['82']).toBe('澳门特别行政区');
  });
  it('isKnownProvince', () => {
    for (const p of ['11', '15', '23', '37', '46', '54', '65', '71', '81', '82']) expect(isKnownProvince(p)).toBe(true);
    for (const p of ['10', '16', '20', '24', '30', '38', '40', '47', '55', '60', '66', '72', '83', '99', '1', '110']) {
      expect(isKnownProvince(p)).toBe(false);
    }
  });
  it('every mainland province has ≥ 3 county-level entries in ≥ 3 prefecture-level groups', () => {
    for (const p of Object.keys(PROVINCES)) {
      if (p === '71' || p === '81' || p === '82') {
        expect(countiesOf(p)).toHaveLength(0);
        continue;
      }
      const counties = countiesOf(p);
      expect(counties.length, p).toBeGreaterThanOrEqual(6);
      const cities = new Set(counties.map((c) => c.code.slice(0, 4)));
      if (!['11', '12', '31', '50'].includes(p)) expect(cities.size, p).toBeGreaterThanOrEqual(4);
      for (const c of counties) {
        expect(c.code).toMatch(/^\d{6}$/);
        expect(c.code.startsWith(p)).toBe(true);
        expect(isKnownRegion(c.code)).toBe(true);
      }
    }
    expect(allCounties().length).toBeGreaterThan(300);
  });
  it('codes are unique', () => {
    const codes = allCounties().map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
  it('regionName gives full names', () => {
    expect(regionName('440106')).toBe('广东省广州市天河区');
    expect(regionName('440305')).toBe('广东省深圳市南山区');
    expect(regionName('110101')).toBe('北京市东城区');
    expect(regionName('110105')).toBe('北京市朝阳区');
    expect(regionName('320102')).toBe('江苏省南京市玄武区');
    expect(regionName('330106')).toBe('浙江省杭州市西湖区');
    expect(regionName('510104')).toBe('四川省成都市锦江区');
    expect(regionName('500236')).toBe('重庆市奉节县');
    expect(regionName('429004')).toBe('湖北省仙桃市');
    expect(regionName('441900')).toBe('广东省东莞市');
    expect(regionName('440100')).toBe('广东省广州市');
    expect(regionName('4401')).toBe('广东省广州市');
    expect(regionName('440000')).toBe('广东省');
    expect(regionName('44')).toBe('广东省');
    expect(regionName('440524')).toBe('广东省汕头市'); // abolished 潮阳县: best known prefix
    expect(regionName('990101')).toBeUndefined();
  });
  it('isKnownRegion: all levels in the table, abolished and made-up codes not', () => {
    for (const c of ['440106', '440100', '440000', '110000', '110100', '810000', '710000', '441900']) expect(isKnownRegion(c)).toBe(true);
    for (const c of ['440524', '440199', '990000', '830000', '4401', '']) expect(isKnownRegion(c)).toBe(false);
  });
  it('provinceOf and cityOf', () => {
    expect(provinceOf('440106')).toEqual({ code: '44', name: '广东省' });
    expect(provinceOf('990106')).toBeUndefined();
    expect(cityOf('440106')).toEqual({ code: '4401', name: '广州市' });
    expect(cityOf('110105')).toEqual({ code: '1101', name: '北京市' });
    expect(cityOf('449906')).toBeUndefined();
    expect(cityOf('44')).toBeUndefined();
  });
});
