import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshStore, type TestStore } from '../store/testing.ts';
import { CLI_ACTOR } from './actor.ts';
import { addUser, validateUserFields } from './users.ts';

describe('user fields follow the role table', () => {
  it.each([
    ['ministry_analyst', '00', null],
    ['province_admin', '44', null],
    ['city_inspector', '4401', null],
    ['market_officer', '440106', null],
    ['discipline_liaison', '44', null],
    ['platform_operator', '00', '淘宝'],
  ])('accepts %s in %s', (role, region, platform) => expect(() => validateUserFields(role, region, platform)).not.toThrow());
  it.each([
    ['ministry_analyst', '44', null, 'region'],
    ['province_admin', '4401', null, 'region'],
    ['province_admin', '00', null, 'region'],
    ['city_inspector', '44', null, 'region'],
    ['market_officer', '441', null, 'region'],
    ['platform_operator', '00', null, 'platform'],
    ['city_inspector', '4401', '淘宝', 'platform'],
    ['inspector', '4401', null, 'role'],
  ])('refuses %s in %s (field %s)', (role, region, platform, field) => {
    expect(() => validateUserFields(role, region, platform)).toThrow(expect.objectContaining({ status: 400, details: { field: field === 'platform' && platform === null ? 'platform' : field } }));
  });
});

describe.each(ENGINES)('users on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());

  it('refuses short passwords and duplicate names; stores argon2id, never the password', async () => {
    await expect(addUser(s.db, CLI_ACTOR, { username: 'u1', role: 'city_inspector', region_code: '4401', password: '123456789' })).rejects.toThrow('至少 10 个字符');
    await addUser(s.db, CLI_ACTOR, { username: 'u1', role: 'city_inspector', region_code: '4401', password: '1234567890' });
    await expect(addUser(s.db, CLI_ACTOR, { username: 'u1', role: 'city_inspector', region_code: '4401', password: '1234567890' })).rejects.toMatchObject({ status: 409 });
    const [r] = await s.db.query<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(r!.password_hash).toMatch(/^\$argon2id\$/);
    expect(r!.password_hash).not.toContain('1234567890');
  });
});
