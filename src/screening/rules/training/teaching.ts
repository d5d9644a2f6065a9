/**
 * Training rules on who teaches: TR-TEACHER-CLASH, TR-SUBCONTRACT.
 */
import type { CodeRule, Rule, RuleContext, SqlRule } from '../../types.ts';
import { classPairsCte, listIds, maskId, minute, onePass, overlapPairFinding, p, PAIRS_SELECT, param, pct, refs, scoreAbove, str } from '../../kit/index.ts';

/**
 * TR-TEACHER-CLASH. Pairs like TR-OVERLAP, on `sessions` keyed by teacher_id_number. A
 * teacher legitimately teaches several classes over the same weeks (morning/evening), so
 * class spans overlap often; instead a running-max window (sessions: ~1M rows, cheap)
 * finds teachers with any overlap ≥ the threshold and only their sessions are paired.
 * Pairs within one class do not count.
 */
function clashPairs(ctx: RuleContext): string {
  const { d } = ctx;
  const secs = 60 * p(ctx, 'min_overlap_minutes');
  return `
  WITH t AS (
    SELECT teacher_id_number AS id_number, session_id, class_id, starts_at, ends_at
      FROM sessions WHERE teacher_id_number IS NOT NULL AND teacher_id_number <> '' AND ends_at > starts_at),
  w AS (
    SELECT id_number, starts_at, ends_at,
           max(ends_at) OVER (PARTITION BY id_number ORDER BY starts_at, session_id
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
      FROM t),
  cand AS (
    SELECT DISTINCT id_number FROM w
     WHERE prev_end IS NOT NULL AND ${d.epoch('LEAST(prev_end, ends_at)')} - ${d.epoch('starts_at')} >= ${secs}),
  ct AS MATERIALIZED (SELECT t.* FROM t JOIN cand ON cand.id_number = t.id_number),
  ${classPairsCte(ctx, 'ct')}`;
}

const TEACHER_CLASH: CodeRule = onePass({
  id: 'TR-TEACHER-CLASH',
  title: '同一教师同时段在不同培训班授课',
  family: 'training',
  subject: 'person',
  severity: 'medium',
  needs: ['sessions'],
  optional: ['classes', 'institutions'],
  params: [param('min_overlap_minutes', 1, '两个课次时间重叠的最短时长（分钟）', 0)],
  description: '同一授课教师（证件号）被登记为两个不同培训班时间重叠课次的授课人（挂名授课、虚构课次）。',
  query: (ctx) => clashPairs(ctx) + PAIRS_SELECT,
  finding: (row, ev) => overlapPairFinding(row, ev, 0.6, `教师 ${maskId(row.subject_id)} 同时段在两个培训班授课`),
});

/**
 * TR-SUBCONTRACT. (a) delivered_by set and different from the institution; (b) more than
 * `max_share` of the class's sessions (all sessions are the denominator) taught by a
 * teacher who, on the session's date, is staff of some other institution and not staff of
 * this one (a teacher with no staff record at all is not counted: nothing shows whose
 * they are). Staff periods are inclusive, an empty bound open.
 */
