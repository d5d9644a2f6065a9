import { afterEach, describe, expect, it } from 'vitest';
import { addDays, daysBetween, isoOffset, localDate, localTimestamp, now, parseInstant, setClock } from './clock.ts';
import { parseEnv, resetEnv } from './config/env.ts';

afterEach(() => {
  delete process.env.ZHILI_NOW;
  resetEnv();
  setClock(null);
});

describe('clock', () => {
  it('ZHILI_NOW freezes the clock at that instant', () => {
    process.env.ZHILI_NOW = '2023-10-01T09:00:00+08:00';
    resetEnv();
    setClock(null);
    expect(now().toISOString()).toBe('2023-10-01T01:00:00.000Z');
    expect(localTimestamp()).toBe('2023-10-01 09:00:00');
    expect(localDate()).toBe('2023-10-01');
    expect(isoOffset()).toBe('2023-10-01T09:00:00+08:00');
  });

  it('setClock freezes and advances; local date crosses midnight at 16:00 UTC', () => {
    setClock('2023-07-31T15:59:59Z');
    expect(localDate()).toBe('2023-07-31');
    setClock({ advanceMs: 1000 });
    expect(localDate()).toBe('2023-08-01');
    expect(localTimestamp()).toBe('2023-08-01 00:00:00');
  });

  it('reads times without an offset as Shanghai local time', () => {
    expect(parseInstant('2023-10-01 09:00:00').toISOString()).toBe('2023-10-01T01:00:00.000Z');
    expect(parseInstant('2023-10-01').toISOString()).toBe('2023-09-30T16:00:00.000Z');
    expect(() => parseInstant('yesterday')).toThrow();
  });

  it('date arithmetic', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-07-01', 14)).toBe('2023-07-15');
    expect(daysBetween('2023-07-01', '2023-07-15')).toBe(14);
  });
});

describe('env', () => {
  it('validates and defaults', () => {
    const e = parseEnv({});
    expect(e.ZHILI_DUCKDB_MEMORY).toBe('9GB');
    expect(e.ZHILI_LOG_LEVEL).toBe('warn');
    expect(e.ZHILI_DEBUG).toBe(false);
    expect(parseEnv({ ZHILI_DEBUG: '1' }).ZHILI_DEBUG).toBe(true);
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
  it('refuses an invalid value naming the variable', () => {
    expect(() => parseEnv({ ZHILI_LOG_LEVEL: 'loud' })).toThrow(/ZHILI_LOG_LEVEL/);
    expect(() => parseEnv({ ZHILI_NOW: 'soon' })).toThrow(/ZHILI_NOW/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});
