/**
 * Cases (WORKFLOW.md "Cases"): clue decisions and merging, the state machine with guarded
 * transitions, optimistic locking by `version`, the major flag, rectification verification,
 * recoveries and transfer feedback. Every change writes its audit entry and a timeline event
 * in the same transaction. Measures and approvals: src/cases/measures.ts.
 */
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/index.ts';
import { localDate, localTimestamp } from '../clock.ts';
import { getClue, type StoredClue } from '../clues/repository.ts';
import { httpErr, invalid, notFound, staleVersion } from '../errors.ts';
import { canSeeCase, canSeeClue } from '../policies/cases.ts';
import { assertCan } from '../policies/permissions.ts';
import type { Db } from '../store/db.ts';
import { CASE_STATE_ZH, CLOSED_STATES, CLOSING_STATES, isCaseState, newId, TRANSITIONS, type CaseState } from './model.ts';

export interface CaseRow {
  case_id: string;
  subject_type: string;
  subject_id: string;
  institution_id: string | null;
  region_code: string | null;
  topic: string | null;
  state: CaseState;
  major: boolean;
  major_reason: string | null;
  deadline: string | null;
  rectification_verified_on: string | null;
  transferred_discipline: boolean;
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  updated_at: string;
  version: number;
}

/** A case row the actor may see, or 404. */
export async function loadCase(db: Db, actor: Actor, caseId: string): Promise<CaseRow> {
  const [k] = await db.query<CaseRow>('SELECT * FROM cases WHERE case_id = $1', [caseId]);
  if (!k || !canSeeCase(actor, k)) throw notFound('案件');
  return { ...k, version: Number(k.version), major: Boolean(k.major), transferred_discipline: Boolean(k.transferred_discipline) };
}

/** A clue the actor may see, or 404. */
export async function loadClue(db: Db, actor: Actor, clueId: string): Promise<StoredClue & { version: number; topic: string | null; case_id: string | null }> {
  const c = (await getClue(db, clueId)) as (StoredClue & { version: number; topic: string | null; case_id: string | null }) | undefined;
  if (!c || !canSeeClue(actor, c)) throw notFound('线索');
  return { ...c, version: Number(c.version ?? 1) };
}

/** Add a timeline event (inside the caller's transaction). */
export async function caseEvent(db: Db, caseId: string, actor: Actor, kind: string, note: string | null, data: unknown = null, from: string | null = null, to: string | null = null): Promise<void> {
  await db.query(
    `INSERT INTO case_events (event_id, case_id, event_at, actor, kind, from_state, to_state, note, data) VALUES ($1, $2, CAST($3 AS TIMESTAMP), $4, $5, $6, $7, $8, $9)`,
    [newId('EV'), caseId, localTimestamp(), actor.username, kind, from, to, note, data == null ? null : JSON.stringify(data)],
  );
}

/**
 * Bump a case's version if it is still `version` (optimistic lock), setting the given columns.
 * Throws 409 when someone changed it meanwhile.
 */
export async function bumpCase(db: Db, caseId: string, version: number, set: Record<string, unknown> = {}): Promise<number> {
  if (!Number.isInteger(version)) throw invalid('version', '必须是整数');
  const cols = Object.keys(set);
  const params: unknown[] = [caseId, version, localTimestamp(), ...cols.map((c) => set[c])];
  const assign = cols.map((c, i) => `${c} = $${i + 4}`).join(', ');
  const rows = await db.query<{ version: number }>(
    `UPDATE cases SET ${assign ? `${assign}, ` : ''}updated_at = CAST($3 AS TIMESTAMP), version = version + 1 WHERE case_id = $1 AND version = $2 RETURNING version`,
    params,
  );
  if (rows.length === 0) throw staleVersion();
  return Number(rows[0]!.version);
}

const subjectKey = (institutionId: string | null, subjectType: string, subjectId: string) => institutionId ?? `${subjectType}:${subjectId}`;

