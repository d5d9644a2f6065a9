/**
 * Read models of clues and cases for the API and the console: lists filtered by jurisdiction
 * inside the SQL, and the detail views API.md names. Timestamps are ISO 8601 with +08:00.
 */
import type { Actor } from '../auth/actor.ts';
import { addDays, localDate, localTimestamp, storedToIso } from '../clock.ts';
import { httpErr } from '../errors.ts';
import { caseScopeSql, clueScopeSql } from '../policies/cases.ts';
import { regionPrefixSql } from '../policies/jurisdiction.ts';
import { assertCan } from '../policies/permissions.ts';
import type { Db } from '../store/db.ts';
import { ledgerOf, loadCase, loadClue } from './service.ts';
import { toMeasure } from './measures.ts';
import { MEASURES, type MeasureType } from './model.ts';

/** A clue still `new` this many days after it was created is overdue (WORKFLOW.md). */
export const CLUE_OVERDUE_DAYS = 15;

export interface ClueListQuery {
  state?: string;
  source?: string;
  rule?: string;
  institution_id?: string;
  region_code?: string;
  overdue?: boolean;
  page?: number;
  page_size?: number;
}

function overdueCutoff(): string {
  return `${addDays(localDate(), -CLUE_OVERDUE_DAYS)} ${localTimestamp().slice(11)}`;
}

function clueItem(r: Record<string, unknown>, cutoff: string) {
  const created = String(r.created_at ?? '');
  return {
    clue_id: r.clue_id,
    source: r.source,
    channel: r.channel ?? null,
    complaint_id: r.complaint_id ?? null,
    rule: r.rule ?? null,
    subject: { type: r.subject_type ?? null, id: r.subject_id ?? null },
    severity: r.severity ?? null,
    score: r.score == null ? null : Number(r.score),
    region_code: r.region_code ?? null,
    institution_id: r.institution_id ?? null,
    state: r.state,
    summary: r.summary ?? null,
    created_at: storedToIso(created),
    overdue: r.state === 'new' && created.slice(0, 19) < cutoff,
    case_id: r.case_id ?? null,
    active: r.active == null ? true : Boolean(r.active),
  };
}

/** GET /api/clues. */
export async function listCluesFor(db: Db, actor: Actor, q: ClueListQuery) {
  assertCan(actor, 'clue.read');
  const params: unknown[] = [];
  const where = [clueScopeSql(actor, params, 'c')];
  const eq = (col: string, v: unknown) => {
    params.push(v);
    where.push(`c.${col} = $${params.length}`);
  };
  if (q.state) eq('state', q.state);
  if (q.source) eq('source', q.source);
  if (q.rule) {
    if (q.rule.endsWith('*')) {
      params.push(`${q.rule.slice(0, -1)}%`);
      where.push(`c.rule LIKE $${params.length}`);
    } else eq('rule', q.rule);
  }
  if (q.institution_id) eq('institution_id', q.institution_id);
  if (q.region_code) where.push(regionPrefixSql('c.region_code', q.region_code, params));
  const cutoff = overdueCutoff();
  if (q.overdue) {
    params.push(cutoff);
    where.push(`c.state = 'new' AND c.created_at < CAST($${params.length} AS TIMESTAMP)`);
  }
  const size = Math.min(q.page_size ?? 50, 500);
  const offset = ((q.page ?? 1) - 1) * size;
  const w = where.join(' AND ');
  const [t] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM clues c WHERE ${w}`, params);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT c.clue_id, c.source, c.channel, c.complaint_id, c.rule, c.subject_type, c.subject_id, c.severity, c.score, c.region_code, c.institution_id,
       c.state, c.summary, CAST(c.created_at AS VARCHAR) AS created_at, c.case_id, c.active
     FROM clues c WHERE ${w} ORDER BY c.created_at DESC, c.clue_id LIMIT ${size} OFFSET ${offset}`,
    params,
  );
  return { items: rows.map((r) => clueItem(r, cutoff)), total: Number(t?.n ?? 0) };
}

