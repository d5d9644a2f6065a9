import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { inJurisdiction, masksPersonalData, regionFilterSql, regionPrefix } from './jurisdiction.ts';

const a = (role: Actor['role'], region_code: string): Actor => ({ username: 'u', role, region_code, platform: null });

describe('jurisdiction', () => {
  it('prefix scopes', () => {
    expect(regionPrefix(a('ministry_analyst', '00'))).toBeNull();
    expect(regionPrefix(a('province_admin', '44'))).toBe('44');
    expect(inJurisdiction(a('city_inspector', '4401'), '440106')).toBe(true);
    expect(inJurisdiction(a('city_inspector', '4401'), '440306')).toBe(false);
    expect(inJurisdiction(a('city_inspector', '4401'), null)).toBe(false);
    expect(inJurisdiction(a('ministry_analyst', '00'), null)).toBe(true);
  });
  it('SQL filter carries the prefix as a parameter', () => {
    const params: unknown[] = [7];
    expect(regionFilterSql(a('province_admin', '44'), 'c.region_code', params)).toBe('(c.region_code >= $2 AND c.region_code < $3)');
    expect(params).toEqual([7, '44', '45']);
    const p2: unknown[] = [];
    regionFilterSql(a('city_inspector', '4409'), 'x', p2);
    expect(p2).toEqual(['4409', '4410']);
    expect(regionFilterSql(a('ministry_analyst', '00'), 'x', [])).toBe('TRUE');
  });
  it('masking roles', () => {
    expect(masksPersonalData(a('ministry_analyst', '00'))).toBe(true);
    expect(masksPersonalData(a('market_officer', '44'))).toBe(true);
    expect(masksPersonalData(a('city_inspector', '4401'))).toBe(false);
    expect(masksPersonalData(a('province_admin', '44'))).toBe(false);
  });
});
