/**
 * Clues, cases and records over HTTP on a real port, both engines:
 * - an access matrix generated from the policy table (src/policies/permissions.ts): every route ×
 *   every role × (own region, other region) — a cross-region read or write, or an unmasked
 *   identity number for a masking role, fails;
 * - concurrency: two inspectors update one case from the same version, 100 times with real
 *   parallel requests — exactly one wins, the other gets 409, nothing is lost.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, ROLES, type Actor, type Role } from '../src/auth/actor.ts';
import { addUser, createToken } from '../src/auth/users.ts';
import { verifyAudit } from '../src/audit/index.ts';
import { decideClue, transitionCase } from '../src/cases/service.ts';
import { setClock } from '../src/clock.ts';
import { clueId, startRun, upsertScreeningClues } from '../src/clues/repository.ts';
import { masksPersonalData } from '../src/policies/jurisdiction.ts';
import { can, caseScope, clueScope, type Permission } from '../src/policies/permissions.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import { buildApp } from '../src/server/app.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';

const PW = 'correct horse battery';
const ID_GZ = '440106199003071234';
const ID_SZ = '440305199104052345';
const FULL_ID = /\b\d{17}[\dXx]\b/;

/** Users: one per role in Guangzhou's scope (own) — the other region is Shenzhen (4403). */
const USERS: { username: string; role: Role; region_code: string; platform: string | null }[] = [
  { username: 'ministry', role: 'ministry_analyst', region_code: '00', platform: null },
  { username: 'gd-admin', role: 'province_admin', region_code: '44', platform: null },
  { username: 'gz-city', role: 'city_inspector', region_code: '4401', platform: null },
  { username: 'gz-market', role: 'market_officer', region_code: '4401', platform: null },
  { username: 'gz-liaison', role: 'discipline_liaison', region_code: '4401', platform: null },
  { username: 'tb-operator', role: 'platform_operator', region_code: '44', platform: '淘宝' },
];

