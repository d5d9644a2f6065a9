/**
 * Exam results and how exams were run: EV-PASS-RATE, EV-ANSWERS, EV-CLASH.
 */
import type { Row } from '../../../store/db.ts';
import type { CodeRule, Finding, Rule, RuleContext, SqlRule } from '../../types.ts';
import { clampScore, cleanRows as clean, distinct, firstPerSubject, maskId, minute, refs, sqlStr, str, toNumber as num } from '../../kit/index.ts';
import { levelZh } from './common.ts';
import { pairsCte } from '../../kit/index.ts';

// EV-PASS-RATE

function passRateRows(ctx: RuleContext): string {
  const dm = Number(ctx.params.default_pass_mark);
  const width = Number(ctx.params.bunch_width);
  const pm = `COALESCE(e.pass_mark, ${dm})`;
  const inBand = (col: string) => `(r.${col} IS NULL OR (r.${col} >= ${pm} AND r.${col} <= ${pm} + ${width}))`;
  return `SELECT * FROM (
    SELECT e.exam_id AS subject_id, e.institution_id, i.region_code, e.occupation_code, e.level, e.starts_at, ${pm} AS pass_mark,
      COUNT(r.id_number) AS candidates,
      COUNT(*) FILTER (WHERE r.passed) AS passed_n,
      COUNT(*) FILTER (WHERE r.passed AND (r.theory_score IS NOT NULL OR r.practical_score IS NOT NULL)
        AND ${inBand('theory_score')} AND ${inBand('practical_score')}) AS bunched_n
    FROM exams e JOIN exam_results r ON r.exam_id = e.exam_id AND NOT COALESCE(r.absent, FALSE)
      LEFT JOIN institutions i ON i.institution_id = e.institution_id
    GROUP BY e.exam_id, e.institution_id, i.region_code, e.occupation_code, e.level, e.starts_at, e.pass_mark) x
  WHERE (candidates >= ${Number(ctx.params.min_candidates)} AND passed_n = candidates)
    OR (passed_n > 0 AND bunched_n > ${Number(ctx.params.max_bunched_share)} * passed_n)`;
}

const EV_PASS_RATE: SqlRule = {
  id: 'EV-PASS-RATE',
  title: '考试成绩分布异常',
  family: 'evaluation',
  subject: 'exam',
  severity: 'medium',
  needs: ['exams', 'exam_results'],
  optional: ['institutions'],
  params: [
    { name: 'min_candidates', default: 30, description: '判定“全员合格”异常所需的最少实考人数（人）', min: 1 },
    { name: 'max_bunched_share', default: 0.5, description: '合格考生中成绩扎堆在合格线附近的比例上限（0–1）', min: 0, max: 1 },
    { name: 'bunch_width', default: 3, description: '“合格线附近”的宽度：各科成绩均在[合格线, 合格线+该值]内（分）', min: 0 },
    { name: 'default_pass_mark', default: 60, description: '考试批次未填合格线时采用的合格线（分）', min: 0 },
  ],
  description: '剔除缺考后，考试批次实考人数较多而全部合格，或多数合格考生各科成绩都刚好落在合格线附近（疑似调分、代考）。',
  kind: 'sql',
  detect: (ctx) => passRateRows(ctx),
  evidence: (ctx) => {
    const pm = `COALESCE(x.pass_mark, ${Number(ctx.params.default_pass_mark)})`;
    return `SELECT x.subject_id, r.id_number, r.theory_score, r.practical_score, r.passed, r.src_line
      FROM (${passRateRows(ctx)}) x JOIN exam_results r ON r.exam_id = x.subject_id AND NOT COALESCE(r.absent, FALSE)
      ORDER BY x.subject_id, CASE WHEN r.passed THEN 0 ELSE 1 END,
        GREATEST(COALESCE(r.theory_score, ${pm}), COALESCE(r.practical_score, ${pm})), r.id_number`;
  },
  finding(r, ev, ctx) {
    const cand = num(r.candidates);
    const passed = num(r.passed_n);
    const bunched = num(r.bunched_n);
    const share = Number(ctx.params.max_bunched_share);
    const allPass = cand >= Number(ctx.params.min_candidates) && passed === cand;
    const isBunched = passed > 0 && bunched > share * passed;
    const pm = num(r.pass_mark);
    const parts = [];
    if (allPass) parts.push(`实考 ${cand} 人全部合格`);
    if (isBunched) parts.push(`${passed} 名合格考生中 ${bunched} 人各科成绩均在 ${pm}–${pm + Number(ctx.params.bunch_width)} 分之间`);
    const score = Math.max(allPass ? 0.5 + Math.min(0.4, (cand - Number(ctx.params.min_candidates)) / 100) : 0, isBunched ? 0.5 + 0.5 * (bunched / passed - share) / (1 - share || 1) : 0);
    return {
      subject: { type: 'exam', id: str(r.subject_id)! },
      score: clampScore(score),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary: `机构 ${str(r.institution_id)} 的考试批次 ${str(r.subject_id)}（${str(r.occupation_code)} ${levelZh(r.level)}，${minute(r.starts_at)}）成绩分布异常：${parts.join('，')}`,
      evidence: {
        candidates: cand,
        passed: passed,
        bunched: bunched,
        pass_mark: pm,
        all_passed: allPass,
        bunched_flag: isBunched,
        rows: clean(ev),
      },
      related: refs(['institution', [r.institution_id]]),
    };
  },
};

