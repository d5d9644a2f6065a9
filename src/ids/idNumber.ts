/**
 * Chinese resident identity numbers (GB 11643-1999) and the documents that share
 * their 18-character layout: residence permits for Hong Kong, Macao and Taiwan
 * residents (prefix 810000 / 820000 / 830000) and the 2023 foreigners' permanent
 * residence card (leading '9').
 *
 * Everything here is pure and allocation-light because the synthetic data
 * generator and the screening rules call it millions of times.
 */

import { nowMs } from '../clock.ts';
import { isKnownProvince, isKnownRegion } from './regions.ts';

/** Why a number was rejected; see {@link parseIdNumber}. */
export type IdInvalidReason = 'format' | 'check_digit' | 'birth_date' | 'future_birth_date' | 'province';

/** Which document an identity number belongs to. */
export type IdKind = 'resident' | 'legacy15' | 'permit_hmt' | 'permit_foreigner' | 'unknown';

/** Result of {@link parseIdNumber}. Fields are filled as far as the number could be read, even when invalid. */
export interface IdNumberInfo {
  valid: boolean;
  reason?: IdInvalidReason;
  kind: IdKind;
  /** YYYY-MM-DD; only when the embedded date is a real calendar date. */
  birthDate?: string;
  sex?: 'M' | 'F';
  /** 2-digit province prefix (for foreigner cards: the issuing province). */
  provinceCode?: string;
  /** 6-digit administrative division code (absent for foreigner cards). */
  regionCode?: string;
  /** Whether regionCode is in the region table ({@link isKnownRegion}); unknown is a warning, not a failure. */
  regionKnown?: boolean;
}

/**
 * Earliest accepted birth year. GB 11643 itself sets no bound; published test
 * vectors include 1880 births (440524188001010014), so a 1900 floor would reject
 * them. 1800 still catches obvious garbage such as year 0000 or 1234.
 */
export const MIN_BIRTH_YEAR = 1800;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

/**
 * ISO 7064 MOD 11-2 check character of the first 17 digits of an identity number.
 * @throws RangeError when the input is not exactly 17 ASCII digits.
 */
