import { describe, expect, it } from 'vitest';
import { findingProblems, listIds, maskContact, maskId, pct, scoreAbove, scoreBelow, scoreCount, timeRange, yuan } from './index.ts';

describe('rule helpers', () => {
  it('masks identity numbers keeping region and last 4', () => {
    expect(maskId('110101199003071234')).toBe('110101********1234');
    expect(maskId('110101900307123')).toBe('110101*****7123');
    expect(maskId('ABC')).toBe('****');
    expect(maskId(null)).toBe('****');
    expect(maskContact('13800001111')).toBe('138****1111');
  });
  it('formats fen as 元', () => {
    expect(yuan(120050)).toBe('1,200.50元');
    expect(yuan(5)).toBe('0.05元');
    expect(yuan(-100)).toBe('-1.00元');
    expect(yuan(123456789)).toBe('1,234,567.89元');
  });
  it('formats percentages, ranges and id lists', () => {
    expect(pct(0.2567)).toBe('25.7%');
    expect(timeRange('2023-08-02 09:00:00', '2023-08-02 11:00:00')).toBe('2023-08-02 09:00–11:00');
    expect(timeRange('2023-08-02 23:00:00', '2023-08-03 01:00:00')).toBe('2023-08-02 23:00–2023-08-03 01:00');
    expect(listIds(['C1', 'C2', 'C1'])).toBe('C1、C2');
    expect(listIds(['C1', 'C2', 'C3', 'C4'])).toBe('C1、C2、C3等4个');
  });
  it('scores grow with distance past the threshold', () => {
    expect(scoreAbove(10, 10)).toBe(0.5);
    expect(scoreAbove(20, 10)).toBe(0.75);
    expect(scoreAbove(1000, 10)).toBeGreaterThan(0.99);
    expect(scoreBelow(0, 0.8)).toBe(1);
    expect(scoreBelow(0.4, 0.8)).toBe(0.75);
    expect(scoreCount(1)).toBe(0.6);
    expect(scoreCount(4)).toBe(0.8);
  });
});

describe('findingProblems', () => {
  const ok = { region_code: null, institution_id: 'I1', summary: '培训班 C1 没有课次', subject: { id: 'C1' } };
  it('accepts a well-formed finding', () => {
    expect(findingProblems(ok)).toEqual([]);
  });
  it.each([
    [{ region_code: '' }, /region_code/],
    [{ institution_id: '' }, /institution_id/],
    [{ summary: '考生 X 不符合：工作年限 5年，申报条件 ' }, /blanks|dangling/],
    [{ summary: '考生 X 不符合：申报条件 ，工作年限' }, /dangling/],
    [{ summary: '证书 X（）' }, /empty brackets/],
    [{ summary: '机构 null 的批次' }, /null/],
  ])('rejects %o', (patch, why) => {
    expect(findingProblems({ ...ok, ...patch }).join('\n')).toMatch(why);
  });
});