/** GET /api/clues/{id}: the clue with evidence, related, version, link candidates and decisions. */
export async function clueDetail(db: Db, actor: Actor, clueId: string) {
  assertCan(actor, 'clue.read');
  const c = (await loadClue(db, actor, clueId)) as unknown as Record<string, unknown>;
  const decisions = await db.query<Record<string, unknown>>(
    `SELECT decision_id, action, reason, case_id, from_state, to_state, actor, CAST(decided_at AS VARCHAR) AS decided_at, version FROM clue_decisions WHERE clue_id = $1 ORDER BY decided_at, decision_id`,
    [clueId],
  );
  const base = clueItem({ ...c, created_at: String(c.created_at ?? '') }, overdueCutoff());
  return {
    ...base,
    evidence: c.evidence ?? null,
    related: c.related ?? [],
    version: Number(c.version ?? 1),
    link_candidates: c.link_candidates ? (JSON.parse(String(c.link_candidates)) as string[]) : [],
    received_on: c.received_on ?? null,
    subject_name: c.subject_name ?? null,
    updated_at: storedToIso(String(c.updated_at ?? '')),
    decisions: decisions.map((d) => ({ ...d, decided_at: storedToIso(String(d.decided_at)), version: Number(d.version) })),
  };
}

export interface CaseListQuery {
  state?: string;
  institution_id?: string;
  region_code?: string;
  overdue?: boolean;
  major?: boolean;
  page?: number;
  page_size?: number;
}

function isOverdue(r: { state: unknown; deadline: unknown; rectification_verified_on: unknown }, today: string): boolean {
  if (r.state === 'overdue') return true;
  return r.state === 'rectifying' && r.deadline != null && String(r.deadline) < today && r.rectification_verified_on == null;
}

function caseItem(r: Record<string, unknown>, today: string) {
  return {
    case_id: r.case_id,
    subject: { type: r.subject_type, id: r.subject_id },
    institution_id: r.institution_id ?? null,
    institution_name: r.institution_name ?? null,
    region_code: r.region_code ?? null,
    state: r.state,
    major: Boolean(r.major),
    opened_at: storedToIso(String(r.opened_at ?? '')),
    deadline: r.deadline == null ? null : String(r.deadline).slice(0, 10),
    overdue: isOverdue(r as { state: unknown; deadline: unknown; rectification_verified_on: unknown }, today),
    version: Number(r.version),
  };
}

/** GET /api/cases. */
export async function listCasesFor(db: Db, actor: Actor, q: CaseListQuery) {
  assertCan(actor, 'case.read');
  const params: unknown[] = [];
  const where = [caseScopeSql(actor, params, 'k')];
  const eq = (col: string, v: unknown) => {
    params.push(v);
    where.push(`k.${col} = $${params.length}`);
  };
  if (q.state) eq('state', q.state);
  if (q.institution_id) eq('institution_id', q.institution_id);
  if (q.region_code) where.push(regionPrefixSql('k.region_code', q.region_code, params));
  const today = localDate();
  if (q.overdue) {
    params.push(today);
    where.push(`(k.state = 'overdue' OR (k.state = 'rectifying' AND k.deadline < CAST($${params.length} AS DATE) AND k.rectification_verified_on IS NULL))`);
  }
  if (q.major) where.push('k.major');
  const size = Math.min(q.page_size ?? 50, 500);
  const offset = ((q.page ?? 1) - 1) * size;
  const w = where.join(' AND ');
  const [t] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM cases k WHERE ${w}`, params);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT k.case_id, k.subject_type, k.subject_id, k.institution_id, i.name AS institution_name, k.region_code, k.state, k.major,
       CAST(k.opened_at AS VARCHAR) AS opened_at, CAST(k.deadline AS VARCHAR) AS deadline, CAST(k.rectification_verified_on AS VARCHAR) AS rectification_verified_on, k.version
     FROM cases k LEFT JOIN (SELECT institution_id, min(name) AS name FROM institutions GROUP BY institution_id) i ON i.institution_id = k.institution_id
     WHERE ${w} ORDER BY k.opened_at DESC, k.case_id LIMIT ${size} OFFSET ${offset}`,
    params,
  );
  return { items: rows.map((r) => caseItem(r, today)), total: Number(t?.n ?? 0) };
}

