/**
 * Platform collaboration over HTTP, both engines (API.md "Platforms"): operator isolation on
 * every directive route, bulk creation from PL-LISTING clues (one directive per platform),
 * overdue by moving the clock, response validation, kept listings back to the sender, audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setClock } from '../src/clock.ts';
import { clueId, startRun, upsertScreeningClues } from '../src/clues/repository.ts';
import { runDirectiveDeadlines } from '../src/platforms/directives.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import type { Running } from '../src/server/serve.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { bearerClient, serveForTest, usersWithTokens } from './http-kit.ts';

describe.each(ENGINES)('platform directives over HTTP on %s', (engine) => {
  let s: TestStore;
  let srv: Running;
  let base: string;
  const tok: Record<string, string> = {};
  beforeAll(async () => {
    setClock('2023-10-01T09:00:00+08:00');
    s = await freshStore(engine);
    await insert(s.db, 'listings', [
      { listing_id: 'L-TB1', platform: '淘宝', shop_name: '包过考证店', title: '电工证 包过 免考', url: 'https://tb.example/1', captured_on: '2023-09-20' },
      { listing_id: 'L-TB2', platform: '淘宝', shop_name: '包过考证店', title: '挂靠 证书', url: 'https://tb.example/2', captured_on: '2023-09-20' },
      { listing_id: 'L-JD1', platform: '京东', shop_name: '证书速通', title: '内部渠道 拿证', url: 'https://jd.example/1', captured_on: '2023-09-21' },
    ]);
    const run = await startRun(s.db);
    await upsertScreeningClues(s.db, run, ['PL-LISTING'], ['L-TB1', 'L-TB2', 'L-JD1'].map((id) => ({
      rule: 'PL-LISTING', subject: { type: 'listing', id }, severity: 'high' as const, score: 0.9, region_code: null, institution_id: null, summary: '违规承诺', evidence: {}, related: [],
    })));
    const users = [
      ['mo', 'ministry_analyst', '00', null],
      ['gd', 'province_admin', '44', null],
      ['js', 'province_admin', '32', null],
      ['gz', 'city_inspector', '4401', null],
      ['tb', 'platform_operator', '00', '淘宝'],
      ['jd', 'platform_operator', '00', '京东'],
    ] as const;
    Object.assign(tok, await usersWithTokens(s.db, users));
    ({ srv, base } = await serveForTest(s.db));
  });
  afterAll(async () => {
    await srv?.close();
    await s?.drop().catch(() => undefined);
    setClock(null);
  });

  const call = bearerClient(() => base, tok);
  const ids = (list: { items: { directive_id: string }[] }) => list.items.map((d) => d.directive_id).sort();

  let tbTakedown: string;
  let jdPrompt: string;

  it('senders create; operators and other roles cannot; a takedown names listings of that platform', async () => {
    const tb = await call('gd', 'POST', '/api/directives', { platform: '淘宝', kind: 'takedown', listing_ids: ['L-TB1', 'L-TB2'], deadline: '2023-10-10', note: '限期下架' });
    expect(tb.status).toBe(201);
    expect(tb.json).toMatchObject({ platform: '淘宝', kind: 'takedown', state: 'sent', overdue: false, listings_total: 2, listings_pending: 2, region_code: '44' });
    expect(tb.json.listings.map((l: { listing_id: string }) => l.listing_id)).toEqual(['L-TB1', 'L-TB2']);
    tbTakedown = tb.json.directive_id;
    const jd = await call('mo', 'POST', '/api/directives', { platform: '京东', kind: 'prompt', terms: ['包过', '内部渠道'], deadline: '2023-10-20', note: '合规提示' });
    expect(jd.status).toBe(201);
    expect(jd.json.terms).toEqual(['包过', '内部渠道']);
    jdPrompt = jd.json.directive_id;

    for (const u of ['tb', 'jd', 'gz']) {
      const r = await call(u, 'POST', '/api/directives', { platform: '淘宝', kind: 'prompt', terms: ['包过'], deadline: '2023-10-10', note: 'x' });
      expect([u, r.status]).toEqual([u, 403]);
    }
    const wrongPlatform = await call('gd', 'POST', '/api/directives', { platform: '淘宝', kind: 'takedown', listing_ids: ['L-TB1', 'L-JD1', 'L-NONE'], deadline: '2023-10-10', note: 'x' });
    expect(wrongPlatform.status).toBe(400);
    expect(wrongPlatform.json.error.message).toContain('L-JD1');
    expect(wrongPlatform.json.error.message).toContain('L-NONE');
    expect(wrongPlatform.json.error.message).not.toContain('L-TB1');
    expect((await call('gd', 'POST', '/api/directives', { platform: '淘宝', kind: 'takedown', deadline: '2023-10-10', note: 'x' })).status).toBe(400);
  });

  it('isolates operators on every route: another platform\'s directive answers 404', async () => {
    expect(ids((await call('tb', 'GET', '/api/directives')).json as never)).toEqual([tbTakedown]);
    expect(ids((await call('jd', 'GET', '/api/directives')).json as never)).toEqual([jdPrompt]);
    expect((await call('tb', 'GET', '/api/directives?platform=京东')).json.total).toBe(0);
    expect((await call('tb', 'GET', `/api/directives/${jdPrompt}`)).status).toBe(404);
    expect((await call('jd', 'GET', `/api/directives/${tbTakedown}`)).status).toBe(404);
    expect((await call('tb', 'GET', `/api/directives/${tbTakedown}`)).status).toBe(200);
    expect((await call('jd', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB1', action: 'removed' }] })).status).toBe(404);
    expect((await call('tb', 'POST', `/api/directives/${jdPrompt}/responses`, { actions: [{ action: 'warned' }] })).status).toBe(404);
    // Senders see by region: the ministry all, a province what it sent, another province nothing.
    expect(ids((await call('mo', 'GET', '/api/directives')).json as never)).toEqual([jdPrompt, tbTakedown].sort());
    expect(ids((await call('gd', 'GET', '/api/directives')).json as never)).toEqual([tbTakedown]);
    expect((await call('js', 'GET', '/api/directives')).json.total).toBe(0);
    expect((await call('js', 'GET', `/api/directives/${tbTakedown}`)).status).toBe(404);
    // A sender may read but not answer.
    expect((await call('gd', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB1', action: 'removed' }] })).status).toBe(403);
    expect((await call('gz', 'GET', '/api/directives')).status).toBe(403);
  });

  it('validates responses: unknown listings named, kept needs a reason; kept goes back to the sender', async () => {
    const unknown = await call('tb', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB1', action: 'removed' }, { listing_id: 'L-JD1', action: 'removed' }, { listing_id: 'L-X', action: 'warned' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain('L-JD1');
    expect(unknown.json.error.message).toContain('L-X');
    const noReason = await call('tb', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB2', action: 'kept' }] });
    expect(noReason.status).toBe(400);
    expect((await call('tb', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB2', action: 'kept', note: '  ' }] })).status).toBe(400);
    // Nothing of the rejected answers was stored.
    let d = (await call('tb', 'GET', `/api/directives/${tbTakedown}`)).json;
    expect([d.state, d.responses.length, d.listings_pending]).toEqual(['sent', 0, 2]);

    const first = await call('tb', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB1', action: 'removed', note: '已下架' }] });
    expect([first.status, first.json.state, first.json.listings_pending]).toEqual([200, 'partly_answered', 1]);
    d = (await call('tb', 'POST', `/api/directives/${tbTakedown}/responses`, { actions: [{ listing_id: 'L-TB2', action: 'kept', note: '已取得培训资质，宣传内容已核实' }] })).json;
    expect([d.state, d.needs_decision, d.overdue]).toEqual(['answered', 1, false]);
    expect(d.listings.find((l: { listing_id: string }) => l.listing_id === 'L-TB2').state).toBe('needs_decision');
    expect(d.responses.map((r: { action: string }) => r.action)).toEqual(['removed', 'kept']);
    const back = (await call('gd', 'GET', '/api/directives?needs_decision=true')).json;
    expect(ids(back as never)).toEqual([tbTakedown]);
    expect((await call('mo', 'GET', '/api/directives?needs_decision=true')).json.total).toBe(1);
  });

  it('creates one directive per platform from PL-LISTING clues', async () => {
    const clues = ['L-TB1', 'L-JD1', 'L-TB2'].map((id) => clueId('screening', 'PL-LISTING', 'listing', id));
    const r = await call('gd', 'POST', '/api/directives', { from_clues: clues, deadline: '2023-10-12', note: '批量下架' });
    expect(r.status).toBe(201);
    const items = r.json.items as { platform: string; kind: string; listings: { listing_id: string; clue_id: string }[] }[];
    expect(items.map((d) => d.platform).sort()).toEqual(['京东', '淘宝']);
    const tb = items.find((d) => d.platform === '淘宝')!;
    expect(tb.kind).toBe('takedown');
    expect(tb.listings.map((l) => [l.listing_id, l.clue_id])).toEqual([['L-TB1', clues[0]], ['L-TB2', clues[2]]]);
    expect(items.find((d) => d.platform === '京东')!.listings.map((l) => l.listing_id)).toEqual(['L-JD1']);
    const bad = await call('gd', 'POST', '/api/directives', { from_clues: [clues[0], 'CL-NOPE'], deadline: '2023-10-12', note: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('CL-NOPE');
    expect((await call('tb', 'POST', '/api/directives', { from_clues: clues, deadline: '2023-10-12', note: 'x' })).status).toBe(403);
  });

  it('turns unanswered directives overdue when the clock passes the deadline', async () => {
    expect((await call('jd', 'GET', '/api/directives?overdue=true')).json.total).toBe(0);
    setClock('2023-10-21T09:00:00+08:00');
    // Computed before the scheduled check has run …
    let jd = (await call('jd', 'GET', `/api/directives/${jdPrompt}`)).json;
    expect([jd.state, jd.overdue]).toEqual(['sent', true]);
    const marked = await runDirectiveDeadlines(s.db);
    expect(marked).toContain(jdPrompt);
    expect(marked).not.toContain(tbTakedown); // fully answered before its deadline
    jd = (await call('jd', 'GET', `/api/directives/${jdPrompt}`)).json;
    expect([jd.state, jd.overdue]).toEqual(['overdue', true]);
    const overdue = (await call('mo', 'GET', '/api/directives?overdue=true')).json;
    expect(overdue.items.map((d: { directive_id: string }) => d.directive_id)).toContain(jdPrompt);
    expect(overdue.items.map((d: { directive_id: string }) => d.directive_id)).not.toContain(tbTakedown);
    expect((await call('mo', 'GET', '/api/directives?state=overdue')).json.total).toBe(marked.length);
    expect(await runDirectiveDeadlines(s.db)).toEqual([]);
    // A late answer to a prompt without listings closes it.
    const late = await call('jd', 'POST', `/api/directives/${jdPrompt}/responses`, { actions: [{ action: 'warned', note: '已向商家发出警示' }] });
    expect([late.status, late.json.state, late.json.overdue]).toEqual([200, 'answered', false]);
  });

  it('documents every directive route in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/api/directives']!).sort()).toEqual(['get', 'post']);
    expect(doc.paths['/api/directives']!.post!.requestBody).toBeDefined();
    expect(doc.paths['/api/directives/{directive_id}']!.get!.responses['200']).toBeDefined();
    expect(doc.paths['/api/directives/{directive_id}/responses']!.post!.requestBody).toBeDefined();
  });

  it('writes an audit entry for every step', async () => {
    const entries = (await call('mo', 'GET', `/api/audit?target=directive:${tbTakedown}&page_size=100`)).json.items as { action: string; actor: string }[];
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['directive.send', 'directive.respond']));
    expect(entries.filter((e) => e.action === 'directive.respond')).toHaveLength(2);
    const jd = (await call('mo', 'GET', `/api/audit?target=directive:${jdPrompt}&page_size=100`)).json.items as { action: string; actor: string }[];
    expect(jd.map((e) => e.action)).toEqual(expect.arrayContaining(['directive.send', 'directive.overdue', 'directive.respond']));
    expect(jd.find((e) => e.action === 'directive.overdue')!.actor).toBe('system');
  });
});