export function idCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('idCheckChar: 需要17位数字');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = first17.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new RangeError('idCheckChar: 需要17位数字');
    sum += d * WEIGHTS[i]!;
  }
  return CHECK_CHARS[sum % 11]!;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True when y-m-d is a real Gregorian calendar date (leap years included). */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return d <= (leap ? 29 : 28);
  }
  return d <= (m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

const CST_MS = 8 * 3600_000;

/**
 * Today's date as YYYY-MM-DD in China Standard Time (UTC+8), which is the
 * calendar that births are registered in.
 */
function chinaToday(today: Date): string {
  return new Date(today.getTime() + CST_MS).toISOString().slice(0, 10);
}

// The default "today" is cached until the next China midnight: formatting a Date per call
// would more than double the cost of parsing.
let cachedToday = '';
let cachedFrom = 0;
let cachedUntil = 0;
const DAY_MS = 86_400_000;

function toTodayString(today: Date | string | undefined): string {
  if (today === undefined) {
    const now = nowMs();
    if (now >= cachedUntil || now < cachedFrom) {
      cachedToday = chinaToday(new Date(now));
      cachedFrom = Math.floor((now + CST_MS) / DAY_MS) * DAY_MS - CST_MS;
      cachedUntil = cachedFrom + DAY_MS;
    }
    return cachedToday;
  }
  if (typeof today === 'string') return today.slice(0, 10);
  return chinaToday(today);
}

/**
 * Parse and validate an identity number (18-character GB 11643 number, 15-digit
 * legacy number, HK/Macao/Taiwan residence permit, 2023 foreigners' permanent
 * residence card). Lowercase 'x' is accepted. No trimming is done: callers
 * normalise whitespace and full-width characters before calling.
 *
 * Checks, in order: format, check digit, calendar date (year ≥ {@link MIN_BIRTH_YEAR}),
 * not in the future, known 2-digit province prefix. A 6-digit region code missing
 * from the region table only sets `regionKnown: false`.
 *
 * @param today reference date for the future-birth check (a Date, read in UTC+8, or
 *   a 'YYYY-MM-DD' string); defaults to now.
 */
export function parseIdNumber(s: string, today?: Date | string): IdNumberInfo {
  if (typeof s !== 'string') return { valid: false, reason: 'format', kind: 'unknown' };
  if (s.length === 15) return parseLegacy(s);
  if (s.length !== 18 || !isDigits(s, 0, 17)) return { valid: false, reason: 'format', kind: 'unknown' };
  const last = s.charCodeAt(17);
  let check: string;
  if (last >= 48 && last <= 57) check = s[17]!;
  else if (last === 88 || last === 120) check = 'X';
  else return { valid: false, reason: 'format', kind: 'unknown' };

  const foreigner = s.charCodeAt(0) === 57; // '9'
  const info: IdNumberInfo = { valid: false, kind: 'resident' };
  if (foreigner) {
    // 2023 card: 9 + issuing province (2) + nationality code (3) + birth date (8) + seq (3) + check.
    info.kind = 'permit_foreigner';
    info.provinceCode = s.slice(1, 3);
  } else {
    info.provinceCode = s.slice(0, 2);
    info.regionCode = s.slice(0, 6);
    const p = info.provinceCode;
    if (p === '83' || ((p === '81' || p === '82') && s.startsWith('0000', 2))) info.kind = 'permit_hmt';
  }
  info.sex = (s.charCodeAt(16) - 48) % 2 === 1 ? 'M' : 'F';

  const y = +s.slice(6, 10);
  const m = +s.slice(10, 12);
  const d = +s.slice(12, 14);
  const dateOk = y >= MIN_BIRTH_YEAR && isCalendarDate(y, m, d);
  if (dateOk) info.birthDate = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  // 830000 (Taiwan residents' permits) is not a GB/T 2260 code but is the documented prefix.
  if (info.regionCode !== undefined) info.regionKnown = isKnownRegion(info.regionCode) || info.regionCode === '830000';

  if (idCheckChar(s.slice(0, 17)) !== check) return fail(info, 'check_digit');
  if (!dateOk) return fail(info, 'birth_date');
  if (info.birthDate! > toTodayString(today)) return fail(info, 'future_birth_date');
  if (!isKnownProvince(info.provinceCode) && info.provinceCode !== '83') return fail(info, 'province');
  if (foreigner && !isMainlandProvince(info.provinceCode)) return fail(info, 'province');
  info.valid = true;
  return info;
}

function fail(info: IdNumberInfo, reason: IdInvalidReason): IdNumberInfo {
  info.valid = false;
  info.reason = reason;
  return info;
}

/** Foreigners' cards are issued by mainland public security organs only. */
function isMainlandProvince(p: string): boolean {
  return p !== '71' && p !== '81' && p !== '82' && p !== '83';
}

function parseLegacy(s: string): IdNumberInfo {
  if (!isDigits(s, 0, 15)) return { valid: false, reason: 'format', kind: 'unknown' };
  const info: IdNumberInfo = {
    valid: false,
    kind: 'legacy15',
    provinceCode: s.slice(0, 2),
    regionCode: s.slice(0, 6),
    sex: (s.charCodeAt(14) - 48) % 2 === 1 ? 'M' : 'F',
  };
  info.regionKnown = isKnownRegion(info.regionCode!);
  const y = 1900 + +s.slice(6, 8);
  const m = +s.slice(8, 10);
  const d = +s.slice(10, 12);
  if (!isCalendarDate(y, m, d)) return fail(info, 'birth_date');
  info.birthDate = `${y}-${s.slice(8, 10)}-${s.slice(10, 12)}`;
  if (!isKnownProvince(info.provinceCode!)) return fail(info, 'province');
  info.valid = true;
  return info;
}

/** Input of {@link makeIdNumber} / {@link makeLegacyIdNumber}. */
export interface MakeIdInput {
  /** 6-digit administrative division code (or 810000/820000/830000 for residence permits). */
  regionCode: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  /** Sequence 0..999; odd means male, even female (GB 11643). */
  seq: number;
}

function checkInput(regionCode: string, birthDate: string, seq: number): void {
  if (regionCode.length !== 6 || !isDigits(regionCode, 0, 6)) throw new RangeError('行政区划代码必须为6位数字');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new RangeError('出生日期格式应为YYYY-MM-DD');
  if (!isCalendarDate(+birthDate.slice(0, 4), +birthDate.slice(5, 7), +birthDate.slice(8, 10))) {
    throw new RangeError('出生日期不是有效日期');
  }
  if (!Number.isInteger(seq) || seq < 0 || seq > 999) throw new RangeError('顺序码必须为0-999的整数');
}

function pad3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n);
}

