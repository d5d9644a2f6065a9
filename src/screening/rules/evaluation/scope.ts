/**
 * Evaluation institutions acting outside their registration: EV-SCOPE.
 */
import type { Rule, SqlRule } from '../../types.ts';
import { clampScore, cleanRows as clean, minute, refs, str } from '../../kit/index.ts';
import { levelZh } from './common.ts';

// EV-SCOPE

/**
 * Registered on the exam date: eval_registered_on ≤ date (a registration number without a
 * date counts as registered), and not terminated: eval_terminated_on empty or after the date.
 * In scope: an eval_scopes row of the institution and occupation valid on the date whose
 * levels include the exam's level.
 */
function scopeRows(): string {
  const date = 'CAST(e.starts_at AS DATE)';
  const valid = `(s.valid_from IS NULL OR s.valid_from <= ${date}) AND (s.valid_to IS NULL OR s.valid_to >= ${date})`;
  return `SELECT * FROM (
    SELECT e.exam_id AS subject_id, e.institution_id, i.region_code, i.name AS institution_name, e.occupation_code, e.level,
      e.starts_at, e.ends_at, i.eval_registration_no, i.eval_registered_on, i.eval_terminated_on,
      CASE
        WHEN i.institution_id IS NULL THEN 'unknown_institution'
        WHEN i.eval_terminated_on IS NOT NULL AND i.eval_terminated_on <= ${date} THEN 'terminated'
        WHEN NOT (i.eval_registered_on <= ${date} OR (i.eval_registered_on IS NULL AND i.eval_registration_no IS NOT NULL)) THEN 'not_registered'
        ELSE NULL END AS registration_problem,
      EXISTS (SELECT 1 FROM eval_scopes s WHERE s.institution_id = e.institution_id AND s.occupation_code = e.occupation_code
        AND ${valid}) AS occupation_in_scope,
      EXISTS (SELECT 1 FROM eval_scopes s WHERE s.institution_id = e.institution_id AND s.occupation_code = e.occupation_code
        AND ${valid} AND ';' || s.levels || ';' LIKE '%;' || CAST(e.level AS VARCHAR) || ';%') AS level_in_scope
    FROM exams e LEFT JOIN institutions i ON i.institution_id = e.institution_id) x
  WHERE registration_problem IS NOT NULL OR NOT level_in_scope`;
}

const REG_ZH: Record<string, string> = {
  unknown_institution: '机构不在机构名单中',
  terminated: '机构已终止评价机构备案',
  not_registered: '机构当时未备案为评价机构',
};

const EV_SCOPE: SqlRule = {
  id: 'EV-SCOPE',
  title: '超范围或无备案开展评价',
  family: 'evaluation',
  subject: 'exam',
  severity: 'high',
  needs: ['exams', 'institutions', 'eval_scopes'],
  params: [],
  description: '考试批次的职业或等级不在机构当日有效的评价范围内，或组织考试的机构当时未备案为评价机构、已终止备案。',
  kind: 'sql',
  detect: () => scopeRows(),
  evidence: () => `SELECT e.subject_id, s.institution_id, s.occupation_code, s.levels, s.valid_from, s.valid_to, s.src_file, s.src_line
    FROM (${scopeRows()}) e JOIN eval_scopes s ON s.institution_id = e.institution_id AND s.occupation_code = e.occupation_code
    ORDER BY s.valid_from`,
  finding(r, ev) {
    const problems: string[] = [];
    if (r.registration_problem) problems.push(REG_ZH[str(r.registration_problem)!] ?? str(r.registration_problem)!);
    if (!r.level_in_scope)
      problems.push(r.occupation_in_scope ? `等级 ${levelZh(r.level)} 不在备案范围内` : `职业 ${str(r.occupation_code)} 不在备案范围内`);
    return {
      subject: { type: 'exam', id: str(r.subject_id)! },
      score: clampScore(0.6 + 0.2 * problems.length),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary: `机构 ${str(r.institution_id)} 于 ${minute(r.starts_at)} 组织的考试批次 ${str(r.subject_id)}（${str(r.occupation_code)} ${levelZh(r.level)}）：${problems.join('，')}`,
      evidence: {
        exam: {
          exam_id: r.subject_id,
          institution_id: r.institution_id,
          occupation_code: r.occupation_code,
          level: r.level,
          starts_at: r.starts_at,
          ends_at: r.ends_at,
        },
        institution: {
          eval_registration_no: r.eval_registration_no,
          eval_registered_on: r.eval_registered_on,
          eval_terminated_on: r.eval_terminated_on,
        },
        registration_problem: r.registration_problem,
        occupation_in_scope: r.occupation_in_scope,
        level_in_scope: r.level_in_scope,
        rows: clean(ev),
      },
      related: refs(['institution', [r.institution_id]]),
    };
  },
};

export const SCOPE_RULES: Rule[] = [EV_SCOPE];
