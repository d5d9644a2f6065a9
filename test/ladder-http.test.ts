/**
 * The whole ladder over HTTP with the clock, both engines: merge → investigate → confirm →
 * rectification → the deadline passes (clock moved, the server's scheduled deadline check runs)
 * → overdue → escalation proposed → approved by a second person → catalog entry ended →
 * the institution profile and screening see it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeadlines } from '../src/cases/deadlines.ts';
import { setClock } from '../src/clock.ts';
import { clueId, startRun, upsertScreeningClues } from '../src/clues/repository.ts';
import { runScreening } from '../src/screening/engine.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import type { Running } from '../src/server/serve.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { bearerClient, serveForTest, usersWithTokens } from './http-kit.ts';

describe.each(ENGINES)('the case ladder over HTTP on %s', (engine) => {
  let s: TestStore;
  let srv: Running;
  let base: string;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    setClock('2023-10-01T09:00:00+08:00');
    s = await freshStore(engine);
    await insert(s.db, 'institutions', [
      { institution_id: 'I1', name: '广州市华信职业培训学校', uscc: '91440101MA5AAAAA1X', kind: 'training', region_code: '440106', subsidy_catalog_from: '2023-01-01' },
    ]);
    await insert(s.db, 'projects', [{ project_id: 'P1', name: '电工', standard_hours: 40, subsidy_per_person: 1000, catalog_from: '2023-01-01' }]);
    const run = await startRun(s.db);
    await upsertScreeningClues(s.db, run, ['TR-HOURS'], [
      { rule: 'TR-HOURS', subject: { type: 'class', id: 'C1' }, severity: 'high', score: 0.9, region_code: '440106', institution_id: 'I1', summary: '实际授课不足', evidence: {}, related: [] },
    ]);
    Object.assign(tok, await usersWithTokens(s.db, [['gz', 'city_inspector', '4401'], ['gd1', 'province_admin', '44'], ['gd2', 'province_admin', '44']]));
    // The deadline check is the one `zhili serve` schedules; the test drives it after moving the clock.
    ({ srv, base } = await serveForTest(s.db));
  });
  afterAll(async () => {
    await srv?.close();
    await s?.drop().catch(() => undefined);
    setClock(null);
  });

  const call = bearerClient(() => base, tok);

  it('runs from a clue to an ended catalog entry that screening sees', async () => {
    const clue = clueId('screening', 'TR-HOURS', 'class', 'C1');
    const merged = await call('gz', 'POST', `/api/clues/${clue}/decision`, { action: 'merge', version: 1 });
    expect(merged.status).toBe(200);
    const id = merged.json.case_id as string;
    let k = (await call('gz', 'GET', `/api/cases/${id}`)).json;
    expect(k.state).toBe('open');
    expect((await call('gz', 'POST', `/api/cases/${id}/transitions`, { to: 'confirmed', version: k.version })).status).toBe(409);
    k = (await call('gz', 'POST', `/api/cases/${id}/transitions`, { to: 'investigating', version: k.version })).json;
    k = (await call('gz', 'POST', `/api/cases/${id}/transitions`, { to: 'confirmed', note: '查实', version: k.version })).json;
    const rect = await call('gz', 'POST', `/api/cases/${id}/measures`, { type: 'rectification', version: k.version, decided_on: '2023-10-01', legal_basis: '通知第三条', note: '限期整改', deadline: '2023-10-15' });
    expect(rect.status).toBe(201);
    k = (await call('gz', 'GET', `/api/cases/${id}`)).json;
    expect([k.state, k.deadline, k.overdue]).toEqual(['rectifying', '2023-10-15', false]);

    setClock('2023-10-16T09:00:00+08:00');
    await runDeadlines(s.db);
    k = (await call('gz', 'GET', `/api/cases/${id}`)).json;
    expect([k.state, k.overdue]).toEqual(['overdue', true]);
    expect((await call('gz', 'GET', '/api/cases?overdue=true')).json.items.map((c: { case_id: string }) => c.case_id)).toEqual([id]);
    const proposal = k.approvals.find((a: { type: string }) => a.type === 'remove_institution');
    expect(proposal.status).toBe('pending_approval');

    const denied = await call('gz', 'POST', `/api/cases/${id}/measures/${proposal.measure_id}/approval`, { decision: 'approve', version: k.version });
    expect(denied.status).toBe(403);
    const ok = await call('gd2', 'POST', `/api/cases/${id}/measures/${proposal.measure_id}/approval`, { decision: 'approve', note: '同意移出', version: k.version });
    expect([ok.status, ok.json.status]).toEqual([200, 'effective']);
    k = (await call('gz', 'GET', `/api/cases/${id}`)).json;
    expect(k.state).toBe('escalated');

    setClock('2023-10-20T09:00:00+08:00');
    const profile = (await call('gz', 'GET', '/api/institutions/I1')).json;
    expect(profile.catalog).toMatchObject({ effective: false, as_exported: true, subsidy_catalog_to: '2023-10-16' });
    await insert(s.db, 'classes', [{ class_id: 'C-AFTER', institution_id: 'I1', project_id: 'P1', mode: 'offline', start_date: '2023-11-01', end_date: '2023-11-10', planned_hours: 40 }]);
    await insert(s.db, 'claims', [{ claim_id: 'K-AFTER', institution_id: 'I1', class_id: 'C-AFTER', submitted_on: '2023-11-11', amount: 1000, status: 'submitted' }]);
    const report = await runScreening(s.db, { rules: ['TR-CATALOG'] });
    expect(report.findings.map((f) => f.subject.id)).toContain('C-AFTER');
    const audit = (await call('gd1', 'GET', `/api/audit?target=case:${id}&page_size=100`)).json;
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['case.open', 'case.transition']));
  });
});
