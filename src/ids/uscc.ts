/**
 * Unified social credit codes (统一社会信用代码, GB 32100-2015) and the organisation
 * code embedded in them (组织机构代码, GB 11714-1997).
 *
 * Layout: [1] registration department · [2] organisation type · [3-8] region code ·
 * [9-17] organisation code (8 body chars + GB 11714 check) · [18] GB 32100 check.
 */

/** The 31-character USCC alphabet: digits and capitals without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

// charCode → alphabet value, -1 when outside the alphabet; lowercase maps like uppercase.
const USCC_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < USCC_ALPHABET.length; i++) {
  USCC_VALUE[USCC_ALPHABET.charCodeAt(i)] = i;
  const lower = USCC_ALPHABET[i]!.toLowerCase().charCodeAt(0);
  if (lower !== USCC_ALPHABET.charCodeAt(i)) USCC_VALUE[lower] = i;
}

/** Why a code was rejected; see {@link parseUscc}. */
export type UsccInvalidReason = 'format' | 'check_char' | 'org_code_check' | 'charset';

/** Result of {@link parseUscc}. Parts are filled whenever the length and charset allow. */
export interface UsccInfo {
  valid: boolean;
  reason?: UsccInvalidReason;
  /** Position 1: registration department (1 机构编制, 5 民政, 9 市场监管, Y 其他 …). */
  regDept?: string;
  /** Position 2: organisation type within the department (1 企业, 2 个体工商户, 3 农民专业合作社 for '9' …). */
  orgType?: string;
  /** Positions 3–8: administrative division code of the registering authority. */
  regionCode?: string;
  /** Positions 9–17: organisation code including its check character. */
  orgCode?: string;
}

/**
 * GB 32100 check character of the first 17 characters (mod 31 over {@link USCC_ALPHABET}).
 * Lowercase letters are read as uppercase.
 * @throws RangeError when the input is not 17 characters of the USCC alphabet.
 */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckChar: 需要17位字符');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = first17.charCodeAt(i);
    const v = c < 128 ? USCC_VALUE[c]! : -1;
    if (v < 0) throw new RangeError('usccCheckChar: 含有不允许的字符');
    sum += v * USCC_WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

function orgValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 65 && c <= 90) return c - 55; // A-Z → 10..35
  if (c >= 97 && c <= 122) return c - 87; // a-z
  return -1;
}

/**
 * GB 11714 check character of an 8-character organisation code body
 * (weights 3,7,9,10,5,8,4,2; C9 = 11 − sum mod 11; 10 → 'X', 11 → '0').
 * @throws RangeError when the input is not 8 digits/letters.
 */
export function orgCodeCheckChar(first8: string): string {
  if (first8.length !== 8) throw new RangeError('orgCodeCheckChar: 需要8位字符');
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = orgValue(first8.charCodeAt(i));
    if (v < 0) throw new RangeError('orgCodeCheckChar: 含有不允许的字符');
    sum += v * ORG_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Parse and validate a unified social credit code. Lowercase letters are accepted
 * (parts are returned uppercase); no trimming is done.
 *
 * Checks, in order: 'format' (not 18 characters, or positions 3–8 not digits),
 * 'charset' (a character outside {@link USCC_ALPHABET}), 'check_char' (GB 32100),
 * 'org_code_check' (GB 11714 check of positions 9–17).
 */
export function parseUscc(s: string): UsccInfo {
  if (typeof s !== 'string' || s.length !== 18) return { valid: false, reason: 'format' };
  for (let i = 2; i < 8; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return { valid: false, reason: 'format' };
  }
  for (let i = 0; i < 18; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || USCC_VALUE[c]! < 0) return { valid: false, reason: 'charset' };
  }
  const u = s.toUpperCase();
  const info: UsccInfo = {
    valid: false,
    regDept: u[0],
    orgType: u[1],
    regionCode: u.slice(2, 8),
    orgCode: u.slice(8, 17),
  };
  if (usccCheckChar(u.slice(0, 17)) !== u[17]) {
    info.reason = 'check_char';
    return info;
  }
  if (orgCodeCheckChar(u.slice(8, 16)) !== u[16]) {
    info.reason = 'org_code_check';
    return info;
  }
  info.valid = true;
  return info;
}

/** Input of {@link makeUscc}. */
export interface MakeUsccInput {
  /** Registration department, one alphabet character: '9' 市场监管 (companies), '5' 民政 (social organisations), '1' 机构编制 … */
  regDept: string;
  /** Organisation type, one alphabet character: for '9': '1' 企业, '2' 个体工商户, '3' 农民专业合作社. */
  orgType: string;
  /** 6-digit administrative division code. */
  regionCode: string;
  /** 0..99,999,999 — becomes the 8-digit organisation code body. */
  seq: number;
}

/**
 * Build a valid unified social credit code whose embedded organisation code check and
 * final check character are both correct. Distinct seq values give distinct codes.
 * @throws RangeError on malformed input.
 */
export function makeUscc({ regDept, orgType, regionCode, seq }: MakeUsccInput): string {
  if (regDept.length !== 1 || orgType.length !== 1 || !USCC_ALPHABET.includes(regDept) || !USCC_ALPHABET.includes(orgType)) {
    throw new RangeError('登记管理部门码和机构类别码必须为1位合法字符');
  }
  if (!/^\d{6}$/.test(regionCode)) throw new RangeError('行政区划代码必须为6位数字');
  if (!Number.isInteger(seq) || seq < 0 || seq > 99_999_999) throw new RangeError('序号必须为0-99999999的整数');
  const body = String(seq).padStart(8, '0');
  const first17 = regDept + orgType + regionCode + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}
