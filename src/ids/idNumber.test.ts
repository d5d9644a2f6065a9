import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { ageAt, idCheckChar, makeForeignerCardNumber, makeIdNumber, makeLegacyIdNumber, parseIdNumber, to18 } from './idNumber.ts';

const TODAY = '2026-11-27';
const p = (s: string) => parseIdNumber(s, TODAY);

describe('idCheckChar', () => {
  it('matches published vectors (check values computed independently)', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44052418800101001')).toBe('4');
    expect(idCheckChar('81000019940823002')).toBe('1');
    expect(idCheckChar('11010519491231000')).toBe('3');
    expect(idCheckChar('11010520991231001')).toBe('0');
  });
  it('rejects non-17-digit input', () => {
    expect(() => idCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => idCheckChar('1101051949123100A')).toThrow(RangeError);
  });
});

describe('parseIdNumber — published vectors', () => {
  it('11010519491231002X is a valid female resident, Beijing Chaoyang', () => {
    expect(p('11010519491231002X')).toEqual({
      valid: true, kind: 'resident', birthDate: '1949-12-31', sex: 'F',
      provinceCode: '11', regionCode: '110105', regionKnown: true,
    });
  });
  it('440524188001010014 is valid (born 1880) although 440524 is an abolished county', () => {
    const r = p('440524188001010014');
    expect(r.valid).toBe(true);
    expect(r.birthDate).toBe('1880-01-01');
    expect(r.sex).toBe('M');
    expect(r.regionKnown).toBe(false);
    expect(r.reason).toBeUndefined();
  });
  it('810000199408230021 is a valid Hong Kong residence permit', () => {
    const r = p('810000199408230021');
    expect(r).toMatchObject({ valid: true, kind: 'permit_hmt', birthDate: '1994-08-23', sex: 'F', provinceCode: '81', regionKnown: true });
  });
  it('wrong check digits are rejected', () => {
    expect(p('11010519491231001X')).toMatchObject({ valid: false, reason: 'check_digit' });
    expect(p('440524188001010024')).toMatchObject({ valid: false, reason: 'check_digit' });
  });
});

