/**
 * The case ladder on both engines, through the services the API and CLI share: intake →
 * merge → investigate → confirm → rectification → deadline passes (clock) → overdue →
 * escalation proposed → approved by a second person → catalog entry ended; four eyes,
 * optimistic locking, illegal transitions, jurisdiction (404), role checks (403), the recovery
 * ledger, effects that survive a re-import, the audit chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { verifyAudit } from '../audit/index.ts';
import { setClock } from '../clock.ts';
import { ingestComplaints } from '../clues/intake.ts';
import { upsertScreeningClues, startRun, clueId } from '../clues/repository.ts';
import { CATALOG_RULES } from '../screening/rules/training/catalog.ts';
import { insert, run as runRule } from '../screening/kit/testkit.ts';
import { institutionProfile } from '../records/institution.ts';
import { ENGINES, freshStore, type TestStore } from '../store/testing.ts';
import { runDeadlines } from './deadlines.ts';
import { reapplyEffects } from './effects.ts';
import { decideApproval, proposeMeasure } from './measures.ts';
import { caseDetail, clueDetail, listCasesFor, listCluesFor } from './queries.ts';
import { decideClue, recordRecovery, setMajor, transitionCase, verifyRectification } from './service.ts';

const actor = (username: string, role: Actor['role'], region_code: string): Actor => ({ username, role, region_code, platform: null });
const inspector = actor('gz-inspector', 'city_inspector', '4401');
const szInspector = actor('sz-inspector', 'city_inspector', '4403');
const admin1 = actor('gd-admin1', 'province_admin', '44');
const admin2 = actor('gd-admin2', 'province_admin', '44');
const ministry = actor('mohrss', 'ministry_analyst', '00');
const market = actor('gz-market', 'market_officer', '4401');

const clue = (rule: string, type: 'class' | 'claim' | 'certificate', id: string, institution_id: string, region_code: string) => ({
  rule,
  subject: { type, id },
  severity: 'high' as const,
  score: 0.9,
  region_code,
  institution_id,
  summary: `${rule} ${id}`,
  evidence: { n: 1 },
  related: [],
});

async function expectStatus(p: Promise<unknown>, status: number): Promise<void> {
  await expect(p).rejects.toMatchObject({ status });
}

describe.each(ENGINES)('case ladder on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    setClock('2023-10-01T09:00:00+08:00');
    s = await freshStore(engine);
    await insert(s.db, 'institutions', [
      { institution_id: 'I1', name: '广州市华信职业培训学校', uscc: '91440101MA5AAAAA1X', kind: 'training', region_code: '440106', subsidy_catalog_from: '2023-01-01' },
      { institution_id: 'I2', name: '广州天河明德技能评价中心有限公司', uscc: '91440101MA5BBBBB2X', kind: 'evaluation', region_code: '440106', eval_registered_on: '2022-01-01' },
      { institution_id: 'I3', name: '深圳市南山培训学校', uscc: '91440300MA5CCCCC3X', kind: 'training', region_code: '440305' },
      { institution_id: 'I4', name: '深圳市华信职业培训学校', uscc: '91440300MA5DDDDD4X', kind: 'training', region_code: '440305' },
    ]);
    await insert(s.db, 'certificates', [
      { certificate_no: 'Z001', id_number: '110101199003071234', occupation_code: '6-29-03-01', level: 4, institution_id: 'I2', issued_on: '2023-05-01', status: 'valid' },
      { certificate_no: 'Z002', id_number: '110101199003071250', occupation_code: '6-29-03-01', level: 4, institution_id: 'I2', issued_on: '2023-05-01', status: 'valid' },
    ]);
    await insert(s.db, 'complaints', [
      { complaint_id: 'TS1', received_on: '2023-09-01', channel: 'hotline', subject_name: '廣州市 華信職業培訓學校', region_code: '440106', text: '虚假培训' },
      { complaint_id: 'TS2', received_on: '2023-09-02', channel: 'media', subject_name: '华信职业培训学校', region_code: '440106', text: '媒体报道' },
      { complaint_id: 'TS3', received_on: '2023-09-03', channel: 'online', subject_name: '', region_code: '440106', text: '举报天河明德技能评价中心无考发证' },
    ]);
    const run = await startRun(s.db);
    await upsertScreeningClues(s.db, run, ['TR-HOURS', 'TR-PAYEE', 'EV-NO-EXAM'], [
      clue('TR-HOURS', 'class', 'C1', 'I1', '440106'),
      clue('TR-PAYEE', 'claim', 'K1', 'I1', '440106'),
      clue('TR-HOURS', 'class', 'C9', 'I3', '440305'),
      clue('EV-NO-EXAM', 'certificate', 'Z001', 'I2', '440106'),
    ]);
  });
  afterAll(async () => {
    setClock(null);
    await s?.drop();
  });

  it('complaints become clues once, linked by normalised name; ambiguous names list candidates', async () => {
    expect(await ingestComplaints(s.db)).toBe(3);
    expect(await ingestComplaints(s.db)).toBe(0);
    const ts1 = await clueDetail(s.db, inspector, clueId('complaint', null, 'complaint', 'TS1'));
    expect(ts1).toMatchObject({ source: 'complaint', channel: 'hotline', complaint_id: 'TS1', institution_id: 'I1', link_candidates: [] });
    const ts2 = await clueDetail(s.db, inspector, clueId('media', null, 'complaint', 'TS2'));
    expect(ts2.institution_id).toBeNull();
    expect(ts2.link_candidates).toEqual(['I1', 'I4']);
    const ts3 = await clueDetail(s.db, inspector, clueId('complaint', null, 'complaint', 'TS3'));
    expect(ts3.institution_id).toBe('I2');
  });

  it('lists filter by jurisdiction in SQL; other regions answer 404; roles without clue access 403', async () => {
    const gz = await listCluesFor(s.db, inspector, {});
    expect(gz.items.every((c) => String(c.region_code).startsWith('4401'))).toBe(true);
    expect(gz.total).toBe(6);
    const sz = await listCluesFor(s.db, szInspector, {});
    expect(sz.items.map((c) => c.subject.id)).toEqual(['C9']);
    await expectStatus(clueDetail(s.db, szInspector, clueId('screening', 'TR-HOURS', 'class', 'C1')), 404);
    expect((await listCluesFor(s.db, ministry, { rule: 'TR-*' })).total).toBe(3);
    expect((await listCluesFor(s.db, market, {})).total).toBe(0);
    await expectStatus(listCluesFor(s.db, actor('tb', 'platform_operator', '00'), {}), 403);
  });

  let caseId = '';
  it('merging opens one case per institution and joins it afterwards', async () => {
    const c1 = clueId('screening', 'TR-HOURS', 'class', 'C1');
    const r1 = await decideClue(s.db, inspector, c1, { action: 'merge', version: 1 });
    caseId = r1.case_id!;
    expect(caseId).toMatch(/^AJ/);
    const r2 = await decideClue(s.db, inspector, clueId('screening', 'TR-PAYEE', 'claim', 'K1'), { action: 'merge', version: 1 });
    expect(r2.case_id).toBe(caseId);
    await expectStatus(decideClue(s.db, inspector, c1, { action: 'dismiss', reason: 'x', version: 2 }), 409);
    await expectStatus(decideClue(s.db, inspector, clueId('complaint', null, 'complaint', 'TS1'), { action: 'dismiss', version: 1 }), 400);
    await expectStatus(decideClue(s.db, ministry, clueId('complaint', null, 'complaint', 'TS1'), { action: 'triage', version: 1 }), 403);
    const d = await caseDetail(s.db, inspector, caseId);
    expect(d.clues).toHaveLength(2);
    expect(d.state).toBe('open');
    await expectStatus(caseDetail(s.db, szInspector, caseId), 404);
  });

  it('guards transitions and versions', async () => {
    let k = await caseDetail(s.db, inspector, caseId);
    await expectStatus(transitionCase(s.db, inspector, caseId, { to: 'confirmed', version: k.version }), 409);
    await transitionCase(s.db, inspector, caseId, { to: 'investigating', version: k.version });
    await expectStatus(transitionCase(s.db, inspector, caseId, { to: 'confirmed', version: k.version }), 409); // stale
    k = await caseDetail(s.db, inspector, caseId);
    await transitionCase(s.db, inspector, caseId, { to: 'confirmed', note: '查实', version: k.version });
    k = await caseDetail(s.db, inspector, caseId);
    await setMajor(s.db, inspector, caseId, { major: true, reason: '涉案金额大', version: k.version });
    expect((await listCasesFor(s.db, ministry, { major: true })).items.map((c) => c.case_id)).toEqual([caseId]);
  });

  it('rectification → deadline passes → overdue → escalation proposed → second person approves → catalog entry ended', async () => {
    let k = await caseDetail(s.db, inspector, caseId);
    await expectStatus(proposeMeasure(s.db, inspector, caseId, { type: 'rectification', version: k.version, decided_on: '2023-10-01', deadline: '2023-09-01' }), 400);
    await proposeMeasure(s.db, inspector, caseId, { type: 'rectification', version: k.version, decided_on: '2023-10-01', legal_basis: '《职业技能培训补贴管理办法》', deadline: '2023-10-15' });
    k = await caseDetail(s.db, inspector, caseId);
    expect(k.state).toBe('rectifying');
    expect(k.deadlines[0]).toMatchObject({ deadline: '2023-10-15', days_left: 14, overdue: false });

    setClock('2023-10-15T23:00:00+08:00');
    expect((await runDeadlines(s.db)).overdue).toEqual([]);
    setClock('2023-10-16T08:00:00+08:00');
    const run = await runDeadlines(s.db);
    expect(run.overdue).toEqual([caseId]);
    expect(run.proposed.map((p) => p.type)).toEqual(['remove_institution']);
    expect((await runDeadlines(s.db)).overdue).toEqual([]); // idempotent
    k = await caseDetail(s.db, inspector, caseId);
    expect(k.state).toBe('overdue');
    expect(k.overdue).toBe(true);
    const pending = k.approvals.find((a) => a.type === 'remove_institution')!;
    expect(pending.status).toBe('pending_approval');

    await expectStatus(decideApproval(s.db, inspector, caseId, pending.measure_id, { decision: 'approve', version: k.version }), 403);
    await decideApproval(s.db, admin1, caseId, pending.measure_id, { decision: 'approve', note: '同意', version: k.version });
    const [inst] = await s.db.query<{ subsidy_catalog_to: string }>("SELECT subsidy_catalog_to FROM institutions WHERE institution_id = 'I1'");
    expect(inst!.subsidy_catalog_to).toBe('2023-10-16');
    k = await caseDetail(s.db, inspector, caseId);
    expect(k.state).toBe('escalated');
    // The profile shows the effective status beside the export's own value (catalog_to is the
    // decision date, inclusive: out of the catalog from the next day) …
    setClock('2023-10-17T08:00:00+08:00');
    const profile = await institutionProfile(s.db, inspector, 'I1');
    expect(profile.catalog).toMatchObject({ effective: false, as_exported: true, subsidy_catalog_to: '2023-10-16', subsidy_catalog_to_exported: null });
    // … and screening sees it: a class subsidised after the removal is out of the catalog.
    await insert(s.db, 'projects', [{ project_id: 'P1', name: '电工', standard_hours: 40, subsidy_per_person: 1000, catalog_from: '2023-01-01' }]);
    await insert(s.db, 'classes', [{ class_id: 'CL-AFTER', institution_id: 'I1', project_id: 'P1', mode: 'offline', start_date: '2023-11-01', end_date: '2023-11-10', planned_hours: 40 }]);
    await insert(s.db, 'claims', [{ claim_id: 'CLM1', institution_id: 'I1', class_id: 'CL-AFTER', submitted_on: '2023-11-11', amount: 1000, status: 'submitted' }]);
    const catalogRule = CATALOG_RULES.find((r) => r.id === 'TR-CATALOG')!;
    const findings = await runRule(s.db, catalogRule);
    expect(findings.map((f) => f.subject.id)).toContain('CL-AFTER');
  });

  it('recovery ledger in fen', async () => {
    let k = await caseDetail(s.db, inspector, caseId);
    await expectStatus(recordRecovery(s.db, inspector, caseId, { amount_fen: 100, received_on: '2023-10-17', version: k.version }), 409);
    await proposeMeasure(s.db, inspector, caseId, { type: 'recover_subsidy', version: k.version, decided_on: '2023-10-16', amount_fen: 100_000 });
    k = await caseDetail(s.db, inspector, caseId);
    const l = await recordRecovery(s.db, inspector, caseId, { amount_fen: 40_000, received_on: '2023-10-20', version: k.version });
    expect(l).toMatchObject({ due_fen: 100_000, recovered_fen: 40_000, outstanding_fen: 60_000 });
    k = await caseDetail(s.db, inspector, caseId);
    await expectStatus(recordRecovery(s.db, inspector, caseId, { amount_fen: 60_001, received_on: '2023-10-21', version: k.version }), 400);
  });

  it('closing needs a province admin other than the proposer; then the institution can have a new case', async () => {
    let k = await caseDetail(s.db, admin1, caseId);
    await transitionCase(s.db, admin1, caseId, { to: 'closed', note: '处理完毕', version: k.version });
    k = await caseDetail(s.db, admin1, caseId);
    expect(k.state).toBe('escalated');
    const close = k.approvals.find((a) => a.type === 'close_case' && a.status === 'pending_approval')!;
    await expectStatus(decideApproval(s.db, admin1, caseId, close.measure_id, { decision: 'approve', version: k.version }), 403);
    await decideApproval(s.db, admin2, caseId, close.measure_id, { decision: 'approve', version: k.version });
    k = await caseDetail(s.db, admin1, caseId);
    expect(k.state).toBe('closed');
    const again = await decideClue(s.db, inspector, clueId('complaint', null, 'complaint', 'TS1'), { action: 'merge', version: 1 });
    expect(again.case_id).not.toBe(caseId);
  });

  it('voiding certificates: four eyes, effect visible at once, survives a re-import', async () => {
    const r = await decideClue(s.db, inspector, clueId('screening', 'EV-NO-EXAM', 'certificate', 'Z001'), { action: 'merge', version: 1 });
    const id = r.case_id!;
    let k = await caseDetail(s.db, admin1, id);
    await transitionCase(s.db, admin1, id, { to: 'investigating', version: k.version });
    await transitionCase(s.db, admin1, id, { to: 'confirmed', version: k.version + 1 });
    k = await caseDetail(s.db, admin1, id);
    await expectStatus(proposeMeasure(s.db, admin1, id, { type: 'void_certificates', version: k.version, decided_on: '2023-10-16', certificate_nos: ['Z001', 'NOPE'] }), 400);
    await expectStatus(proposeMeasure(s.db, admin1, id, { type: 'remove_institution', version: k.version, decided_on: '2023-10-16' }), 400);
    const m = await proposeMeasure(s.db, admin1, id, { type: 'void_certificates', version: k.version, decided_on: '2023-10-16', certificate_nos: ['Z001'] });
    expect(m.status).toBe('pending_approval');
    const status = async () => (await s.db.query<{ status: string }>("SELECT status FROM certificates WHERE certificate_no = 'Z001'"))[0]!.status;
    expect(await status()).toBe('valid');
    k = await caseDetail(s.db, admin1, id);
    await expectStatus(decideApproval(s.db, admin1, id, m.measure_id, { decision: 'approve', version: k.version }), 403);
    await decideApproval(s.db, admin2, id, m.measure_id, { decision: 'approve', version: k.version });
    expect(await status()).toBe('void');
    // A later export that still says `valid` (simulated) does not undo the measure.
    await s.db.exec("UPDATE certificates SET status = 'valid' WHERE certificate_no = 'Z001'");
    expect(await reapplyEffects(s.db)).toBe(1);
    expect(await status()).toBe('void');
    const [eff] = await s.db.query<{ exported_value: string; effective_value: string }>("SELECT exported_value, effective_value FROM measure_effects WHERE entity_key = 'Z001'");
    expect(eff).toEqual({ exported_value: 'valid', effective_value: 'void' });
    const [entry] = await s.db.query<{ actor: string; before_json: string; after_json: string }>(
      "SELECT actor, before_json, after_json FROM audit_log WHERE action = 'certificates.status' AND target_id = 'Z001'",
    );
    expect(entry).toMatchObject({ actor: 'gd-admin2', before_json: '{"status":"valid"}' });
    expect(JSON.parse(entry!.after_json)).toMatchObject({ status: 'void' });
  });

  it('every change is in an intact audit chain', async () => {
    const v = await verifyAudit(s.db);
    expect(v.ok).toBe(true);
    expect(v.entries).toBeGreaterThan(20);
  });
});