// EV-ANSWERS

/** Pairs of equal-length answer strings (≥ minLen) agreeing on ≥ minShare of positions. */
export function similarPairs(
  answers: { id: string; answers: string }[],
  minLen: number,
  minShare: number,
): { a: string; b: string; length: number; equal: number }[] {
  const out: { a: string; b: string; length: number; equal: number }[] = [];
  const byLen = new Map<number, { id: string; answers: string }[]>();
  for (const x of answers) {
    const len = x.answers.length;
    if (len < minLen) continue;
    let l = byLen.get(len);
    if (!l) byLen.set(len, (l = []));
    l.push(x);
  }
  for (const [len, list] of byLen) {
    // Early exit: once more positions differ than allowed the pair can no longer qualify.
    const maxDiff = len - Math.ceil(minShare * len - 1e-9);
    for (let i = 0; i < list.length; i++) {
      const s = list[i].answers;
      for (let j = i + 1; j < list.length; j++) {
        const t = list[j].answers;
        let diff = 0;
        for (let k = 0; k < len && diff <= maxDiff; k++) if (s.charCodeAt(k) !== t.charCodeAt(k)) diff++;
        if (diff <= maxDiff) out.push({ a: list[i].id, b: list[j].id, length: len, equal: len - diff });
      }
    }
  }
  return out;
}

const EXAMS_PER_BATCH = 1000;