describe.each(ENGINES)('clues and cases over HTTP on %s', (engine) => {
  let s: TestStore;
  let app: FastifyInstance;
  let base: string;
  const tokens = new Map<string, string>();
  const ids = { gzClue: '', szClue: '', gzAdClue: '', gzCase: '', szCase: '', gzAdCase: '' };

  beforeAll(async () => {
    setClock('2023-10-01T09:00:00+08:00');
    s = await freshStore(engine);
    await insert(s.db, 'institutions', [
      { institution_id: 'GZ1', name: '广州市甲培训学校', uscc: '91440101MA5AAAAA1X', kind: 'training', region_code: '440106', subsidy_catalog_from: '2023-01-01' },
      { institution_id: 'GZ2', name: '广州市乙培训学校', uscc: '91440101MA5AAAAA2X', kind: 'training', region_code: '440106' },
      { institution_id: 'SZ1', name: '深圳市丙培训学校', uscc: '91440300MA5CCCCC3X', kind: 'training', region_code: '440305' },
    ]);
    await insert(s.db, 'persons', [
      { id_number: ID_GZ, name: '张三', phone: '13812345678', bank_account: '6222021234567890123', region_code: '440106' },
      { id_number: ID_SZ, name: '李四', phone: '13912345678', region_code: '440305' },
    ]);
    await insert(s.db, 'classes', [
      { class_id: 'C1', institution_id: 'GZ1', project_id: 'P1', mode: 'offline', start_date: '2023-08-01', end_date: '2023-08-10', planned_hours: 40, region_code: '440106' },
      { class_id: 'C2', institution_id: 'SZ1', project_id: 'P1', mode: 'offline', start_date: '2023-08-01', end_date: '2023-08-10', planned_hours: 40, region_code: '440305' },
    ]);
    await insert(s.db, 'enrollments', [
      { class_id: 'C1', id_number: ID_GZ },
      { class_id: 'C2', id_number: ID_SZ },
    ]);
    const f = (rule: string, type: 'person' | 'class' | 'ad', id: string, inst: string, region: string) => ({
      rule, subject: { type, id }, severity: 'high' as const, score: 0.9, region_code: region, institution_id: inst,
      summary: `${rule} ${id}`, evidence: { id_number: type === 'person' ? id : ID_GZ }, related: [],
    });
    const run = await startRun(s.db);
    await upsertScreeningClues(s.db, run, ['TR-AGE', 'AD-TERMS'], [
      f('TR-AGE', 'person', ID_GZ, 'GZ1', '440106'),
      f('TR-AGE', 'person', ID_SZ, 'SZ1', '440305'),
      f('AD-TERMS', 'ad', 'A1', 'GZ2', '440106'),
      f('TR-AGE', 'person', '440106200001011111', 'GZ2', '440106'),
    ]);
    ids.gzClue = clueId('screening', 'TR-AGE', 'person', ID_GZ);
    ids.szClue = clueId('screening', 'TR-AGE', 'person', ID_SZ);
    ids.gzAdClue = clueId('screening', 'AD-TERMS', 'ad', 'A1');
    await s.db.exec(`UPDATE clues SET topic = 'advertising' WHERE rule LIKE 'AD-%'`);
    const admin: Actor = { username: 'setup-admin', role: 'province_admin', region_code: '44', platform: null };
    ids.gzCase = (await decideClue(s.db, admin, ids.gzClue, { action: 'merge', version: 1 })).case_id!;
    ids.szCase = (await decideClue(s.db, admin, ids.szClue, { action: 'merge', version: 1 })).case_id!;
    ids.gzAdCase = (await decideClue(s.db, admin, ids.gzAdClue, { action: 'merge', version: 1 })).case_id!;
    for (const u of USERS) {
      await addUser(s.db, CLI_ACTOR, { ...u, password: PW });
      tokens.set(u.username, await createToken(s.db, CLI_ACTOR, u.username));
    }
    app = await buildApp({ db: s.db });
    base = (await app.listen({ host: '127.0.0.1', port: 0 })).replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await s?.drop();
    setClock(null);
  });

  const call = async (user: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${tokens.get(user)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, text, json: text ? JSON.parse(text) : null };
  };

  /** Expected status from the policy table: 403 without the permission, else 200 in scope / 404 outside. */
  const expected = (role: Role, perm: Permission, visible: boolean) => (!ROLES.includes(role) ? 403 : !can({ username: '', role, region_code: '', platform: null }, perm) ? 403 : visible ? 200 : 404);

  for (const u of USERS) {
    it(`access matrix: ${u.role}`, async () => {
      const actor: Actor = { ...u };
      const seesClue = (adv: boolean) => clueScope(actor) === 'all' || (clueScope(actor) === 'advertising' && adv);
      const seesCase = (adv: boolean) => caseScope(actor) === 'all' || (caseScope(actor) === 'advertising' && adv);
      const checks: [string, string, number][] = [
        ['GET', `/api/clues/${ids.gzClue}`, expected(u.role, 'clue.read', seesClue(false))],
        ['GET', `/api/clues/${ids.gzAdClue}`, expected(u.role, 'clue.read', seesClue(true))],
        ['GET', `/api/clues/${ids.szClue}`, expected(u.role, 'clue.read', u.region_code === '00' || u.region_code === '44' ? seesClue(false) : false)],
        ['GET', `/api/cases/${ids.gzCase}`, expected(u.role, 'case.read', seesCase(false))],
        ['GET', `/api/cases/${ids.gzAdCase}`, expected(u.role, 'case.read', seesCase(true))],
        ['GET', `/api/cases/${ids.szCase}`, expected(u.role, 'case.read', u.region_code === '00' || u.region_code === '44' ? seesCase(false) : false)],
        ['GET', '/api/institutions/GZ1', expected(u.role, 'record.institution.read', true)],
        ['GET', '/api/institutions/SZ1', expected(u.role, 'record.institution.read', u.region_code === '00' || u.region_code === '44')],
        ['GET', `/api/persons/${ID_GZ}`, expected(u.role, 'record.person.read', true)],
        ['GET', `/api/persons/${ID_SZ}`, expected(u.role, 'record.person.read', u.region_code === '00' || u.region_code === '44')],
      ];
      for (const [method, path, want] of checks) {
        const r = await call(u.username, method, path);
        expect(`${method} ${path} → ${r.status}`).toBe(`${method} ${path} → ${want}`);
        if (r.status === 200 && masksPersonalData(actor)) expect(r.text).not.toMatch(FULL_ID);
        if (r.status >= 400) expect(r.json.error).toMatchObject({ id: expect.any(String), message: expect.any(String) });
      }
      // Lists filter inside the scope.
      const clues = await call(u.username, 'GET', '/api/clues?page_size=500');
      if (!can(actor, 'clue.read')) expect(clues.status).toBe(403);
      else {
        expect(clues.status).toBe(200);
        for (const c of clues.json.items) expect(String(c.region_code).startsWith(u.region_code === '00' ? '' : u.region_code)).toBe(true);
        if (clueScope(actor) === 'advertising') expect(clues.json.items.every((c: { rule: string }) => c.rule.startsWith('AD-'))).toBe(true);
        if (masksPersonalData(actor)) expect(clues.text).not.toMatch(FULL_ID);
      }
      const cases = await call(u.username, 'GET', '/api/cases');
      if (!can(actor, 'case.read')) expect(cases.status).toBe(403);
      else for (const c of cases.json.items) expect(String(c.region_code).startsWith(u.region_code === '00' ? '' : u.region_code)).toBe(true);
      // Writes outside the region answer 404 (or 403 for roles that may not write at all), and change nothing.
      const sz = await call('gd-admin', 'GET', `/api/cases/${ids.szCase}`);
      const w1 = await call(u.username, 'POST', `/api/cases/${ids.szCase}/transitions`, { to: 'investigating', version: sz.json.version });
      const may = can(actor, 'case.transition');
      const inScope = u.region_code === '00' || u.region_code === '44';
      expect(w1.status).toBe(!may ? 403 : inScope ? 200 : 404);
      if (w1.status === 200) {
        // Undo is impossible (no back transitions): remember the new state for later roles.
        expect(w1.json.state).toBe('investigating');
      } else {
        expect((await call('gd-admin', 'GET', `/api/cases/${ids.szCase}`)).json.version).toBe(sz.json.version);
      }
      const w2 = await call(u.username, 'POST', `/api/clues/${ids.szClue}/decision`, { action: 'triage', version: 1 });
      expect([403, 404, 409]).toContain(w2.status);
      if (!can(actor, 'clue.decide')) expect(w2.status).toBe(403);
      else if (!inScope) expect(w2.status).toBe(404);
    });
  }

  it('a person view by a full-data role is audited; masked for the ministry', async () => {
    const full = await call('gz-city', 'GET', `/api/persons/${ID_GZ}`);
    expect(full.json.person.id_number).toBe(ID_GZ);
    const masked = await call('ministry', 'GET', `/api/persons/${ID_GZ}`);
    expect(masked.json.person.id_number).toBe('440106********1234');
    expect(masked.json.person.phone).not.toBe('13812345678');
    const audit = await s.db.query<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'person.view_id'");
    expect(audit.map((a) => a.actor)).toContain('gz-city');
    expect(audit.map((a) => a.actor)).not.toContain('ministry');
  });

  it('concurrent updates from the same version: exactly one wins, 100 times', async () => {
    // A fresh GZ case for each round: merge a new clue, then race two transitions open → investigating.
    let wins = 0;
    for (let i = 0; i < 100; i++) {
      const k = await call('gz-city', 'GET', `/api/cases/${ids.gzCase}`);
      if (k.json.state !== 'open') {
        // Close the loop: start a new case for the next round through a new clue.
        const run = await startRun(s.db);
        await upsertScreeningClues(s.db, run, [], [
          { rule: 'TR-FREQ', subject: { type: 'person', id: `R${i}` }, severity: 'high', score: 0.5, region_code: '440106', institution_id: `GZX${i}`, summary: 'x', evidence: {}, related: [] },
        ]);
        await insert(s.db, 'institutions', [{ institution_id: `GZX${i}`, name: `广州市测试${i}`, uscc: `91440101MA5X${String(i).padStart(5, '0')}X`, kind: 'training', region_code: '440106' }]);
        const r = await call('gz-city', 'POST', `/api/clues/${clueId('screening', 'TR-FREQ', 'person', `R${i}`)}/decision`, { action: 'merge', version: 1 });
        expect(r.status).toBe(200);
        ids.gzCase = r.json.case_id;
      }
      const cur = await call('gz-city', 'GET', `/api/cases/${ids.gzCase}`);
      const [a, b] = await Promise.all([
        call('gz-city', 'POST', `/api/cases/${ids.gzCase}/transitions`, { to: 'investigating', note: 'A', version: cur.json.version }),
        call('gd-admin', 'POST', `/api/cases/${ids.gzCase}/major`, { major: true, reason: 'B', version: cur.json.version }),
      ]);
      const codes = [a.status, b.status].sort();
      expect(codes).toEqual([200, 409]);
      wins++;
      const after = await call('gz-city', 'GET', `/api/cases/${ids.gzCase}`);
      expect(after.json.version).toBe(cur.json.version + 1);
      // Nothing lost: the winner's change is there, the loser's is not.
      if (a.status === 200) expect([after.json.state, after.json.major]).toEqual(['investigating', false]);
      else expect([after.json.state, after.json.major]).toEqual(['open', true]);
      if (after.json.state === 'open') await transitionCase(s.db, { username: 'x', role: 'province_admin', region_code: '44', platform: null }, ids.gzCase, { to: 'investigating', version: after.json.version });
    }
    expect(wins).toBe(100);
    expect((await verifyAudit(s.db)).ok).toBe(true);
  });
});
