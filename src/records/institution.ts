/**
 * 一机构一档 — the institution profile (GET /api/institutions/{id}): the institution with its
 * effective catalog and registration status beside the export's own values, scopes, projects,
 * classes, claims and payments totals, exams, certificates by status, clues, cases and measures.
 * Jurisdiction: the institution's region; outside it the profile answers 404.
 */
import type { Actor } from '../auth/actor.ts';
import { localDate } from '../clock.ts';
import { notFound } from '../errors.ts';
import { assertCan } from '../policies/permissions.ts';
import { caseScopeSql, clueScopeSql } from '../policies/cases.ts';
import { inJurisdiction } from '../policies/jurisdiction.ts';
import type { Db, Row } from '../store/db.ts';
import { effectsOf } from '../cases/effects.ts';

const LIMIT = 200;

const inRange = (from: unknown, to: unknown, day: string) => from != null && String(from) <= day && (to == null || String(to) >= day);

/** The profile, or 404 when absent or outside the actor's region. */
export async function institutionProfile(db: Db, actor: Actor, institutionId: string) {
  assertCan(actor, 'record.institution.read');
  const [inst] = await db.query<Row>('SELECT * FROM institutions WHERE institution_id = $1 LIMIT 1', [institutionId]);
  if (!inst || !inJurisdiction(actor, inst.region_code as string | null)) throw notFound('机构');
  delete inst.src_file;
  delete inst.src_line;
  const today = localDate();
  const effects = await effectsOf(db, 'institutions', institutionId);
  const exported = (col: string) => {
    const e = effects.find((x) => x.column === col);
    return e ? e.exported_value : (inst[col] as string | null) ?? null;
  };
  const catalog = {
    effective: inRange(inst.subsidy_catalog_from, inst.subsidy_catalog_to, today),
    as_exported: inRange(inst.subsidy_catalog_from, exported('subsidy_catalog_to'), today),
    subsidy_catalog_from: inst.subsidy_catalog_from ?? null,
    subsidy_catalog_to: inst.subsidy_catalog_to ?? null,
    subsidy_catalog_to_exported: exported('subsidy_catalog_to'),
  };
  const registered = (term: unknown) => inst.eval_registered_on != null && String(inst.eval_registered_on) <= today && (term == null || String(term) > today);
  const registration = {
    effective: registered(inst.eval_terminated_on),
    as_exported: registered(exported('eval_terminated_on')),
    eval_registration_no: inst.eval_registration_no ?? null,
    eval_registered_on: inst.eval_registered_on ?? null,
    eval_terminated_on: inst.eval_terminated_on ?? null,
    eval_terminated_on_exported: exported('eval_terminated_on'),
  };
  const p = [institutionId];
  const [scopes, projects, classes, claimTotals, payTotals, exams, certs, staff] = await Promise.all([
    db.query<Row>('SELECT occupation_code, levels, valid_from, valid_to FROM eval_scopes WHERE institution_id = $1 ORDER BY occupation_code', p),
    db.query<Row>(
      `SELECT p.project_id, p.name, p.occupation_code, p.level, p.category, p.standard_hours, p.subsidy_per_person, p.catalog_from, p.catalog_to
       FROM projects p WHERE p.project_id IN (SELECT project_id FROM classes WHERE institution_id = $1) ORDER BY p.project_id LIMIT ${LIMIT}`,
      p,
    ),
    db.query<Row>(`SELECT class_id, project_id, mode, start_date, end_date, planned_hours, region_code, delivered_by FROM classes WHERE institution_id = $1 ORDER BY start_date DESC, class_id LIMIT ${LIMIT}`, p),
    db.query<Row>(`SELECT COALESCE(status, 'submitted') AS status, count(*) AS n, COALESCE(sum(amount), 0) AS amount_fen FROM claims WHERE institution_id = $1 GROUP BY COALESCE(status, 'submitted') ORDER BY 1`, p),
    db.query<Row>(`SELECT count(*) AS n, COALESCE(sum(y.amount), 0) AS amount_fen FROM payments y JOIN claims c ON c.claim_id = y.claim_id WHERE c.institution_id = $1`, p),
    db.query<Row>(
      `SELECT e.exam_id, e.occupation_code, e.level, e.starts_at, e.ends_at, e.capacity,
         (SELECT count(*) FROM exam_results r WHERE r.exam_id = e.exam_id) AS candidates,
         (SELECT count(*) FROM exam_results r WHERE r.exam_id = e.exam_id AND r.passed) AS passed
       FROM exams e WHERE e.institution_id = $1 ORDER BY e.starts_at DESC, e.exam_id LIMIT ${LIMIT}`,
      p,
    ),
    db.query<Row>(`SELECT COALESCE(status, 'valid') AS status, count(*) AS n FROM certificates WHERE institution_id = $1 GROUP BY COALESCE(status, 'valid') ORDER BY 1`, p),
    db.query<Row>(`SELECT id_number, role, "from", "to" FROM staff WHERE institution_id = $1 ORDER BY role, id_number LIMIT ${LIMIT}`, p),
  ]);
  const cp: unknown[] = [institutionId];
  const clueScope = clueScopeSql(actor, cp, 'c');
  const clues = await db.query<Row>(
    `SELECT clue_id, source, rule, subject_type, subject_id, severity, state, summary, case_id FROM clues c WHERE c.institution_id = $1 AND ${clueScope} ORDER BY c.created_at DESC, c.clue_id LIMIT ${LIMIT}`,
    cp,
  );
  const kp: unknown[] = [institutionId];
  const cases = await db.query<Row>(
    `SELECT case_id, state, major, CAST(opened_at AS VARCHAR) AS opened_at, CAST(deadline AS VARCHAR) AS deadline, version FROM cases k WHERE k.institution_id = $1 AND ${caseScopeSql(actor, kp, 'k')} ORDER BY k.opened_at DESC`,
    kp,
  );
  const measures = cases.length
    ? await db.query<Row>(
        `SELECT measure_id, case_id, type, status, CAST(decided_on AS VARCHAR) AS decided_on, legal_basis FROM measures WHERE case_id IN (${cases.map((_, i) => `$${i + 1}`).join(', ')}) ORDER BY proposed_at`,
        cases.map((c) => c.case_id),
      )
    : [];
  const [classCount] = await db.query<{ n: number }>('SELECT count(*) AS n FROM classes WHERE institution_id = $1', p);
  return {
    institution: inst,
    catalog,
    registration,
    effects,
    eval_scopes: scopes,
    projects,
    classes: { total: Number(classCount?.n ?? 0), items: classes },
    claims: {
      by_status: claimTotals.map((r) => ({ status: r.status, count: Number(r.n), amount_fen: Number(r.amount_fen) })),
      total_count: claimTotals.reduce((a, r) => a + Number(r.n), 0),
      total_fen: claimTotals.reduce((a, r) => a + Number(r.amount_fen), 0),
    },
    payments: { count: Number(payTotals[0]?.n ?? 0), total_fen: Number(payTotals[0]?.amount_fen ?? 0) },
    exams: exams.map((e) => ({ ...e, candidates: Number(e.candidates), passed: Number(e.passed) })),
    certificates: Object.fromEntries(certs.map((r) => [String(r.status), Number(r.n)])),
    staff,
    clues,
    cases: cases.map((c) => ({ ...c, major: Boolean(c.major), version: Number(c.version) })),
    measures,
  };
}