/** Open a case for a clue's institution (or subject), taking the one-open-case key. */
async function openCaseFor(db: Db, actor: Actor, clue: StoredClue & { topic: string | null }): Promise<string> {
  const institutionId = clue.institution_id ?? null;
  let region = clue.region_code ?? null;
  if (institutionId) {
    const [i] = await db.query<{ region_code: string | null }>('SELECT region_code FROM institutions WHERE institution_id = $1', [institutionId]);
    region = i?.region_code ?? region;
  }
  const subjectType = institutionId ? 'institution' : clue.subject_type ?? 'other';
  const subjectId = institutionId ?? clue.subject_id ?? clue.clue_id;
  const caseId = newId('AJ');
  const now = localTimestamp();
  try {
    await db.query('INSERT INTO open_cases (subject_key, case_id) VALUES ($1, $2)', [subjectKey(institutionId, subjectType, subjectId), caseId]);
  } catch {
    throw httpErr(409, 'conflict.open_case_exists', '该机构已有未结案件，请合并到该案件');
  }
  await db.query(
    `INSERT INTO cases (case_id, subject_type, subject_id, institution_id, region_code, topic, state, major, major_reason, deadline, rectification_verified_on,
       transferred_discipline, opened_at, opened_by, closed_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, 'open', FALSE, NULL, NULL, NULL, FALSE, CAST($7 AS TIMESTAMP), $8, NULL, CAST($7 AS TIMESTAMP), 1)`,
    [caseId, subjectType, subjectId, institutionId, region, clue.topic ?? null, now, actor.username],
  );
  await caseEvent(db, caseId, actor, 'opened', `由线索 ${clue.clue_id} 立案`, { clue_id: clue.clue_id }, null, 'open');
  await appendAudit(db, { actor, action: 'case.open', target_type: 'case', target_id: caseId, region_code: region, after: { state: 'open', institution_id: institutionId, subject_type: subjectType, subject_id: subjectId } });
  return caseId;
}

export interface DecisionInput {
  action: 'triage' | 'dismiss' | 'merge';
  reason?: string | null;
  case_id?: string | null;
  version: number;
}

/**
 * Decide a clue (POST /api/clues/{id}/decision): triage (new → triaged), dismiss (reason
 * required), or merge into a case — the given one, else the institution's open case, else a new
 * case. Merged and dismissed clues are final (409).
 */
export async function decideClue(db: Db, actor: Actor, clueId: string, input: DecisionInput): Promise<{ clue_id: string; case_id: string | null }> {
  assertCan(actor, 'clue.decide');
  if (!['triage', 'dismiss', 'merge'].includes(input.action)) throw invalid('action', '须为 triage / dismiss / merge 之一');
  if (!Number.isInteger(input.version)) throw invalid('version', '必须是整数');
  if (input.action === 'dismiss' && !String(input.reason ?? '').trim()) throw invalid('reason', '排除线索必须说明理由');
  return db.transaction(async () => {
    const clue = await loadClue(db, actor, clueId);
    if (clue.version !== input.version) throw staleVersion();
    if (clue.state === 'merged' || clue.state === 'dismissed') throw httpErr(409, 'conflict.clue_decided', `线索已${clue.state === 'merged' ? '并案' : '排除'}，不能再作决定`);
    if (input.action === 'triage' && clue.state !== 'new') throw httpErr(409, 'conflict.illegal_transition', '只有新线索可以分拣');
    let caseId: string | null = null;
    const to = input.action === 'triage' ? 'triaged' : input.action === 'dismiss' ? 'dismissed' : 'merged';
    if (input.action === 'merge') {
      if (input.case_id) {
        const k = await loadCase(db, actor, input.case_id);
        if (CLOSED_STATES.has(k.state)) throw httpErr(409, 'conflict.case_closed', '案件已结案，不能并入线索');
        caseId = k.case_id;
      } else {
        const key = subjectKey(clue.institution_id ?? null, clue.institution_id ? 'institution' : clue.subject_type ?? 'other', clue.institution_id ?? clue.subject_id ?? clue.clue_id);
        const [open] = await db.query<{ case_id: string }>('SELECT case_id FROM open_cases WHERE subject_key = $1', [key]);
        if (open) {
          const k = await loadCase(db, actor, open.case_id).catch(() => null);
          if (!k) throw httpErr(409, 'conflict.open_case_elsewhere', '该机构已有未结案件，但不在您的管辖或权限范围内');
          caseId = k.case_id;
        } else {
          caseId = await openCaseFor(db, actor, clue);
        }
      }
      await caseEvent(db, caseId, actor, 'clue_merged', clue.summary ?? null, { clue_id: clue.clue_id, rule: clue.rule });
      await db.query('UPDATE cases SET updated_at = CAST($2 AS TIMESTAMP) WHERE case_id = $1', [caseId, localTimestamp()]);
    }
    const rows = await db.query<{ version: number }>(
      `UPDATE clues SET state = $3, case_id = COALESCE($4, case_id), version = version + 1, updated_at = CAST($5 AS TIMESTAMP) WHERE clue_id = $1 AND version = $2 RETURNING version`,
      [clueId, input.version, to, caseId, localTimestamp()],
    );
    if (rows.length === 0) throw staleVersion();
    await db.query(
      `INSERT INTO clue_decisions (decision_id, clue_id, action, reason, case_id, from_state, to_state, actor, actor_role, decided_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CAST($10 AS TIMESTAMP), $11)`,
      [newId('JD'), clueId, input.action, input.reason ?? null, caseId, clue.state, to, actor.username, actor.role, localTimestamp(), Number(rows[0]!.version)],
    );
    await appendAudit(db, { actor, action: `clue.${input.action}`, target_type: 'clue', target_id: clueId, region_code: clue.region_code, before: { state: clue.state }, after: { state: to, case_id: caseId, reason: input.reason ?? null } });
    return { clue_id: clueId, case_id: caseId };
  });
}

