/**
 * Measures (处理措施) and four-eyes approvals (WORKFLOW.md). A measure is proposed on a case with
 * the case's `version`; measures that change the world apply their effects in the same
 * transaction (src/cases/effects.ts) — or, for remove_institution, terminate_registration,
 * void_certificates, revoke_certificate_data and closing a case, only when a province admin
 * other than the proposer approves.
 */
import type { Actor } from '../auth/actor.ts';
import { appendAudit } from '../audit/index.ts';
import { localTimestamp } from '../clock.ts';
import { forbidden, httpErr, invalid, notFound } from '../errors.ts';
import { assertCan, canProposeMeasure } from '../policies/permissions.ts';
import { inJurisdiction } from '../policies/jurisdiction.ts';
import type { Db } from '../store/db.ts';
import { applyEffects, type EffectInput } from './effects.ts';
import { CASE_STATE_ZH, isCaseState, isMeasureType, MEASURES, newId, TRANSITIONS, type CaseState, type MeasureType } from './model.ts';
import { bumpCase, caseEvent, loadCase, setState, type CaseRow } from './service.ts';

export interface MeasureInput {
  type: string;
  version: number;
  decided_on: string;
  legal_basis?: string | null;
  note?: string | null;
  deadline?: string;
  amount_fen?: number;
  decision_no?: string;
  fine_fen?: number;
  certificate_nos?: string[];
  exam_id?: string;
  id_numbers?: string[];
  project_id?: string;
  receiving_body?: string;
  /** close_case only: the closing state. */
  to?: string;
}