/** GET /api/cases/{id}. */
export async function caseDetail(db: Db, actor: Actor, caseId: string) {
  assertCan(actor, 'case.read');
  const k = await loadCase(db, actor, caseId);
  const today = localDate();
  const [clues, measures, events, transfers, ledger, inst] = await Promise.all([
    db.query<Record<string, unknown>>(
      `SELECT clue_id, source, rule, subject_type, subject_id, severity, summary, state, region_code FROM clues WHERE case_id = $1 ORDER BY created_at, clue_id`,
      [caseId],
    ),
    db.query<Record<string, unknown>>(
      `SELECT measure_id, case_id, type, status, CAST(decided_on AS VARCHAR) AS decided_on, legal_basis, note, params, proposed_by, CAST(proposed_at AS VARCHAR) AS proposed_at,
         approved_by, CAST(approved_at AS VARCHAR) AS approved_at, approval_note, CAST(effective_at AS VARCHAR) AS effective_at FROM measures WHERE case_id = $1 ORDER BY proposed_at, measure_id`,
      [caseId],
    ),
    db.query<Record<string, unknown>>(
      `SELECT event_id, CAST(event_at AS VARCHAR) AS at, actor, kind, from_state, to_state, note, data FROM case_events WHERE case_id = $1 ORDER BY event_at, event_id`,
      [caseId],
    ),
    db.query<Record<string, unknown>>(
      `SELECT measure_id, kind, receiving_body, CAST(received_on AS VARCHAR) AS received_on, feedback, feedback_by, CAST(feedback_at AS VARCHAR) AS feedback_at FROM transfers WHERE case_id = $1 ORDER BY measure_id`,
      [caseId],
    ),
    ledgerOf(db, caseId),
    k.institution_id ? db.query<{ name: string }>('SELECT name FROM institutions WHERE institution_id = $1 LIMIT 1', [k.institution_id]) : Promise.resolve([]),
  ]);
  const ms = measures.map((m) => {
    const x = toMeasure(m);
    return { ...x, type_zh: MEASURES[x.type as MeasureType]?.zh ?? x.type, proposed_at: storedToIso(x.proposed_at), approved_at: storedToIso(x.approved_at), effective_at: storedToIso(x.effective_at) };
  });
  const deadlineDaysLeft = k.deadline ? Math.round((Date.parse(`${String(k.deadline).slice(0, 10)}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000) : null;
  return {
    ...caseItem({ ...k, opened_at: k.opened_at } as unknown as Record<string, unknown>, today),
    institution_name: inst[0]?.name ?? null,
    topic: k.topic,
    major_reason: k.major_reason,
    closed_at: storedToIso(k.closed_at),
    clues: clues.map((c) => ({ ...c, subject: { type: c.subject_type, id: c.subject_id } })),
    measures: ms,
    approvals: ms
      .filter((m) => MEASURES[m.type as MeasureType]?.fourEyes)
      .map((m) => ({ measure_id: m.measure_id, type: m.type, type_zh: m.type_zh, status: m.status, proposed_by: m.proposed_by, proposed_at: m.proposed_at, approved_by: m.approved_by, approved_at: m.approved_at, note: m.approval_note })),
    deadlines: k.deadline
      ? [{ kind: 'rectification', deadline: String(k.deadline).slice(0, 10), verified_on: k.rectification_verified_on ? String(k.rectification_verified_on).slice(0, 10) : null, days_left: deadlineDaysLeft, overdue: isOverdue(k, today) }]
      : [],
    ledger,
    transfers,
    timeline: events.map((e) => ({ ...e, at: storedToIso(String(e.at)), data: e.data ? JSON.parse(String(e.data)) : null })),
  };
}

/** 400 for a malformed `overdue`/`major` flag is the route's job; this keeps the helper honest. */
export function assertPage(page?: number, size?: number): void {
  if (page !== undefined && (!Number.isInteger(page) || page < 1)) throw httpErr(400, 'invalid', '字段 page：须为正整数');
  if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 500)) throw httpErr(400, 'invalid', '字段 page_size：须在 1–500 之间');
}
