/** The session cookie is Secure when the request came over HTTPS (here: via a trusted proxy). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/auth/actor.ts';
import { addUser } from '../src/auth/users.ts';
import { resetEnv } from '../src/config/env.ts';
import { buildApp } from '../src/server/app.ts';
import { freshStore, type TestStore } from '../src/store/testing.ts';

describe('session cookie over HTTPS', () => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore('duckdb');
    await addUser(s.db, CLI_ACTOR, { username: 'gd', role: 'province_admin', region_code: '44', password: 'correct horse battery' });
  });
  afterAll(async () => {
    delete process.env.ZHILI_TRUST_PROXY;
    resetEnv();
    await s?.drop();
  });

  async function cookieFor(trust: boolean): Promise<string> {
    if (trust) process.env.ZHILI_TRUST_PROXY = '1';
    else delete process.env.ZHILI_TRUST_PROXY;
    resetEnv();
    const app = await buildApp({ db: s.db });
    const r = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { username: 'gd', password: 'correct horse battery' } });
    await app.close();
    expect(r.statusCode).toBe(200);
    return String(r.headers['set-cookie']);
  }

  it('sets Secure behind a trusted TLS proxy, not when the forwarded header is untrusted', async () => {
    expect(await cookieFor(true)).toMatch(/; Secure/);
    expect(await cookieFor(false)).not.toMatch(/Secure/);
  });
});