/** Release the one-open-case key when a case closes (inside the transaction). */
async function releaseOpenKey(db: Db, caseId: string): Promise<void> {
  await db.query('DELETE FROM open_cases WHERE case_id = $1', [caseId]);
}

/**
 * Move a case to `to` (POST /api/cases/{id}/transitions). Only WORKFLOW.md's transitions exist
 * (409 otherwise). Closing needs a province admin's approval: it creates a pending `close_case`
 * approval and the case stays where it is until approved (src/cases/measures.ts).
 */
export async function transitionCase(db: Db, actor: Actor, caseId: string, input: { to: string; note?: string | null; version: number }, opts: { system?: boolean } = {}): Promise<CaseRow> {
  if (!opts.system) assertCan(actor, 'case.transition');
  if (!isCaseState(input.to)) throw invalid('to', '不是有效的案件状态');
  const to = input.to;
  if (CLOSING_STATES.has(to) && !opts.system) {
    // Closing takes effect only with a province admin's approval: propose it (proposeMeasure
    // checks the version and the transition in its own transaction).
    const { proposeMeasure } = await import('./measures.ts');
    await proposeMeasure(db, actor, caseId, { type: 'close_case', version: input.version, decided_on: localDate(), note: input.note ?? null, legal_basis: null, to }, { internal: true });
    return loadCase(db, actor, caseId);
  }
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    if (k.version !== input.version) throw staleVersion();
    if (!TRANSITIONS[k.state].includes(to)) {
      throw httpErr(409, 'conflict.illegal_transition', `案件状态不能从「${CASE_STATE_ZH[k.state]}」变为「${CASE_STATE_ZH[to]}」`);
    }
    await setState(db, actor, k, to, input.note ?? null);
    return loadCase(db, actor, caseId);
  });
}

/** Apply a state change (already validated) with its event and audit entry; bumps the version. */
export async function setState(db: Db, actor: Actor, k: CaseRow, to: CaseState, note: string | null): Promise<void> {
  const closing = CLOSED_STATES.has(to);
  await bumpCase(db, k.case_id, k.version, closing ? { state: to, closed_at: localTimestamp() } : { state: to });
  if (closing) await releaseOpenKey(db, k.case_id);
  await caseEvent(db, k.case_id, actor, 'transition', note, null, k.state, to);
  await appendAudit(db, { actor, action: 'case.transition', target_type: 'case', target_id: k.case_id, region_code: k.region_code, before: { state: k.state }, after: { state: to, note } });
}

/** Flag or unflag a case as major (重大要情); a reason is required when flagging. */
export async function setMajor(db: Db, actor: Actor, caseId: string, input: { major: boolean; reason?: string | null; version: number }): Promise<CaseRow> {
  assertCan(actor, 'case.major.flag');
  if (typeof input.major !== 'boolean') throw invalid('major', '必须是 true 或 false');
  if (input.major && !String(input.reason ?? '').trim()) throw invalid('reason', '标记重大要情必须说明理由');
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    await bumpCase(db, caseId, input.version, { major: input.major, major_reason: input.major ? input.reason : null });
    await caseEvent(db, caseId, actor, input.major ? 'major_flagged' : 'major_unflagged', input.reason ?? null);
    await appendAudit(db, { actor, action: 'case.major', target_type: 'case', target_id: caseId, region_code: k.region_code, before: { major: k.major }, after: { major: input.major, reason: input.reason ?? null } });
    return loadCase(db, actor, caseId);
  });
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Record that the ordered rectification was verified (stops the case turning overdue). */
export async function verifyRectification(db: Db, actor: Actor, caseId: string, input: { verified_on: string; note?: string | null; version: number }): Promise<CaseRow> {
  assertCan(actor, 'case.rectification.verify');
  if (!DATE_RE.test(String(input.verified_on ?? ''))) throw invalid('verified_on', '日期格式应为 YYYY-MM-DD');
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    if (k.state !== 'rectifying' && k.state !== 'overdue') throw httpErr(409, 'conflict.illegal_transition', '案件不在整改阶段，无需验收整改');
    await bumpCase(db, caseId, input.version, { rectification_verified_on: input.verified_on });
    await caseEvent(db, caseId, actor, 'rectification_verified', input.note ?? null, { verified_on: input.verified_on });
    await appendAudit(db, { actor, action: 'case.rectification_verified', target_type: 'case', target_id: caseId, region_code: k.region_code, after: { verified_on: input.verified_on, note: input.note ?? null } });
    return loadCase(db, actor, caseId);
  });
}

