/**
 * The server on a real port (127.0.0.1:0), both engines: health/ready, login/logout/me, cookie
 * flags, CSRF, bearer tokens, throttling, lockout, idle expiry, disabled users, error bodies,
 * masking, audit listing and the OpenAPI document.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../src/audit/index.ts';
import { CLI_ACTOR } from '../src/auth/actor.ts';
import { addUser, createToken, disableUser, revokeTokens } from '../src/auth/users.ts';
import { setClock } from '../src/clock.ts';
import { buildApp } from '../src/server/app.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';

const PW = 'correct horse battery';

describe.each(ENGINES)('zhili server on %s', (engine) => {
  let s: TestStore;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    setClock('2023-10-01T09:00:00+08:00');
    s = await freshStore(engine);
    for (const [username, role, region_code, platform] of [
      ['prov', 'province_admin', '44', null],
      ['prov2', 'province_admin', '32', null],
      ['city', 'city_inspector', '4401', null],
      ['min', 'ministry_analyst', '00', null],
      ['victim', 'city_inspector', '4401', null],
      ['lockme', 'city_inspector', '4401', null],
      ['idle', 'city_inspector', '4401', null],
      ['gone', 'city_inspector', '4401', null],
    ] as const) {
      await addUser(s.db, CLI_ACTOR, { username, role, region_code, platform, password: PW });
    }
    app = await buildApp({ db: s.db });
    // Test-only routes: a database error, and a value with personal data.
    app.get('/api/test/db-error', async () => s.db.query('SELECT no_such_column FROM no_such_table'));
    app.get('/api/test/person', async () => ({ id_number: '110101199003071234', phone: '13812345678', bank_account: '6222021234567890123', note: '申请人 110101199003071234 电话 13812345678' }));
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await s?.drop();
    setClock(null);
  });
  // Each test starts past the throttling window of the one before.
  beforeEach(() => setClock({ advanceMs: 120_000 }));

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }
  async function login(username: string, password = PW) {
    const r = await post('/api/auth/login', { username, password });
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { r, cookie, body: (await r.json()) as { user: Record<string, unknown>; csrf_token: string; error?: { id: string; message: string } } };
  }

  it('health without the store, ready with it', async () => {
    const h = await fetch(`${base}/api/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
  });

  it('logs in with a session cookie (HttpOnly, SameSite=Strict, Path=/, not Secure over http), me, logout', async () => {
    const { r, cookie, body } = await login('prov');
    expect(r.status).toBe(200);
    expect(body.user).toEqual({ username: 'prov', role: 'province_admin', region_code: '44', platform: null });
    expect(body.csrf_token).toMatch(/^[\w-]{20,}$/);
    const sc = r.headers.get('set-cookie')!;
    expect(sc).toMatch(/^zhili_session=[\w-]{40,};/);
    expect(sc).toMatch(/HttpOnly/);
    expect(sc).toMatch(/SameSite=Strict/);
    expect(sc).toMatch(/Path=\//);
    expect(sc).not.toMatch(/Secure/);
    const me = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: 'prov' }, csrf_token: body.csrf_token });
    expect((await fetch(`${base}/api/auth/me`)).status).toBe(401);
    const out = await post('/api/auth/logout', {}, { cookie, 'x-csrf-token': body.csrf_token });
    expect(out.status).toBe(200);
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('needs x-csrf-token on cookie-authenticated changes', async () => {
    const { cookie, body } = await login('city');
    const none = await post('/api/auth/logout', {}, { cookie });
    expect(none.status).toBe(403);
    expect(await none.json()).toEqual({ error: { id: 'auth.csrf', message: expect.stringContaining('CSRF') } });
    expect((await post('/api/auth/logout', {}, { cookie, 'x-csrf-token': `${body.csrf_token}x` })).status).toBe(403);
    // Still logged in: the refused logout changed nothing.
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
  });

  it('accepts a bearer token everywhere without CSRF; a revoked token fails', async () => {
    const token = await createToken(s.db, CLI_ACTOR, 'city');
    const auth = { authorization: `Bearer ${token}` };
    const me = await fetch(`${base}/api/auth/me`, { headers: auth });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: 'city', role: 'city_inspector', region_code: '4401' } });
    expect((await post('/api/auth/logout', {}, auth)).status).toBe(200);
    expect(await revokeTokens(s.db, CLI_ACTOR, 'city')).toBe(1);
    const after = await fetch(`${base}/api/auth/me`, { headers: auth });
    expect(after.status).toBe(401);
    expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: 'Bearer zhl_forged' } })).status).toBe(401);
  });

  it('answers unknown user and wrong password alike (401, same body)', async () => {
    const a = await login('nobody-here', PW);
    const b = await login('prov', 'wrong password!');
    expect(a.r.status).toBe(401);
    expect(b.r.status).toBe(401);
    expect(a.body).toEqual(b.body);
    expect(a.body).toEqual({ error: { id: 'auth.invalid', message: '用户名或密码错误' } });
  });

  it('throttles repeated failures per user (429)', async () => {
    for (let i = 0; i < 5; i++) expect((await login('victim', `bad password ${i}`)).r.status).toBe(401);
    const t = await login('victim');
    expect(t.r.status).toBe(429);
    expect(t.body.error?.id).toBe('auth.throttled');
    setClock({ advanceMs: 61_000 });
    expect((await login('victim')).r.status).toBe(200);
  });

  it('throttles per address across user names (429)', async () => {
    for (let i = 0; i < 20; i++) await login(`spray${i}`, 'bad password');
    const t = await login('prov');
    expect(t.r.status).toBe(429);
  });

  it('locks a user after 10 failures in a row, even with the right password; unknown names alike', async () => {
    for (let i = 0; i < 10; i++) {
      if (i % 4 === 0) setClock({ advanceMs: 61_000 });
      expect((await login('lockme', `bad password ${i}`)).r.status).toBe(401);
      expect((await login('ghost-user', `bad password ${i}`)).r.status).toBe(401);
    }
    setClock({ advanceMs: 61_000 });
    const l = await login('lockme');
    expect(l.r.status).toBe(401);
    expect(l.body.error?.id).toBe('auth.locked');
    const g = await login('ghost-user');
    expect(g.body).toEqual(l.body);
  });

  it('ends a session after 8 hours idle by the clock, not before', async () => {
    const { cookie } = await login('idle');
    setClock({ advanceMs: 7 * 3600_000 + 59 * 60_000 });
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    setClock({ advanceMs: 7 * 3600_000 + 59 * 60_000 });
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    setClock({ advanceMs: 8 * 3600_000 });
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('a disabled user cannot log in and its session and tokens stop working', async () => {
    const { cookie } = await login('gone');
    const token = await createToken(s.db, CLI_ACTOR, 'gone');
    expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await disableUser(s.db, CLI_ACTOR, 'gone');
    expect((await fetch(`${base}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const again = await login('gone');
    expect(again.r.status).toBe(401);
    expect(again.body.error?.id).toBe('auth.invalid');
  });

  it('answers errors as {error:{id,message}}: validation names the field, a database error shows no SQL', async () => {
    const v = await post('/api/auth/login', { username: 'prov' });
    expect(v.status).toBe(400);
    expect(await v.json()).toEqual({ error: { id: 'invalid', message: '字段 body.password：必填' } });
    const { cookie } = await login('prov');
    const e = await fetch(`${base}/api/test/db-error`, { headers: { cookie } });
    expect(e.status).toBe(500);
    const text = await e.text();
    expect(JSON.parse(text)).toEqual({ error: { id: 'internal', message: '服务器内部错误' } });
    expect(text).not.toMatch(/no_such|SELECT|stack|at /i);
    const nf = await fetch(`${base}/api/no/such/route`, { headers: { cookie } });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ error: { id: 'not_found', message: '资源不存在' } });
    const bad = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { id: string } }).error.id).toBe('invalid');
  });

  it('masks identity numbers, phones and bank accounts for masking roles only', async () => {
    const m = await login('min');
    const masked = await (await fetch(`${base}/api/test/person`, { headers: { cookie: m.cookie } })).json();
    expect(masked).toEqual({ id_number: '110101********1234', phone: '138****5678', bank_account: '6222***********0123', note: '申请人 110101********1234 电话 138****5678' });
    const p = await login('prov');
    const full = await (await fetch(`${base}/api/test/person`, { headers: { cookie: p.cookie } })).json();
    expect(full.id_number).toBe('110101199003071234');
  });

  it('lists audit entries: the ministry all, a province admin its province, others 403', async () => {
    await s.db.transaction(() => appendAudit(s.db, { actor: CLI_ACTOR, action: 'case.transition', target_type: 'case', target_id: 'K-GD', region_code: '440106' }));
    await s.db.transaction(() => appendAudit(s.db, { actor: CLI_ACTOR, action: 'case.transition', target_type: 'case', target_id: 'K-JS', region_code: '320102' }));
    const get = async (who: string, q: string) => {
      const { cookie } = await login(who);
      return fetch(`${base}/api/audit${q}`, { headers: { cookie } });
    };
    const all = (await (await get('min', '?target_type=case')).json()) as { items: { target_id: string }[]; total: number };
    expect(all.items.map((e) => e.target_id).sort()).toEqual(['K-GD', 'K-JS']);
    expect(all.total).toBe(2);
    const gd = (await (await get('prov', '?target=case:K-JS')).json()) as { items: unknown[]; total: number };
    expect(gd).toEqual({ items: [], total: 0 });
    const gd2 = (await (await get('prov', '?target=case:K-GD')).json()) as { items: { action: string }[] };
    expect(gd2.items).toHaveLength(1);
    expect(gd2.items[0]!.action).toBe('case.transition');
    // user.add entries of the 44 users are visible to the 44 admin, not the 32 ones.
    const users = (await (await get('prov', '?target_type=user&page_size=500')).json()) as { items: { target_id: string }[] };
    expect(users.items.map((e) => e.target_id)).toContain('city');
    expect(users.items.map((e) => e.target_id)).not.toContain('prov2');
    expect((await get('city', '')).status).toBe(403);
    expect((await get('min', '?page_size=501')).status).toBe(400);
  });

  it('publishes the OpenAPI document and its UI', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of ['/api/health', '/api/ready', '/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/audit']) expect(Object.keys(doc.paths)).toContain(p);
    expect((await fetch(`${base}/docs`, { redirect: 'follow' })).status).toBe(200);
    const home = await fetch(`${base}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('治理');
  });

  it('answers ready 503 once the store is closed (health still ok)', async () => {
    await s.db.close();
    expect((await fetch(`${base}/api/ready`)).status).toBe(503);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });
});
