import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeUscc, orgCodeCheckChar, parseUscc, usccCheckChar, USCC_ALPHABET } from './uscc.ts';

describe('check characters (expected values computed independently)', () => {
  it('usccCheckChar', () => {
    expect(usccCheckChar('91110000600037341')).toBe('L');
    expect(usccCheckChar('91440300000000000')).toBe('E');
    expect(usccCheckChar('91440300MA5ABCDE5')).toBe('X');
    expect(() => usccCheckChar('9111000060003734')).toThrow(RangeError);
    expect(() => usccCheckChar('9111000060003734I')).toThrow(RangeError);
  });
  it('orgCodeCheckChar incl. the 10 → X and 11 → 0 cases', () => {
    expect(orgCodeCheckChar('60003734')).toBe('1');
    expect(orgCodeCheckChar('12345678')).toBe('8');
    expect(orgCodeCheckChar('00000000')).toBe('0'); // 11 − 0 = 11 → '0'
    expect(orgCodeCheckChar('00000006')).toBe('X'); // 11 − 1 = 10 → 'X'
    expect(orgCodeCheckChar('MA1234A5')).toBe('2');
    expect(() => orgCodeCheckChar('6000373')).toThrow(RangeError);
  });
  it('alphabet has 31 characters and excludes I O Z S V', () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const c of 'IOZSV') expect(USCC_ALPHABET).not.toContain(c);
  });
});

describe('parseUscc', () => {
  it('valid published code with its parts', () => {
    expect(parseUscc('91110000600037341L')).toEqual({
      valid: true, regDept: '9', orgType: '1', regionCode: '110000', orgCode: '600037341',
    });
  });
  it('accepts lowercase', () => {
    expect(parseUscc('91440300ma5abcde5x')).toMatchObject({ valid: true, orgCode: 'MA5ABCDE5' });
  });
  it('wrong final check char', () => {
    expect(parseUscc('91110000600037341N')).toMatchObject({ valid: false, reason: 'check_char', regionCode: '110000' });
  });
  it('wrong embedded organisation-code check (final check recomputed) → org_code_check', () => {
    expect(parseUscc('91110000600037342P')).toMatchObject({ valid: false, reason: 'org_code_check' });
  });
  it('format and charset errors', () => {
    expect(parseUscc('91110000600037341').reason).toBe('format');
    expect(parseUscc('91110000600037341LL').reason).toBe('format');
    expect(parseUscc('911100A0600037341L').reason).toBe('format');
    expect(parseUscc('91110000600037341I').reason).toBe('charset');
    expect(parseUscc('9111000060003734OL').reason).toBe('charset');
    expect(parseUscc('91110000600037341-').reason).toBe('charset');
    expect(parseUscc('９1110000600037341L').reason).toBe('charset');
  });
});

describe('makeUscc', () => {
  it('builds known codes', () => {
    expect(makeUscc({ regDept: '9', orgType: '1', regionCode: '440300', seq: 0 })).toBe('91440300000000000E');
    const x = makeUscc({ regDept: '9', orgType: '1', regionCode: '440300', seq: 6 });
    expect(x.slice(8, 17)).toBe('00000006X');
    expect(parseUscc(x).valid).toBe(true);
  });
  it('rejects bad input', () => {
    expect(() => makeUscc({ regDept: 'I', orgType: '1', regionCode: '440300', seq: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ regDept: '9', orgType: '12', regionCode: '440300', seq: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ regDept: '9', orgType: '1', regionCode: '44030', seq: 1 })).toThrow(RangeError);
    expect(() => makeUscc({ regDept: '9', orgType: '1', regionCode: '440300', seq: 100_000_000 })).toThrow(RangeError);
  });
  it('generated codes round-trip, and any single-character change is caught', () => {
    fc.assert(fc.property(
      fc.constantFrom('9', '5', '1', 'Y'), fc.constantFrom('1', '2', '3', '9'),
      fc.constantFrom('110105', '440106', '320102', '650102'), fc.integer({ min: 0, max: 99_999_999 }),
      fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }),
      (regDept, orgType, regionCode, seq, pos, shift) => {
        const code = makeUscc({ regDept, orgType, regionCode, seq });
        expect(parseUscc(code)).toEqual({ valid: true, regDept, orgType, regionCode, orgCode: code.slice(8, 17) });
        const orig = USCC_ALPHABET.indexOf(code[pos]!);
        const mutated = code.slice(0, pos) + USCC_ALPHABET[(orig + shift) % 31] + code.slice(pos + 1);
        expect(parseUscc(mutated).valid).toBe(false);
      },
    ), { numRuns: 300 });
  });
});