describe('parseIdNumber — documents and edge cases', () => {
  it('accepts lowercase x', () => {
    expect(p('11010519491231002x')).toMatchObject({ valid: true, sex: 'F' });
  });
  it('Macao and Taiwan-resident permits are valid permit_hmt; Taiwan 71 is a province', () => {
    expect(p('820000199001010010')).toMatchObject({ valid: true, kind: 'permit_hmt' });
    expect(p('830000199001010012')).toMatchObject({ valid: true, kind: 'permit_hmt', regionKnown: true });
    expect(p('710000199001010015')).toMatchObject({ valid: true, kind: 'resident' });
  });
  it('foreigners’ permanent residence card (2023 format)', () => {
    const r = p('93184019850315001X');
    expect(r).toMatchObject({ valid: true, kind: 'permit_foreigner', provinceCode: '31', birthDate: '1985-03-15', sex: 'M' });
    expect(r.regionCode).toBeUndefined();
    expect(p('999840198503150018')).toMatchObject({ valid: false, reason: 'province', kind: 'permit_foreigner' });
    expect(p('981840198503150027')).toMatchObject({ valid: false, reason: 'province' });
  });
  it('Feb 29 only in leap years (2000 yes, 1900 no, 2001 no, 2024 yes)', () => {
    expect(p('110105200002290013').valid).toBe(true);
    expect(p('110105190002290017')).toMatchObject({ valid: false, reason: 'birth_date' });
    expect(p('110105200102290010')).toMatchObject({ valid: false, reason: 'birth_date' });
    expect(p('110105202402291233').valid).toBe(true);
  });
  it('future birth dates are rejected relative to `today`', () => {
    expect(p('110105209912310010')).toMatchObject({ valid: false, reason: 'future_birth_date', birthDate: '2099-12-31' });
    const born = makeIdNumber({ regionCode: '110105', birthDate: '2026-11-28', seq: 1 });
    expect(parseIdNumber(born, '2026-11-27').reason).toBe('future_birth_date');
    expect(parseIdNumber(born, '2026-11-28').valid).toBe(true);
    expect(parseIdNumber(born, new Date('2026-11-27T16:30:00Z')).valid).toBe(true); // 00:30 in China
    expect(parseIdNumber(born, new Date('2026-11-27T15:30:00Z')).valid).toBe(false);
    // default `today` is now: a 2099 birth is in the future
    expect(parseIdNumber('110105209912310010').reason).toBe('future_birth_date');
  });
  it('the default `today` follows the clock across China midnight', () => {
    const born = makeIdNumber({ regionCode: '110105', birthDate: '2026-11-28', seq: 1 });
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-27T15:59:59Z')); // 23:59:59 in China
    expect(parseIdNumber(born).reason).toBe('future_birth_date');
    vi.setSystemTime(new Date('2026-11-27T16:00:01Z')); // 00:00:01 on the 28th in China
    expect(parseIdNumber(born).valid).toBe(true);
    vi.setSystemTime(new Date('2026-11-26T12:00:00Z')); // a clock set back is noticed too
    expect(parseIdNumber(born).reason).toBe('future_birth_date');
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  it('years before 1800 are impossible, 1800s are fine', () => {
    expect(p('110105189912310015').valid).toBe(true);
    expect(p('110105179912310016')).toMatchObject({ valid: false, reason: 'birth_date' });
  });
  it('unknown province 99 is rejected', () => {
    expect(p('99010519800101001X')).toMatchObject({ valid: false, reason: 'province' });
  });
  it('unknown 6-digit region with a known province is a warning only', () => {
    const id = makeIdNumber({ regionCode: '440599', birthDate: '1990-01-01', seq: 2 });
    expect(p(id)).toMatchObject({ valid: true, regionKnown: false, provinceCode: '44' });
  });
  it('format errors', () => {
    for (const s of ['', '11010519491231002', '11010519491231002XX', '1101051949123100XX', '11010519491231002Y',
      'A1010519491231002X', '11010519491231002X ', '１１0105194912310023', '11010549123100']) {
      expect(p(s)).toMatchObject({ valid: false, reason: 'format', kind: 'unknown' });
    }
    expect(p(undefined as unknown as string).reason).toBe('format');
  });
});

describe('15-digit legacy numbers', () => {
  it('valid legacy number: region, 19YY date, sex from the last digit', () => {
    expect(p('110105491231002')).toEqual({
      valid: true, kind: 'legacy15', birthDate: '1949-12-31', sex: 'F',
      provinceCode: '11', regionCode: '110105', regionKnown: true,
    });
    expect(p('440524800101001')).toMatchObject({ valid: true, sex: 'M', regionKnown: false });
  });
  it('invalid date or province', () => {
    expect(p('110105490229001')).toMatchObject({ valid: false, reason: 'birth_date' }); // 1949 not leap
    expect(p('110105480229001').valid).toBe(true); // 1948 leap
    expect(p('110105491301001')).toMatchObject({ valid: false, reason: 'birth_date' });
    expect(p('990105491231001')).toMatchObject({ valid: false, reason: 'province' });
    expect(p('11010549123100X')).toMatchObject({ valid: false, reason: 'format' });
  });
  it('to18 inserts 19 and appends the check digit', () => {
    expect(to18('110105491231002')).toBe('11010519491231002X');
    expect(to18('440524800101001')).toBe(makeIdNumber({ regionCode: '440524', birthDate: '1980-01-01', seq: 1 }));
    expect(() => to18('11010549123100')).toThrow(RangeError);
  });
});

describe('makers', () => {
  it('makeIdNumber builds the published vector', () => {
    expect(makeIdNumber({ regionCode: '110105', birthDate: '1949-12-31', seq: 2 })).toBe('11010519491231002X');
    expect(makeIdNumber({ regionCode: '810000', birthDate: '1994-08-23', seq: 2 })).toBe('810000199408230021');
  });
  it('makeLegacyIdNumber and makeForeignerCardNumber', () => {
    expect(makeLegacyIdNumber({ regionCode: '110105', birthDate: '1949-12-31', seq: 2 })).toBe('110105491231002');
    expect(() => makeLegacyIdNumber({ regionCode: '110105', birthDate: '2001-01-01', seq: 2 })).toThrow(RangeError);
    expect(makeForeignerCardNumber({ provinceCode: '31', countryCode: '840', birthDate: '1985-03-15', seq: 1 })).toBe('93184019850315001X');
  });
  it('rejects bad input', () => {
    expect(() => makeIdNumber({ regionCode: '11010', birthDate: '1949-12-31', seq: 1 })).toThrow(RangeError);
    expect(() => makeIdNumber({ regionCode: '110105', birthDate: '1949-02-30', seq: 1 })).toThrow(RangeError);
    expect(() => makeIdNumber({ regionCode: '110105', birthDate: '19491231', seq: 1 })).toThrow(RangeError);
    expect(() => makeIdNumber({ regionCode: '110105', birthDate: '1949-12-31', seq: 1000 })).toThrow(RangeError);
    expect(() => makeIdNumber({ regionCode: '110105', birthDate: '1949-12-31', seq: 1.5 })).toThrow(RangeError);
  });
  it('round-trips: every generated number parses back to its inputs', () => {
    const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const region = fc.constantFrom('110105', '440106', '440305', '320102', '510104', '440524', '650102');
    fc.assert(fc.property(region, date, fc.integer({ min: 0, max: 999 }), (regionCode, birthDate, seq) => {
      const id = makeIdNumber({ regionCode, birthDate, seq });
      const r = p(id);
      expect(r.valid).toBe(true);
      expect(r.birthDate).toBe(birthDate);
      expect(r.regionCode).toBe(regionCode);
      expect(r.sex).toBe(seq % 2 === 1 ? 'M' : 'F');
      // a single changed digit in the body is always caught by MOD 11-2
      const i = seq % 17;
      const d = String((+id[i]! + 1 + (seq % 9)) % 10);
      const mutated = id.slice(0, i) + d + id.slice(i + 1);
      expect(p(mutated).valid).toBe(false);
      if (birthDate < '2000-01-01') {
        const legacy = makeLegacyIdNumber({ regionCode, birthDate, seq });
        expect(to18(legacy)).toBe(id);
        expect(p(legacy)).toMatchObject({ valid: true, birthDate, sex: r.sex });
      }
    }), { numRuns: 300 });
  });
});

describe('ageAt', () => {
  it('counts whole years', () => {
    expect(ageAt('1949-12-31', '2023-12-30')).toBe(73);
    expect(ageAt('1949-12-31', '2023-12-31')).toBe(74);
    expect(ageAt('2000-02-29', '2023-02-28')).toBe(22);
    expect(ageAt('2000-02-29', '2023-03-01')).toBe(23);
    expect(ageAt('2000-02-29', '2024-02-29')).toBe(24);
    expect(ageAt('2010-06-01', '2010-06-01')).toBe(0);
    expect(ageAt('2010-06-02', '2010-06-01')).toBe(-1);
  });
});