function subcontractRows(ctx: RuleContext): string {
  const from = ctx.d.ident('from');
  const to = ctx.d.ident('to');
  const active = (f: string, dt: string) => `(${f}.${from} IS NULL OR ${f}.${from} <= ${dt}) AND (${f}.${to} IS NULL OR ${f}.${to} >= ${dt})`;
  return `
  WITH st AS (
    SELECT s.session_id, s.class_id, s.teacher_id_number, s.starts_at, CAST(s.starts_at AS DATE) AS on_date, c.institution_id
      FROM sessions s JOIN classes c ON c.class_id = s.class_id),
  own AS (
    SELECT DISTINCT st.session_id FROM st JOIN staff f ON f.id_number = st.teacher_id_number
       AND f.institution_id = st.institution_id AND ${active('f', 'st.on_date')}),
  other AS (
    SELECT st.session_id, min(f.institution_id) AS other_institution FROM st JOIN staff f ON f.id_number = st.teacher_id_number
       AND f.institution_id <> st.institution_id AND ${active('f', 'st.on_date')}
     GROUP BY st.session_id),
  outside AS (
    SELECT st.*, other.other_institution FROM st JOIN other ON other.session_id = st.session_id
      LEFT JOIN own ON own.session_id = st.session_id
     WHERE own.session_id IS NULL),
  share AS (
    SELECT st.class_id, count(*) AS n_sessions, count(outside.session_id) AS n_outside
      FROM st LEFT JOIN outside ON outside.session_id = st.session_id GROUP BY st.class_id),
  flagged AS (
    SELECT c.class_id, c.institution_id, c.delivered_by, COALESCE(c.region_code, i.region_code) AS region_code,
           COALESCE(share.n_sessions, 0) AS n_sessions, COALESCE(share.n_outside, 0) AS n_outside,
           CASE WHEN c.delivered_by IS NOT NULL AND c.delivered_by <> '' AND c.delivered_by <> c.institution_id THEN 1 ELSE 0 END AS delivered_elsewhere,
           CASE WHEN share.n_sessions > 0 AND 1.0 * share.n_outside / share.n_sessions > ${p(ctx, 'max_share')} THEN 1 ELSE 0 END AS taught_elsewhere
      FROM classes c LEFT JOIN share ON share.class_id = c.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id)`;
}

const SUBCONTRACT: SqlRule = {
  kind: 'sql',
  id: 'TR-SUBCONTRACT',
  title: '培训班转包外包',
  family: 'training',
  subject: 'class',
  severity: 'high',
  needs: ['classes'],
  optional: ['sessions', 'staff', 'institutions'],
  params: [param('max_share', 0.5, '由其他机构人员授课的课次占比上限（0.5 即 50%）', 0, 1)],
  description: '培训班实际由其他机构承训（实际承训机构与开班机构不同），或半数以上课次由其他机构（而非本机构）的人员授课（转包外包）。',
  detect: (ctx) => `${subcontractRows(ctx)}
    SELECT class_id AS subject_id, flagged.* FROM flagged WHERE delivered_elsewhere = 1 OR taught_elsewhere = 1`,
  evidence: (ctx) => `${subcontractRows(ctx)}
    SELECT o.class_id AS subject_id, o.session_id, o.starts_at, o.teacher_id_number, o.other_institution
      FROM outside o JOIN flagged f ON f.class_id = o.class_id WHERE f.delivered_elsewhere = 1 OR f.taught_elsewhere = 1
     ORDER BY o.class_id, o.starts_at, o.session_id`,
  finding(row, ev, ctx) {
    const parts: string[] = [];
    if (Number(row.delivered_elsewhere)) parts.push(`实际由机构 ${row.delivered_by} 承训`);
    const share = Number(row.n_sessions) ? Number(row.n_outside) / Number(row.n_sessions) : 0;
    if (Number(row.taught_elsewhere)) {
      parts.push(`${row.n_sessions} 个课次中 ${row.n_outside} 个（${pct(share)}）由其他机构 ${listIds(ev.map((e) => e.other_institution))} 的人员授课${ev[0] ? `（首个 ${minute(ev[0].starts_at)}）` : ''}`);
    }
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: Number(Math.max(Number(row.delivered_elsewhere) ? 0.8 : 0, Number(row.taught_elsewhere) ? scoreAbove(share, p(ctx, 'max_share')) : 0).toFixed(4)),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id}（机构 ${row.institution_id}）${parts.join('，')}，疑似转包外包`,
      evidence: {
        delivered_by: row.delivered_by,
        sessions: row.n_sessions,
        sessions_taught_by_others: row.n_outside,
        share: Number(share.toFixed(4)),
        rows: ev.map(({ subject_id: _s, ...r }) => r),
      },
      related: refs(['institution', [row.institution_id, row.delivered_by, ...ev.map((e) => e.other_institution)]]),
    };
  },
};

export const TEACHING_RULES: Rule[] = [TEACHER_CLASH, SUBCONTRACT];