const EV_ANSWERS: CodeRule = {
  id: 'EV-ANSWERS',
  title: '考生答题串雷同',
  family: 'evaluation',
  subject: 'exam',
  severity: 'high',
  needs: ['exams', 'exam_results'],
  optional: ['institutions'],
  params: [
    { name: 'min_equal_share', default: 0.95, description: '两名考生答题串逐位相同的比例下限（0–1，含错误答案）', min: 0, max: 1 },
    { name: 'min_answers', default: 20, description: '参与比对的答题串最少题数（题）', min: 1 },
  ],
  description: '同一考试批次中两名考生的答题串（含错误答案）几乎完全相同，疑似抄袭、代考或伪造试卷。',
  kind: 'code',
  async run(ctx) {
    const minShare = Number(ctx.params.min_equal_share);
    const minLen = Number(ctx.params.min_answers);
    const exams = await ctx.db.query<{ exam_id: string }>(
      `SELECT DISTINCT exam_id FROM exam_results WHERE answers IS NOT NULL AND LENGTH(answers) >= ${minLen} ORDER BY exam_id`,
    );
    const findings: Finding[] = [];
    // Exams are read in batches so memory stays bounded on a province-sized dataset.
    for (let b = 0; b < exams.length; b += EXAMS_PER_BATCH) {
      const ids = exams.slice(b, b + EXAMS_PER_BATCH).map((e) => sqlStr(String(e.exam_id)));
      const rows = await ctx.db.query(
        `SELECT r.exam_id, r.id_number, r.answers, r.theory_score, r.passed, e.institution_id, e.occupation_code, e.level, e.starts_at, i.region_code
         FROM exam_results r JOIN exams e ON e.exam_id = r.exam_id LEFT JOIN institutions i ON i.institution_id = e.institution_id
         WHERE r.exam_id IN (${ids.join(', ')}) AND r.answers IS NOT NULL AND LENGTH(r.answers) >= ${minLen}
           AND NOT COALESCE(r.absent, FALSE)
         ORDER BY r.exam_id, r.id_number`,
      );
      const byExam = new Map<string, Row[]>();
      for (const r of rows) {
        const k = String(r.exam_id);
        let l = byExam.get(k);
        if (!l) byExam.set(k, (l = []));
        l.push(r);
      }
      for (const [examId, list] of byExam) {
        const byId = new Map(list.map((r) => [String(r.id_number), r]));
        const pairs = similarPairs(
          list.map((r) => ({ id: String(r.id_number), answers: String(r.answers) })),
          minLen,
          minShare,
        ).sort((x, y) => y.equal / y.length - x.equal / x.length || (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
        if (!pairs.length) continue;
        const e = list[0];
        const people = new Set(pairs.flatMap((p) => [p.a, p.b]));
        const top = pairs[0];
        findings.push({
          subject: { type: 'exam', id: examId },
          score: clampScore(0.6 + 0.2 * Math.min(1, (pairs.length - 1) / 10) + 0.2 * ((top.equal / top.length - minShare) / (1 - minShare || 1))),
          region_code: str(e.region_code),
          institution_id: str(e.institution_id),
          summary:
            `考试批次 ${examId}（${str(e.occupation_code)} ${levelZh(e.level)}，${minute(e.starts_at)}）有 ${pairs.length} 对考生答题串雷同，` +
            `涉及 ${people.size} 人；如 ${maskId(top.a)} 与 ${maskId(top.b)} 的 ${top.length} 题中 ${top.equal} 题答案相同`,
          evidence: {
            pairs: pairs.length,
            candidates_compared: list.length,
            min_equal_share: minShare,
            rows: pairs.slice(0, 50).map((p) => ({
              id_number_a: p.a,
              id_number_b: p.b,
              answers: p.length,
              equal: p.equal,
              share: Math.round((p.equal / p.length) * 1000) / 1000,
              answers_a: byId.get(p.a)?.answers,
              answers_b: byId.get(p.b)?.answers,
              passed_a: byId.get(p.a)?.passed,
              passed_b: byId.get(p.b)?.passed,
            })),
          },
          related: refs(['institution', [e.institution_id]], ['person', [...people].slice(0, 50)]),
        });
      }
    }
    return findings;
  },
};

// EV-CLASH

/**
 * Two kinds of rows, one clue per person:
 * - candidate: non-absent results of the same person in two exams whose times overlap by at
 *   least `min_overlap_minutes`;
 * - examiner: a person listed in an exam's examiner_id_numbers who, on the exam date, is staff
 *   (staff.from/to) of an institution in whose classes candidates of that exam were enrolled.
 */
function clashRows(ctx: RuleContext): string {
  const d = ctx.d;
  const date = 'CAST(ex.starts_at AS DATE)';
  // Candidate clashes: the overlapping-interval pairing shared with TR-OVERLAP and
  // TR-TEACHER-CLASH (kit/overlap.ts), an exam standing for both "session" and "group".
  return `WITH cx AS (
      SELECT r.id_number, r.exam_id AS session_id, r.exam_id AS class_id, e.starts_at, e.ends_at
      FROM exam_results r JOIN exams e ON e.exam_id = r.exam_id WHERE NOT COALESCE(r.absent, FALSE) AND e.ends_at > e.starts_at),
    ${pairsCte(ctx, 'cx')},
    cand AS (
      SELECT p.id_number AS subject_id, 'candidate' AS kind, p.session_1 AS exam_id, p.starts_1 AS starts_at, p.ends_1 AS ends_at,
        p.session_2 AS other_exam_id, p.starts_2 AS other_starts_at, p.ends_2 AS other_ends_at,
        (${d.epoch('p.overlap_to')} - ${d.epoch('p.overlap_from')}) / 60.0 AS overlap_minutes,
        CAST(NULL AS VARCHAR) AS staff_institution_id, CAST(NULL AS VARCHAR) AS staff_role, 0 AS candidates_n,
        CAST(NULL AS VARCHAR) AS class_id, e1.institution_id
      FROM pairs p JOIN exams e1 ON e1.exam_id = p.session_1),
    ex AS (
      SELECT exam_id, institution_id, starts_at, ends_at, TRIM(examiner) AS examiner FROM (
        SELECT exam_id, institution_id, starts_at, ends_at, ${d.unnestSplit('examiner_id_numbers', "';'")} AS examiner
        FROM exams WHERE examiner_id_numbers IS NOT NULL) u),
    taught AS (
      SELECT r.exam_id, cl.institution_id, COUNT(DISTINCT r.id_number) AS candidates_n, MIN(cl.class_id) AS class_id
      FROM exam_results r JOIN enrollments en ON en.id_number = r.id_number JOIN classes cl ON cl.class_id = en.class_id
      GROUP BY r.exam_id, cl.institution_id),
    exr AS (
      SELECT ex.examiner AS subject_id, 'examiner' AS kind, ex.exam_id, ex.starts_at, ex.ends_at, CAST(NULL AS VARCHAR) AS other_exam_id,
        CAST(NULL AS TIMESTAMP) AS other_starts_at, CAST(NULL AS TIMESTAMP) AS other_ends_at, CAST(NULL AS DOUBLE PRECISION) AS overlap_minutes,
        s.institution_id AS staff_institution_id, s.role AS staff_role, tg.candidates_n, tg.class_id, ex.institution_id
      FROM ex JOIN staff s ON s.id_number = ex.examiner
          AND (s.${d.ident('from')} IS NULL OR s.${d.ident('from')} <= ${date}) AND (s.${d.ident('to')} IS NULL OR s.${d.ident('to')} >= ${date})
        JOIN taught tg ON tg.exam_id = ex.exam_id AND tg.institution_id = s.institution_id
      WHERE ex.examiner <> ''),
    u AS (SELECT * FROM cand UNION ALL SELECT * FROM exr)
    SELECT u.*, i.region_code FROM u LEFT JOIN institutions i ON i.institution_id = u.institution_id`;
}

const EV_CLASH: SqlRule = {
  id: 'EV-CLASH',
  title: '考生分身或考评员回避冲突',
  family: 'evaluation',
  subject: 'person',
  severity: 'high',
  needs: ['exams', 'exam_results'],
  optional: ['enrollments', 'classes', 'staff', 'institutions'],
  params: [{ name: 'min_overlap_minutes', default: 1, description: '同一考生两场考试时间重叠的最短时长（分钟）', min: 0 }],
  description: '同一考生同时参加两场时间重叠的考试；或考评员是培训过该批次考生的机构的在职人员（应回避）。',
  kind: 'sql',
  detect: (ctx) =>
    firstPerSubject(
      clashRows(ctx),
      'kind, starts_at, exam_id',
      `, SUM(CASE WHEN kind = 'candidate' THEN 1 ELSE 0 END) OVER (PARTITION BY subject_id) AS candidate_n,
         SUM(CASE WHEN kind = 'examiner' THEN 1 ELSE 0 END) OVER (PARTITION BY subject_id) AS examiner_n`,
    ),
  evidence: (ctx) => `${clashRows(ctx)} ORDER BY kind, starts_at, exam_id`,
  finding(r, ev) {
    const parts: string[] = [];
    const cands = ev.filter((e) => e.kind === 'candidate');
    const exms = ev.filter((e) => e.kind === 'examiner');
    if (cands.length) {
      const c = cands[0];
      parts.push(
        `作为考生同时参加 ${str(c.exam_id)}（${minute(c.starts_at)}）与 ${str(c.other_exam_id)}（${minute(c.other_starts_at)}）两场考试，重叠 ${Math.round(num(c.overlap_minutes))} 分钟` +
          (num(r.candidate_n) > 1 ? `等 ${num(r.candidate_n)} 处` : ''),
      );
    }
    if (exms.length) {
      const x = exms[0];
      parts.push(
        `担任 ${str(x.exam_id)} 考评员，却是机构 ${str(x.staff_institution_id)} 的在职人员，该批次有 ${num(x.candidates_n)} 名考生在该机构参加培训（如 ${str(x.class_id)}）` +
          (num(r.examiner_n) > 1 ? `，共 ${num(r.examiner_n)} 处` : ''),
      );
    }
    const n = num(r.items_n);
    return {
      subject: { type: 'person', id: str(r.subject_id)! },
      score: clampScore(0.6 + 0.1 * (n - 1) + (cands.length && exms.length ? 0.1 : 0)),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary: `${maskId(r.subject_id)} ${parts.join('；')}`,
      evidence: { candidate_clashes: num(r.candidate_n), examiner_conflicts: num(r.examiner_n), rows: clean(ev) },
      related: refs(
        ['exam', [...distinct(ev, 'exam_id'), ...distinct(ev, 'other_exam_id')]],
        ['institution', [...distinct(ev, 'institution_id'), ...distinct(ev, 'staff_institution_id')]],
        ['class', distinct(ev, 'class_id')],
      ),
    };
  },
};

export const RESULT_RULES: Rule[] = [EV_PASS_RATE, EV_ANSWERS, EV_CLASH];