export interface Ledger {
  due_fen: number;
  recovered_fen: number;
  outstanding_fen: number;
  entries: { entry_id: string; kind: 'due' | 'recovery'; amount_fen: number; on_date: string; note: string | null; measure_id: string | null; actor: string }[];
}

/** The recovery ledger of a case (amounts in fen). */
export async function ledgerOf(db: Db, caseId: string): Promise<Ledger> {
  const entries = await db.query<Ledger['entries'][number]>(
    'SELECT entry_id, kind, amount_fen, CAST(on_date AS VARCHAR) AS on_date, note, measure_id, actor FROM ledger_entries WHERE case_id = $1 ORDER BY entered_at, entry_id',
    [caseId],
  );
  let due = 0;
  let rec = 0;
  for (const e of entries) {
    e.amount_fen = Number(e.amount_fen);
    if (e.kind === 'due') due += e.amount_fen;
    else rec += e.amount_fen;
  }
  return { due_fen: due, recovered_fen: rec, outstanding_fen: due - rec, entries };
}

/** Enter a recovery against the amount due (POST /api/cases/{id}/recoveries). */
export async function recordRecovery(db: Db, actor: Actor, caseId: string, input: { amount_fen: number; received_on: string; note?: string | null; version: number }): Promise<Ledger> {
  assertCan(actor, 'case.recovery.record');
  if (!Number.isInteger(input.amount_fen) || input.amount_fen <= 0) throw invalid('amount_fen', '必须是正整数（分）');
  if (!DATE_RE.test(String(input.received_on ?? ''))) throw invalid('received_on', '日期格式应为 YYYY-MM-DD');
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    const before = await ledgerOf(db, caseId);
    if (before.due_fen === 0) throw httpErr(409, 'conflict.nothing_due', '本案没有应追回的补贴资金（先采取“追回补贴资金”措施）');
    if (input.amount_fen > before.outstanding_fen) throw invalid('amount_fen', `超过未追回余额 ${before.outstanding_fen} 分`);
    await bumpCase(db, caseId, input.version);
    await db.query(
      `INSERT INTO ledger_entries (entry_id, case_id, kind, amount_fen, on_date, note, measure_id, actor, entered_at) VALUES ($1, $2, 'recovery', $3, CAST($4 AS DATE), $5, NULL, $6, CAST($7 AS TIMESTAMP))`,
      [newId('ZH'), caseId, input.amount_fen, input.received_on, input.note ?? null, actor.username, localTimestamp()],
    );
    await caseEvent(db, caseId, actor, 'recovery', input.note ?? null, { amount_fen: input.amount_fen, received_on: input.received_on });
    await appendAudit(db, { actor, action: 'case.recovery', target_type: 'case', target_id: caseId, region_code: k.region_code, before: { recovered_fen: before.recovered_fen }, after: { amount_fen: input.amount_fen, received_on: input.received_on } });
    return ledgerOf(db, caseId);
  });
}

/** A discipline liaison records receipt of and feedback on a transfer to a discipline body. */
export async function transferFeedback(db: Db, actor: Actor, caseId: string, measureId: string, input: { received_on?: string | null; feedback?: string | null; version: number }): Promise<CaseRow> {
  assertCan(actor, 'case.transfer.feedback');
  if (input.received_on != null && !DATE_RE.test(input.received_on)) throw invalid('received_on', '日期格式应为 YYYY-MM-DD');
  if (!input.received_on && !String(input.feedback ?? '').trim()) throw invalid('feedback', '请填写接收日期或反馈');
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    const [t] = await db.query<{ kind: string }>('SELECT kind FROM transfers WHERE measure_id = $1 AND case_id = $2', [measureId, caseId]);
    if (!t || (actor.role === 'discipline_liaison' && t.kind !== 'transfer_discipline')) throw notFound('移送记录');
    await bumpCase(db, caseId, input.version);
    await db.query(
      `UPDATE transfers SET received_on = COALESCE(CAST($2 AS DATE), received_on), feedback = COALESCE($3, feedback), feedback_by = $4, feedback_at = CAST($5 AS TIMESTAMP) WHERE measure_id = $1`,
      [measureId, input.received_on ?? null, input.feedback ?? null, actor.username, localTimestamp()],
    );
    await caseEvent(db, caseId, actor, 'transfer_feedback', input.feedback ?? null, { measure_id: measureId, received_on: input.received_on ?? null });
    await appendAudit(db, { actor, action: 'transfer.feedback', target_type: 'case', target_id: caseId, region_code: k.region_code, after: { measure_id: measureId, received_on: input.received_on ?? null, feedback: input.feedback ?? null } });
    return loadCase(db, actor, caseId);
  });
}