/**
 * Build a valid 18-character identity number (uppercase 'X' check character).
 * @throws RangeError on malformed input.
 */
export function makeIdNumber({ regionCode, birthDate, seq }: MakeIdInput): string {
  checkInput(regionCode, birthDate, seq);
  const first17 = regionCode + birthDate.slice(0, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10) + pad3(seq);
  return first17 + idCheckChar(first17);
}

/**
 * Build a 15-digit legacy identity number (birth year must be 1900–1999; no check digit).
 * @throws RangeError on malformed input or a year outside 19xx.
 */
export function makeLegacyIdNumber({ regionCode, birthDate, seq }: MakeIdInput): string {
  checkInput(regionCode, birthDate, seq);
  if (!birthDate.startsWith('19')) throw new RangeError('15位身份证号码的出生年份必须为19xx');
  return regionCode + birthDate.slice(2, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10) + pad3(seq);
}

/** Input of {@link makeForeignerCardNumber}. */
export interface MakeForeignerCardInput {
  /** 2-digit mainland province code of the issuing authority. */
  provinceCode: string;
  /** 3-digit numeric nationality code (ISO 3166-1 numeric, e.g. '840'). */
  countryCode: string;
  birthDate: string;
  seq: number;
}

/**
 * Build a 2023-format foreigners' permanent residence card number
 * ('9' + province + nationality + birth date + seq + GB 11643 check character).
 * @throws RangeError on malformed input.
 */
export function makeForeignerCardNumber({ provinceCode, countryCode, birthDate, seq }: MakeForeignerCardInput): string {
  const head = provinceCode + countryCode;
  if (provinceCode.length !== 2 || countryCode.length !== 3) throw new RangeError('省份代码2位、国籍代码3位');
  checkInput('9' + head.slice(0, 5), birthDate, seq);
  const first17 = '9' + head + birthDate.slice(0, 4) + birthDate.slice(5, 7) + birthDate.slice(8, 10) + pad3(seq);
  return first17 + idCheckChar(first17);
}

/**
 * Convert a 15-digit legacy number to its 18-character form (insert '19', append check).
 * @throws RangeError when the input is not 15 digits.
 */
export function to18(legacy15: string): string {
  if (legacy15.length !== 15 || !isDigits(legacy15, 0, 15)) throw new RangeError('需要15位数字的旧身份证号码');
  const first17 = legacy15.slice(0, 6) + '19' + legacy15.slice(6);
  return first17 + idCheckChar(first17);
}

/**
 * Age in whole years on a given date (both 'YYYY-MM-DD'); a Feb 29 birthday counts as
 * reached on Mar 1 in non-leap years. Negative when `on` precedes the birth date.
 */
export function ageAt(birthDate: string, on: string): number {
  const by = +birthDate.slice(0, 4);
  const oy = +on.slice(0, 4);
  const age = oy - by;
  return on.slice(5, 10) < birthDate.slice(5, 10) ? age - 1 : age;
}
