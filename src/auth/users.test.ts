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

describe('demo accounts and the identity-view audit', () => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore('duckdb');
  });
  afterAll(async () => s?.drop());

  it('createDemoUsers makes one login per role with fresh random passwords, re-keyed on a second run', async () => {
    const { createDemoUsers } = await import('./demo.ts');
    const { login } = await import('./sessions.ts');
    const a = await createDemoUsers(s.db, { province: '44', city: '4401' });
    expect(new Set(a.map((x) => x.role)).size).toBe(6);
    for (const x of a) expect(x.password).toMatch(/^[\w-]{16}$/);
    expect(new Set(a.map((x) => x.password)).size).toBe(a.length);
    const b = await createDemoUsers(s.db, { province: '44', city: '4401' });
    expect(b.map((x) => x.username)).toEqual(a.map((x) => x.username));
    expect(b[0]!.password).not.toBe(a[0]!.password);
    const city = b.find((x) => x.role === 'city_inspector')!;
    expect((await login(s.db, city.username, city.password, null)).user).toEqual({ username: city.username, role: 'city_inspector', region_code: '4401', platform: null });
    await expect(login(s.db, city.username, a.find((x) => x.role === 'city_inspector')!.password, null)).rejects.toMatchObject({ status: 401 });
  });

  it('auditIdView records person.view_id for full readers only, without the number itself', async () => {
    const { auditIdView } = await import('../privacy/present.ts');
    await s.db.exec('DELETE FROM audit_log');
    await auditIdView(s.db, { username: 'c', role: 'city_inspector', region_code: '4401', platform: null }, '440106198001011234', '440106');
    await auditIdView(s.db, { username: 'm', role: 'ministry_analyst', region_code: '00', platform: null }, '440106198001011234', '440106');
    const rows = await s.db.query<{ action: string; actor: string; target_id: string; after_json: string }>('SELECT action, actor, target_id, after_json FROM audit_log');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'person.view_id', actor: 'c', target_id: '440106********1234' });
    expect(rows[0]!.after_json).not.toContain('440106198001011234');
  });
});
