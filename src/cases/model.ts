/**
 * Cases, measures and their rules as data (WORKFLOW.md "Cases"). One place for the state
 * machine, the measure types (what they apply to, whether four eyes apply, which fields they
 * need) and the Chinese names the console and reports use.
 */
import { randomBytes } from 'node:crypto';
import { localDate } from '../clock.ts';

export const CASE_STATES = ['open', 'investigating', 'closed_no_violation', 'confirmed', 'rectifying', 'closed', 'overdue', 'escalated'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_ZH: Record<CaseState, string> = {
  open: '已立案',
  investigating: '调查中',
  closed_no_violation: '查无问题结案',
  confirmed: '问题属实',
  rectifying: '整改中',
  closed: '已结案',
  overdue: '逾期未整改',
  escalated: '升级处理',
};

/** The only transitions that exist (WORKFLOW.md); anything else is refused with 409. */
export const TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  open: ['investigating'],
  investigating: ['closed_no_violation', 'confirmed'],
  confirmed: ['rectifying'],
  rectifying: ['closed', 'overdue'],
  overdue: ['escalated'],
  escalated: ['closed'],
  closed_no_violation: [],
  closed: [],
};

export const CLOSED_STATES: ReadonlySet<CaseState> = new Set(['closed', 'closed_no_violation']);
/** Target states that take effect only after a province admin's approval (four eyes). */
export const CLOSING_STATES: ReadonlySet<CaseState> = new Set(['closed', 'closed_no_violation']);

export function isCaseState(v: unknown): v is CaseState {
  return typeof v === 'string' && (CASE_STATES as readonly string[]).includes(v);
}

export const MEASURE_TYPES = [
  'guidance',
  'interview',
  'rectification',
  'remove_project',
  'remove_institution',
  'recover_subsidy',
  'penalty',
  'cancel_results',
  'void_certificates',
  'revoke_certificate_data',
  'terminate_registration',
  'transfer_judicial',
  'transfer_discipline',
  'transfer_other',
  /** Internal: a proposal to close the case, approved like a four-eyes measure. */
  'close_case',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

export interface MeasureDef {
  zh: string;
  /** Takes effect only when a province admin other than the proposer approves. */
  fourEyes: boolean;
  /** Institution kind it applies to (training includes `both`). */
  institution?: 'training' | 'evaluation';
  /** Case states in which it may be proposed. */
  states: readonly CaseState[];
  /** Body fields it requires (besides the common ones). */
  fields: readonly string[];
}

const ACTIVE: CaseState[] = ['investigating', 'confirmed', 'rectifying', 'overdue', 'escalated'];
const DECIDED: CaseState[] = ['confirmed', 'rectifying', 'overdue', 'escalated'];

export const MEASURES: Readonly<Record<MeasureType, MeasureDef>> = {
  guidance: { zh: '行政指导', fourEyes: false, states: ['open', ...ACTIVE], fields: [] },
  interview: { zh: '行政约谈', fourEyes: false, states: ['open', ...ACTIVE], fields: [] },
  rectification: { zh: '责令限期整改', fourEyes: false, states: ['confirmed', 'rectifying'], fields: ['deadline'] },
  remove_project: { zh: '移出补贴项目目录', fourEyes: false, states: DECIDED, fields: ['project_id'] },
  remove_institution: { zh: '移出补贴机构目录', fourEyes: true, institution: 'training', states: DECIDED, fields: [] },
  recover_subsidy: { zh: '追回补贴资金', fourEyes: false, institution: 'training', states: DECIDED, fields: ['amount_fen'] },
  penalty: { zh: '行政处罚', fourEyes: false, states: DECIDED, fields: ['decision_no', 'fine_fen'] },
  cancel_results: { zh: '取消评价结果', fourEyes: false, institution: 'evaluation', states: DECIDED, fields: ['exam_id'] },
  void_certificates: { zh: '宣布证书作废', fourEyes: true, institution: 'evaluation', states: DECIDED, fields: ['certificate_nos'] },
  revoke_certificate_data: { zh: '撤销上传证书数据', fourEyes: true, institution: 'evaluation', states: DECIDED, fields: ['certificate_nos'] },
  terminate_registration: { zh: '终止备案', fourEyes: true, institution: 'evaluation', states: DECIDED, fields: [] },
  transfer_judicial: { zh: '移送司法机关', fourEyes: false, states: ACTIVE, fields: ['receiving_body'] },
  transfer_discipline: { zh: '移送纪检监察机关', fourEyes: false, states: ACTIVE, fields: ['receiving_body'] },
  transfer_other: { zh: '移送有关部门', fourEyes: false, states: ACTIVE, fields: ['receiving_body'] },
  close_case: { zh: '结案', fourEyes: true, states: ['investigating', 'rectifying', 'escalated'], fields: [] },
};

export function isMeasureType(v: unknown): v is MeasureType {
  return typeof v === 'string' && (MEASURE_TYPES as readonly string[]).includes(v) && v !== 'close_case';
}

export type MeasureStatus = 'effective' | 'pending_approval' | 'rejected';

/** Readable, roughly time-ordered ids: `AJ20231001-3fa2c1d0`. */
export function newId(prefix: string): string {
  return `${prefix}${localDate().replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
}

/** Clue topics: a clue about adverts or listings (AD-*, PL-*, or an advertising complaint). */
export function clueTopic(rule: string | null | undefined, text?: string | null): 'advertising' | null {
  if (rule && /^(AD|PL)-/.test(rule)) return 'advertising';
  if (text && /广告|宣传|招生简章|直播带货|网店|商品链接|平台商品|包过|保过/.test(text)) return 'advertising';
  return null;
}
