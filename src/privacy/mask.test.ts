import { describe, expect, it } from 'vitest';
import { maskAccount, maskIdNumber, maskPhone, scrubText } from './mask.ts';

describe('masking', () => {
  it('masks identity numbers as 6 + stars + 4', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110101********1234');
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('110105491231002')).toBe('110105*****1002');
  });
  it('masks phones and accounts', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAccount('6222021234567890123')).toBe('6222***********0123');
  });
  it('scrubs identifiers out of free text but leaves short numbers and codes', () => {
    const t = scrubText('学员 11010519491231002X 手机 13812345678 账号 6222021234567890123 班级 C0101 金额 1200');
    expect(t).toBe('学员 110105********002X 手机 138****5678 账号 6222***********0123 班级 C0101 金额 1200');
    expect(t).not.toMatch(/19491231/);
  });
});