export interface MeasureRow {
  measure_id: string;
  case_id: string;
  type: MeasureType;
  status: 'effective' | 'pending_approval' | 'rejected';
  decided_on: string;
  legal_basis: string | null;
  note: string | null;
  params: Record<string, unknown>;
  proposed_by: string;
  proposed_at: string;
  approved_by: string | null;
  approved_at: string | null;
  approval_note: string | null;
  effective_at: string | null;
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function paramsOf(type: MeasureType, m: MeasureInput): Record<string, unknown> {
  const pick = (...keys: (keyof MeasureInput)[]) => Object.fromEntries(keys.filter((k) => m[k] !== undefined).map((k) => [k, m[k]]));
  switch (type) {
    case 'rectification':
      return pick('deadline');
    case 'recover_subsidy':
      return pick('amount_fen');
    case 'penalty':
      return pick('decision_no', 'fine_fen');
    case 'void_certificates':
    case 'revoke_certificate_data':
      return pick('certificate_nos');
    case 'cancel_results':
      return pick('exam_id', 'id_numbers');
    case 'remove_project':
      return pick('project_id');
    case 'transfer_judicial':
    case 'transfer_discipline':
    case 'transfer_other':
      return pick('receiving_body');
    case 'close_case':
      return pick('to');
    default:
      return {};
  }
}

/** Field validation per type (400 naming the field). */
function validate(type: MeasureType, m: MeasureInput): void {
  if (!DATE_RE.test(String(m.decided_on ?? ''))) throw invalid('decided_on', '日期格式应为 YYYY-MM-DD');
  const str = (f: keyof MeasureInput) => {
    if (typeof m[f] !== 'string' || !String(m[f]).trim()) throw invalid(f, '必填');
  };
  const posInt = (f: keyof MeasureInput, allowZero = false) => {
    const v = m[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < (allowZero ? 0 : 1)) throw invalid(f, '必须是正整数（分）');
  };
  switch (type) {
    case 'rectification':
      if (!DATE_RE.test(String(m.deadline ?? ''))) throw invalid('deadline', '日期格式应为 YYYY-MM-DD');
      if (String(m.deadline) <= m.decided_on) throw invalid('deadline', '整改期限必须晚于决定日期');
      break;
    case 'recover_subsidy':
      posInt('amount_fen');
      break;
    case 'penalty':
      str('decision_no');
      posInt('fine_fen', true);
      break;
    case 'void_certificates':
    case 'revoke_certificate_data':
      if (!Array.isArray(m.certificate_nos) || m.certificate_nos.length === 0 || m.certificate_nos.some((c) => typeof c !== 'string' || !c)) {
        throw invalid('certificate_nos', '须为非空的证书编号列表');
      }
      break;
    case 'cancel_results':
      str('exam_id');
      if (m.id_numbers !== undefined && (!Array.isArray(m.id_numbers) || m.id_numbers.some((c) => typeof c !== 'string'))) throw invalid('id_numbers', '须为证件号码列表');
      break;
    case 'remove_project':
      str('project_id');
      break;
    case 'transfer_judicial':
    case 'transfer_discipline':
    case 'transfer_other':
      str('receiving_body');
      break;
    default:
      break;
  }
}

async function institutionKind(db: Db, id: string | null): Promise<string | null> {
  if (!id) return null;
  const [i] = await db.query<{ kind: string }>('SELECT kind FROM institutions WHERE institution_id = $1', [id]);
  return i?.kind ?? null;
}

/** The effects a measure has on the dataset, checked against the store (404/400 on bad ids). */
async function effectsFor(db: Db, actor: Actor, k: CaseRow, type: MeasureType, m: Record<string, unknown>, decidedOn: string): Promise<EffectInput[]> {
  switch (type) {
    case 'remove_institution': {
      const [i] = await db.query<{ v: string | null }>('SELECT CAST(subsidy_catalog_to AS VARCHAR) AS v FROM institutions WHERE institution_id = $1', [k.institution_id]);
      const v = i?.v && i.v < decidedOn ? i.v : decidedOn;
      return [{ target: 'institutions.subsidy_catalog_to', key: k.institution_id!, value: v }];
    }
    case 'terminate_registration': {
      const [i] = await db.query<{ v: string | null }>('SELECT CAST(eval_terminated_on AS VARCHAR) AS v FROM institutions WHERE institution_id = $1', [k.institution_id]);
      const v = i?.v && i.v < decidedOn ? i.v : decidedOn;
      return [{ target: 'institutions.eval_terminated_on', key: k.institution_id!, value: v }];
    }
    case 'remove_project': {
      const [p] = await db.query<{ v: string | null }>('SELECT CAST(catalog_to AS VARCHAR) AS v FROM projects WHERE project_id = $1', [m.project_id]);
      if (!p) throw invalid('project_id', `补贴项目 ${String(m.project_id)} 不存在`);
      const v = p.v && p.v < decidedOn ? p.v : decidedOn;
      return [{ target: 'projects.catalog_to', key: String(m.project_id), value: v }];
    }
    case 'void_certificates':
    case 'revoke_certificate_data': {
      const nos = [...new Set(m.certificate_nos as string[])];
      const rows = await db.query<{ certificate_no: string; institution_id: string | null; region_code: string | null }>(
        `SELECT DISTINCT c.certificate_no, c.institution_id, i.region_code FROM certificates c LEFT JOIN institutions i ON i.institution_id = c.institution_id
         WHERE c.certificate_no IN (${nos.map((_, i) => `$${i + 1}`).join(', ')})`,
        nos,
      );
      const found = new Set(rows.filter((r) => inJurisdiction(actor, r.region_code ?? k.region_code)).map((r) => r.certificate_no));
      const missing = nos.filter((n) => !found.has(n));
      if (missing.length) throw invalid('certificate_nos', `证书不存在或不在管辖范围内：${missing.slice(0, 5).join('、')}${missing.length > 5 ? ` 等 ${missing.length} 个` : ''}`);
      const status = type === 'void_certificates' ? 'void' : 'revoked';
      return nos.map((n) => ({ target: 'certificates.status' as const, key: n, value: status }));
    }
    case 'cancel_results': {
      const [e] = await db.query<{ institution_id: string }>('SELECT institution_id FROM exams WHERE exam_id = $1', [m.exam_id]);
      if (!e || (k.institution_id && e.institution_id !== k.institution_id)) throw invalid('exam_id', `评价批次 ${String(m.exam_id)} 不存在或不属于本案机构`);
      const results = await db.query<{ id_number: string }>('SELECT DISTINCT id_number FROM exam_results WHERE exam_id = $1 ORDER BY id_number', [m.exam_id]);
      const ids = new Set(results.map((r) => r.id_number));
      const wanted = (m.id_numbers as string[] | undefined)?.length ? [...new Set(m.id_numbers as string[])] : [...ids];
      const missing = wanted.filter((x) => !ids.has(x));
      if (missing.length) throw invalid('id_numbers', `有 ${missing.length} 个证件号码不在该批次的考试成绩中`);
      return wanted.map((id) => ({ target: 'exam_results.passed' as const, key: String(m.exam_id), key2: id, value: 'false' }));
    }
    default:
      return [];
  }
}

/** Apply what a measure does once it is effective (inside the transaction). */
async function takeEffect(db: Db, actor: Actor, k: CaseRow, mrow: { measure_id: string; type: MeasureType; params: Record<string, unknown>; decided_on: string; note: string | null }): Promise<void> {
  const { type, params } = mrow;
  await applyEffects(db, mrow.measure_id, await effectsFor(db, actor, k, type, params, mrow.decided_on), actor, k.region_code);
  const now = localTimestamp();
  if (type === 'recover_subsidy') {
    await db.query(
      `INSERT INTO ledger_entries (entry_id, case_id, kind, amount_fen, on_date, note, measure_id, actor, entered_at) VALUES ($1, $2, 'due', $3, CAST($4 AS DATE), $5, $6, $7, CAST($8 AS TIMESTAMP))`,
      [newId('ZH'), k.case_id, params.amount_fen, mrow.decided_on, mrow.note, mrow.measure_id, actor.username, now],
    );
  }
  if (type.startsWith('transfer_')) {
    await db.query('INSERT INTO transfers (measure_id, case_id, kind, receiving_body) VALUES ($1, $2, $3, $4)', [mrow.measure_id, k.case_id, type, params.receiving_body]);
  }
  // State and case columns the measure moves.
  const fresh = await loadCase(db, actor, k.case_id);
  if (type === 'rectification') {
    await bumpCase(db, k.case_id, fresh.version, { deadline: params.deadline, rectification_verified_on: null });
    if (fresh.state === 'confirmed') await setState(db, actor, { ...fresh, version: fresh.version + 1 }, 'rectifying', `责令限期整改，期限 ${String(params.deadline)}`);
  } else if (type === 'transfer_discipline') {
    await bumpCase(db, k.case_id, fresh.version, { transferred_discipline: true });
  } else if (type === 'close_case') {
    const to = String(params.to) as CaseState;
    if (!TRANSITIONS[fresh.state].includes(to)) throw httpErr(409, 'conflict.illegal_transition', '案件状态已变化，不能按原申请结案');
    await setState(db, actor, fresh, to, mrow.note);
  } else if ((type === 'remove_institution' || type === 'terminate_registration') && fresh.state === 'overdue') {
    // The next graded measure taken on an overdue case is its escalation.
    await setState(db, actor, fresh, 'escalated', `${MEASURES[type].zh}生效，案件升级处理`);
  }
}

/**
 * Propose a measure on a case (POST /api/cases/{id}/measures). Returns the measure: `effective`,
 * or `pending_approval` where four eyes apply.
 */
export async function proposeMeasure(db: Db, actor: Actor, caseId: string, input: MeasureInput, opts: { internal?: boolean; system?: boolean } = {}): Promise<MeasureRow> {
  const type = input.type as MeasureType;
  if (!opts.internal && !opts.system && !isMeasureType(type)) throw invalid('type', '不是有效的处理措施类型');
  if (!opts.system && !opts.internal && !canProposeMeasure(actor, type)) throw forbidden('当前角色无权采取该处理措施');
  if (opts.internal && !opts.system) assertCan(actor, 'case.transition');
  if (!opts.internal && !Number.isInteger(input.version)) throw invalid('version', '必须是整数');
  validate(type, input);
  return opts.system ? proposeInTx(db, actor, caseId, input, opts) : db.transaction(() => proposeInTx(db, actor, caseId, input, opts));
}

/** The body of proposeMeasure, inside the caller's transaction (the scheduler proposes inside its own). */
async function proposeInTx(db: Db, actor: Actor, caseId: string, input: MeasureInput, opts: { internal?: boolean; system?: boolean }): Promise<MeasureRow> {
  const type = input.type as MeasureType;
  const def = MEASURES[type];
  {
    const k = await loadCase(db, actor, caseId);
    if (!opts.system && k.version !== input.version) throw httpErr(409, 'conflict.stale_version', '记录已被他人修改，请刷新后重试');
    if (type !== 'close_case' && !def.states.includes(k.state)) throw httpErr(409, 'conflict.measure_state', `案件处于「${CASE_STATE_ZH[k.state]}」状态，不能采取「${def.zh}」`);
    if (type === 'close_case') {
      if (!isCaseState(input.to) || !TRANSITIONS[k.state].includes(input.to)) {
        throw httpErr(409, 'conflict.illegal_transition', `案件状态不能从「${CASE_STATE_ZH[k.state]}」变为「${isCaseState(input.to) ? CASE_STATE_ZH[input.to] : String(input.to)}」`);
      }
      const [pending] = await db.query("SELECT 1 FROM measures WHERE case_id = $1 AND type = 'close_case' AND status = 'pending_approval'", [caseId]);
      if (pending) throw httpErr(409, 'conflict.pending_close', '已有待审批的结案申请');
    }
    if (def.institution) {
      const kind = await institutionKind(db, k.institution_id);
      const ok = kind === 'both' || kind === def.institution;
      if (!ok) throw httpErr(400, 'measure.not_applicable', `「${def.zh}」只适用于${def.institution === 'training' ? '培训' : '评价'}机构`);
    }
    const params = paramsOf(type, input);
    // Validate ids against the store now, so a proposal that cannot take effect is refused at once.
    await effectsFor(db, actor, k, type, params, input.decided_on);
    const now = localTimestamp();
    const id = newId('CS');
    const status = def.fourEyes ? 'pending_approval' : 'effective';
    if (!opts.system) await bumpCase(db, caseId, k.version);
    await db.query(
      `INSERT INTO measures (measure_id, case_id, type, status, decided_on, legal_basis, note, params, proposed_by, proposed_at, approved_by, approved_at, approval_note, effective_at)
       VALUES ($1, $2, $3, $4, CAST($5 AS DATE), $6, $7, $8, $9, CAST($10 AS TIMESTAMP), NULL, NULL, NULL, $11)`,
      [id, caseId, type, status, input.decided_on, input.legal_basis ?? null, input.note ?? null, JSON.stringify(params), actor.username, now, status === 'effective' ? now : null],
    );
    await caseEvent(db, caseId, actor, status === 'effective' ? 'measure' : 'measure_proposed', input.note ?? null, { measure_id: id, type, params });
    await appendAudit(db, { actor, action: status === 'effective' ? 'measure.take' : 'measure.propose', target_type: 'measure', target_id: id, region_code: k.region_code, after: { case_id: caseId, type, status, params, decided_on: input.decided_on, legal_basis: input.legal_basis ?? null } });
    if (status === 'effective') await takeEffect(db, actor, k, { measure_id: id, type, params, decided_on: input.decided_on, note: input.note ?? null });
    return getMeasure(db, id);
  }
}

/** One measure by id. */
export async function getMeasure(db: Db, id: string): Promise<MeasureRow> {
  const [m] = await db.query<Record<string, unknown>>(
    `SELECT measure_id, case_id, type, status, CAST(decided_on AS VARCHAR) AS decided_on, legal_basis, note, params, proposed_by, CAST(proposed_at AS VARCHAR) AS proposed_at,
       approved_by, CAST(approved_at AS VARCHAR) AS approved_at, approval_note, CAST(effective_at AS VARCHAR) AS effective_at FROM measures WHERE measure_id = $1`,
    [id],
  );
  if (!m) throw notFound('处理措施');
  return toMeasure(m);
}

export function toMeasure(m: Record<string, unknown>): MeasureRow {
  return { ...(m as unknown as MeasureRow), params: m.params ? (JSON.parse(String(m.params)) as Record<string, unknown>) : {} };
}

/**
 * Approve or reject a pending measure (POST …/measures/{id}/approval): province admins only,
 * never the proposer; the case's `version` must be current. Approval applies the effects.
 */
export async function decideApproval(db: Db, actor: Actor, caseId: string, measureId: string, input: { decision: string; note?: string | null; version: number }): Promise<MeasureRow> {
  assertCan(actor, 'case.measure.approve');
  if (input.decision !== 'approve' && input.decision !== 'reject') throw invalid('decision', '须为 approve 或 reject');
  if (!Number.isInteger(input.version)) throw invalid('version', '必须是整数');
  return db.transaction(async () => {
    const k = await loadCase(db, actor, caseId);
    const m = await getMeasure(db, measureId).catch(() => null);
    if (!m || m.case_id !== caseId) throw notFound('处理措施');
    if (m.status !== 'pending_approval') throw httpErr(409, 'conflict.not_pending', '该措施不在待审批状态');
    if (m.proposed_by === actor.username) throw forbidden('不能审批自己提出的措施（双人复核）');
    if (k.version !== input.version) throw httpErr(409, 'conflict.stale_version', '记录已被他人修改，请刷新后重试');
    await bumpCase(db, caseId, k.version);
    const approved = input.decision === 'approve';
    const now = localTimestamp();
    await db.query(
      `UPDATE measures SET status = $2, approved_by = $3, approved_at = CAST($4 AS TIMESTAMP), approval_note = $5, effective_at = $6 WHERE measure_id = $1`,
      [measureId, approved ? 'effective' : 'rejected', actor.username, now, input.note ?? null, approved ? now : null],
    );
    await caseEvent(db, caseId, actor, approved ? 'measure_approved' : 'measure_rejected', input.note ?? null, { measure_id: measureId, type: m.type });
    await appendAudit(db, { actor, action: approved ? 'measure.approve' : 'measure.reject', target_type: 'measure', target_id: measureId, region_code: k.region_code, before: { status: 'pending_approval' }, after: { status: approved ? 'effective' : 'rejected', note: input.note ?? null } });
    if (approved) await takeEffect(db, actor, { ...k, version: k.version + 1 }, { measure_id: measureId, type: m.type, params: m.params, decided_on: m.decided_on, note: m.note });
    return getMeasure(db, measureId);
  });
}
