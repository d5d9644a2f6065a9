/**
 * Evaluation and certificate rules of RULES.md (EV-*), over exams, exam_results,
 * certificates, eval_scopes, institutions, staff, classes and enrollments.
 *
 * Conventions used throughout:
 * - an exam's date is the date of its `starts_at`;
 * - a *passed candidate* is an exam_results row with passed = true and absent not true;
 * - a certificate with status `void`/`revoked` does not count as held (EV-ELIGIBILITY).
 * These tables are small next to attendance and online events (thousands of exams,
 * ≤ a few million results), so SQL rules with a detect and an evidence query are fine.
 */
import type { Row } from '../../store/db.ts';
import type { CodeRule, Finding, Rule, RuleContext, SqlRule } from '../types.ts';
import { clampScore, distinct, toNumber as num, str } from '../kit/index.ts';
import { listIds, maskId, minute, refs, sqlStr } from '../kit/index.ts';

const LEVEL_ZH: Record<number, string> = { 5: '五级/初级工', 4: '四级/中级工', 3: '三级/高级工', 2: '二级/技师', 1: '一级/高级技师' };
const levelZh = (v: unknown) => LEVEL_ZH[Number(v)] ?? `${str(v)}级`;

/** Wrap per-item rows (with subject_id) so that detect returns the first per subject plus `items_n`. */
const firstPerSubject = (inner: string, order: string, extra = '') => `SELECT * FROM (
    SELECT x.*, COUNT(*) OVER (PARTITION BY subject_id) AS items_n${extra},
      ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY ${order}) AS rn
    FROM (${inner}) x) y WHERE rn = 1`;

/** Evidence rows without bookkeeping columns. */
const clean = (rows: Row[]) =>
  rows.map((r) => {
    const { subject_id: _s, rn: _r, items_n: _i, ...rest } = r;
    return rest;
  });

const PASSED = `r.passed AND NOT COALESCE(r.absent, FALSE)`;

// ---------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------
// EV-ELIGIBILITY: the application-conditions table as a setting.

/**
 * Condition table syntax (parameter `conditions`): entries `level:expression` separated by
 * `;`. An expression combines
 *   `Lk` — holds a level-k certificate of the same occupation issued before the exam,
 *   `n`  — experience_years ≥ n (a number),
 *   `E`  — basis = `education`,
 * with `&` (and, binds tighter), `|` (or) and parentheses; an empty expression means no
 * condition. A level without an entry has no condition. Spaces are ignored.
 * RULES.md's table: `5:;4:L5&4|6|E;3:L4&(5|E&2);2:L3&(4|E&3);1:L2&4`.
 */
export const DEFAULT_CONDITIONS = '5:;4:L5&4|6|E;3:L4&(5|E&2);2:L3&(4|E&3);1:L2&4';

export type Cond =
  | { op: 'true' }
  | { op: 'cert'; level: number }
  | { op: 'years'; years: number }
  | { op: 'edu' }
  | { op: 'and' | 'or'; args: Cond[] };

/** Parse and validate a condition table; throws a Chinese message on a syntax error. */
export function parseConditions(text: string): Map<number, Cond> {
  const fail = (why: string): never => {
    throw new Error(`EV-ELIGIBILITY 参数 conditions 格式错误：${why}（示例：${DEFAULT_CONDITIONS}）`);
  };
  const out = new Map<number, Cond>();
  const src = String(text).replace(/\s+/g, '');
  for (const entry of src.split(';')) {
    if (entry === '') continue;
    const m = /^([1-5]):(.*)$/.exec(entry);
    if (!m) fail(`“${entry}” 应为 等级:条件，等级为 1–5`);
    const level = Number(m![1]);
    if (out.has(level)) fail(`等级 ${level} 重复`);
    const s = m![2];
    let i = 0;
    const peek = () => s[i];
    const expr = (): Cond => {
      const args = [term()];
      while (peek() === '|') (i++, args.push(term()));
      return args.length === 1 ? args[0] : { op: 'or', args };
    };
    const term = (): Cond => {
      const args = [factor()];
      while (peek() === '&') (i++, args.push(factor()));
      return args.length === 1 ? args[0] : { op: 'and', args };
    };
    const factor = (): Cond => {
      const c = peek();
      if (c === '(') {
        i++;
        const e = expr();
        if (peek() !== ')') fail(`等级 ${level} 的条件缺少右括号`);
        i++;
        return e;
      }
      if (c === 'L' || c === 'l') {
        const d = /^[1-5]/.exec(s.slice(i + 1));
        if (!d) fail(`等级 ${level} 的条件中 L 后应为证书等级 1–5`);
        i += 2;
        return { op: 'cert', level: Number(d![0]) };
      }
      if (c === 'E' || c === 'e') return i++, { op: 'edu' };
      const n = /^\d+(\.\d+)?/.exec(s.slice(i));
      if (!n) fail(`等级 ${level} 的条件在“${s.slice(i) || '结尾'}”处无法识别（应为 Lk、年限数字、E 或括号）`);
      i += n![0].length;
      return { op: 'years', years: Number(n![0]) };
    };
    if (s === '') {
      out.set(level, { op: 'true' });
      continue;
    }
    const cond = expr();
    if (i !== s.length) fail(`等级 ${level} 的条件在“${s.slice(i)}”处多余`);
    out.set(level, cond);
  }
  return out;
}

/** SQL boolean of a condition over columns has_l1..has_l5, yrs, edu. */
function condSql(c: Cond): string {
  switch (c.op) {
    case 'true':
      return 'TRUE';
    case 'cert':
      return `has_l${c.level}`;
    case 'years':
      return `yrs >= ${Number(c.years)}`;
    case 'edu':
      return 'edu';
    default:
      return `(${c.args.map(condSql).join(c.op === 'and' ? ' AND ' : ' OR ')})`;
  }
}

/** Chinese wording of a condition, for summaries. */
export function condZh(c: Cond, top = true): string {
  switch (c.op) {
    case 'true':
      return '无';
    case 'cert':
      return `持本职业${levelZh(c.level)}证书`;
    case 'years':
      return `工作满${c.years}年`;
    case 'edu':
      return '学历条件';
    default: {
      const s = c.args.map((a) => condZh(a, false)).join(c.op === 'and' ? '且' : '或');
      return top ? s : `（${s}）`;
    }
  }
}

function eligibilityRows(ctx: RuleContext): string {
  const table = parseConditions(String(ctx.params.conditions));
  const cases = [...table].map(([lv, c]) => `WHEN ${lv} THEN ${condSql(c)}`).join(' ');
  const certOk = `c.occupation_code = r.occupation_code AND c.issued_on < r.exam_date AND COALESCE(c.status, 'valid') NOT IN ('void', 'revoked')`;
  const has = [1, 2, 3, 4, 5].map((k) => `COALESCE(MAX(CASE WHEN h.level = ${k} THEN 1 ELSE 0 END), 0) = 1 AS has_l${k}`).join(', ');
  return `WITH r AS (
      SELECT r.exam_id, r.id_number, r.basis, r.experience_years, r.prior_certificate_no, r.src_file, r.src_line,
        e.occupation_code, e.level, e.starts_at, e.institution_id, CAST(e.starts_at AS DATE) AS exam_date
      FROM exam_results r JOIN exams e ON e.exam_id = r.exam_id WHERE ${PASSED}),
    held AS (
      SELECT r.exam_id, r.id_number, c.level, c.certificate_no FROM r JOIN certificates c ON c.id_number = r.id_number WHERE ${certOk}
      UNION
      SELECT r.exam_id, r.id_number, c.level, c.certificate_no FROM r JOIN certificates c ON c.certificate_no = r.prior_certificate_no WHERE ${certOk}),
    chk AS (
      SELECT r.*, ${has}, STRING_AGG(DISTINCT CAST(h.level AS VARCHAR), ',') AS held_levels,
        MIN(h.certificate_no) AS held_certificate_no,
        COALESCE(r.experience_years, 0) AS yrs, COALESCE(r.basis = 'education', FALSE) AS edu
      FROM r LEFT JOIN held h ON h.exam_id = r.exam_id AND h.id_number = r.id_number
      GROUP BY r.exam_id, r.id_number, r.basis, r.experience_years, r.prior_certificate_no, r.src_file, r.src_line,
        r.occupation_code, r.level, r.starts_at, r.institution_id, r.exam_date)
    SELECT chk.id_number AS subject_id, chk.exam_id, chk.occupation_code, chk.level, chk.starts_at, chk.institution_id,
      i.region_code, chk.basis, chk.experience_years, chk.prior_certificate_no, chk.held_levels, chk.held_certificate_no,
      chk.src_file, chk.src_line
    FROM chk LEFT JOIN institutions i ON i.institution_id = chk.institution_id
    WHERE NOT COALESCE(CASE chk.level ${cases || 'WHEN 0 THEN TRUE'} ELSE TRUE END, FALSE)`;
}

const EV_ELIGIBILITY: SqlRule = {
  id: 'EV-ELIGIBILITY',
  title: '不符合申报条件取证',
  family: 'evaluation',
  subject: 'person',
  severity: 'medium',
  needs: ['exams', 'exam_results', 'certificates'],
  params: [
    {
      name: 'conditions',
      default: DEFAULT_CONDITIONS,
      description:
        '各等级申报条件表：“等级:条件”以分号分隔；Lk=持同职业k级证书（考试前发证），数字n=工作满n年，E=学历条件，&=且，|=或，可用括号，条件为空表示无要求',
      validate: (v) => {
        try {
          parseConditions(String(v));
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    },
  ],
  description: '考试合格的考生不满足该等级的申报条件（如申报三级须持四级证书且工作满5年，或具备学历条件且工作满2年）。',
  kind: 'sql',
  detect: (ctx) => firstPerSubject(eligibilityRows(ctx), 'starts_at, exam_id'),
  evidence: (ctx) => `${eligibilityRows(ctx)} ORDER BY starts_at`,
  finding(r, ev, ctx) {
    const table = parseConditions(String(ctx.params.conditions));
    const cond = table.get(Number(r.level));
    const n = num(r.items_n);
    const held = str(r.held_levels);
    const facts = [
      held ? `持有本职业 ${held} 级证书` : '无本职业更低等级证书',
      `工作年限 ${r.experience_years == null ? '未填' : `${str(r.experience_years)}年`}`,
      `申报条件 ${str(r.basis) ?? '未填'}`,
    ];
    return {
      subject: { type: 'person', id: str(r.subject_id)! },
      score: clampScore(0.55 + 0.1 * (n - 1)),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary:
        `考生 ${maskId(r.subject_id)} 在 ${str(r.exam_id)}（${str(r.occupation_code)} ${levelZh(r.level)}，${minute(r.starts_at).slice(0, 10)}）考试合格，` +
        `但不符合申报条件“${cond ? condZh(cond) : '—'}”：${facts.join('，')}` +
        (n > 1 ? `；共 ${n} 个批次如此` : ''),
      evidence: { exams: n, conditions: String(ctx.params.conditions), rows: clean(ev) },
      related: refs(['exam', distinct(ev.length ? ev : [r], 'exam_id')], ['institution', [r.institution_id]], ['certificate', [r.held_certificate_no]]),
    };
  },
};

// ---------------------------------------------------------------------------------------
// EV-NO-EXAM

/**
 * A certificate row is flagged when no passed, non-absent result of its holder exists for an
 * exam of the same occupation and level (`no_passed_result`), or when every such exam ended
 * after the issue date, or the exam the certificate cites ended after it
 * (`issued_before_exam_end`; dates compared by day: an exam ending on the issue day is fine).
 */
const noExamRows = `SELECT * FROM (
    SELECT c.certificate_no AS subject_id, c.id_number, c.occupation_code, c.level, c.institution_id, c.exam_id, c.issued_on, c.status,
      c.src_file, c.src_line, i.region_code, COALESCE(pe.passed_results, 0) AS passed_results, pe.first_end,
      ce.ends_at AS cited_exam_ends_at
    FROM certificates c LEFT JOIN institutions i ON i.institution_id = c.institution_id
      LEFT JOIN exams ce ON ce.exam_id = c.exam_id
      LEFT JOIN (
        SELECT r.id_number, e.occupation_code, e.level, COUNT(*) AS passed_results, MIN(CAST(e.ends_at AS DATE)) AS first_end
        FROM exam_results r JOIN exams e ON e.exam_id = r.exam_id WHERE ${PASSED}
        GROUP BY r.id_number, e.occupation_code, e.level) pe
        ON pe.id_number = c.id_number AND pe.occupation_code = c.occupation_code AND pe.level = c.level) x
  WHERE passed_results = 0 OR first_end > issued_on OR CAST(cited_exam_ends_at AS DATE) > issued_on`;

const EV_NO_EXAM: SqlRule = {
  id: 'EV-NO-EXAM',
  title: '无考试成绩发证',
  family: 'evaluation',
  subject: 'certificate',
  severity: 'high',
  needs: ['certificates', 'exams', 'exam_results'],
  params: [],
  description: '证书持有人没有该职业、等级合格且未缺考的考试成绩，或证书在考试结束之前就已发出。',
  kind: 'sql',
  detect: () => firstPerSubject(noExamRows, 'issued_on, id_number'),
  evidence: () => `SELECT c.subject_id, r.exam_id, r.passed, r.absent, r.theory_score, r.practical_score,
      e.occupation_code, e.level, e.starts_at, e.ends_at
    FROM (${noExamRows}) c JOIN exam_results r ON r.id_number = c.id_number
      JOIN exams e ON e.exam_id = r.exam_id AND e.occupation_code = c.occupation_code AND e.level = c.level
    ORDER BY e.ends_at`,
  finding(r, ev) {
    const noResult = num(r.passed_results) === 0;
    const why = noResult
      ? ev.length
        ? `持证人在该职业等级的 ${ev.length} 条考试成绩均未合格或缺考`
        : '持证人无该职业等级的考试成绩'
      : `发证日期早于考试结束（${r.cited_exam_ends_at ? `所引批次 ${str(r.exam_id)} 于 ${minute(r.cited_exam_ends_at)} 结束` : '合格批次均在发证后结束'}）`;
    return {
      subject: { type: 'certificate', id: str(r.subject_id)! },
      score: noResult ? 0.9 : 0.7,
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary: `证书 ${str(r.subject_id)}（${maskId(r.id_number)}，${str(r.occupation_code)} ${levelZh(r.level)}，${str(r.issued_on)} 由 ${str(r.institution_id)} 发证）：${why}`,
      evidence: {
        reason: noResult ? 'no_passed_result' : 'issued_before_exam_end',
        certificate: {
          certificate_no: r.subject_id,
          id_number: r.id_number,
          occupation_code: r.occupation_code,
          level: r.level,
          exam_id: r.exam_id,
          issued_on: r.issued_on,
          status: r.status,
          src_file: r.src_file,
          src_line: r.src_line,
        },
        cited_exam_ends_at: r.cited_exam_ends_at,
        rows: clean(ev),
      },
      related: refs(['person', [r.id_number]], ['institution', [r.institution_id]], ['exam', [r.exam_id, ...ev.map((e) => e.exam_id)]]),
    };
  },
};

// ---------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------
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
  const ov = Number(ctx.params.min_overlap_minutes) * 60;
  const date = 'CAST(ex.starts_at AS DATE)';
  return `WITH cx AS (
      SELECT r.id_number, r.exam_id, e.institution_id, e.starts_at, e.ends_at, ${d.epoch('e.starts_at')} AS s, ${d.epoch('e.ends_at')} AS t
      FROM exam_results r JOIN exams e ON e.exam_id = r.exam_id WHERE NOT COALESCE(r.absent, FALSE)),
    cand AS (
      SELECT a.id_number AS subject_id, 'candidate' AS kind, a.exam_id, a.starts_at, a.ends_at, b.exam_id AS other_exam_id,
        b.starts_at AS other_starts_at, b.ends_at AS other_ends_at, (LEAST(a.t, b.t) - GREATEST(a.s, b.s)) / 60.0 AS overlap_minutes,
        CAST(NULL AS VARCHAR) AS staff_institution_id, CAST(NULL AS VARCHAR) AS staff_role, 0 AS candidates_n,
        CAST(NULL AS VARCHAR) AS class_id, a.institution_id
      FROM cx a JOIN cx b ON b.id_number = a.id_number AND a.exam_id < b.exam_id
      WHERE LEAST(a.t, b.t) - GREATEST(a.s, b.s) >= ${ov}),
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

// ---------------------------------------------------------------------------------------
// EV-MILL

/** Windows anchored at each certificate: certificates issued 0..window_days days later. */
function millWindows(ctx: RuleContext): string {
  const days = ctx.d.daysBetween('b.issued_on', 'a.issued_on');
  return `SELECT a.id_number, a.issued_on AS window_start, MAX(b.issued_on) AS window_end,
      COUNT(DISTINCT b.occupation_code) AS occupations_n, COUNT(DISTINCT b.certificate_no) AS certificates_n
    FROM certificates a JOIN certificates b ON b.id_number = a.id_number AND b.issued_on >= a.issued_on
    WHERE ${days} <= ${Number(ctx.params.window_days)}
    GROUP BY a.id_number, a.issued_on
    HAVING COUNT(DISTINCT b.occupation_code) >= ${Number(ctx.params.min_occupations)}`;
}

const EV_MILL: SqlRule = {
  id: 'EV-MILL',
  title: '短期内取得多个职业证书（证书倒卖）',
  family: 'evaluation',
  subject: 'person',
  severity: 'medium',
  needs: ['certificates'],
  params: [
    { name: 'min_occupations', default: 3, description: '时间窗内取得证书的不同职业数下限（个）', min: 2 },
    { name: 'window_days', default: 30, description: '时间窗长度：首末证书发证日期相差不超过该天数（天）', min: 0 },
  ],
  description: '同一人在很短时间内取得多个不同职业的证书，疑似证书买卖或挂名取证。',
  kind: 'sql',
  detect: (ctx) => `SELECT * FROM (
      SELECT w.id_number AS subject_id, w.window_start, w.window_end, w.occupations_n, w.certificates_n,
        COUNT(*) OVER (PARTITION BY w.id_number) AS windows_n,
        ROW_NUMBER() OVER (PARTITION BY w.id_number ORDER BY w.occupations_n DESC, w.window_start) AS rn
      FROM (${millWindows(ctx)}) w) y WHERE rn = 1`,
  evidence: (ctx) => `SELECT DISTINCT b.id_number AS subject_id, b.certificate_no, b.occupation_code, b.level, b.institution_id, b.exam_id,
      b.issued_on, b.status, i.region_code
    FROM (${millWindows(ctx)}) w JOIN certificates b ON b.id_number = w.id_number AND b.issued_on >= w.window_start AND b.issued_on <= w.window_end
      LEFT JOIN institutions i ON i.institution_id = b.institution_id
    ORDER BY issued_on, certificate_no`,
  finding(r, ev, ctx) {
    const minOcc = Number(ctx.params.min_occupations);
    const occ = num(r.occupations_n);
    const inWin = ev.filter((e) => str(e.issued_on)! >= str(r.window_start)! && str(e.issued_on)! <= str(r.window_end)!);
    const insts = distinct(ev, 'institution_id');
    return {
      subject: { type: 'person', id: str(r.subject_id)! },
      score: clampScore(0.5 + 0.15 * (occ - minOcc)),
      region_code: distinct(ev, 'region_code')[0] ?? null,
      institution_id: insts.length === 1 ? insts[0] : null,
      summary:
        `${maskId(r.subject_id)} 在 ${str(r.window_start)} 至 ${str(r.window_end)} 间取得 ${occ} 个不同职业的 ${num(r.certificates_n)} 本证书` +
        `（${listIds(distinct(inWin, 'occupation_code'))}，发证机构 ${listIds(distinct(inWin, 'institution_id'))}）`,
      evidence: { occupations: occ, window_start: r.window_start, window_end: r.window_end, rows: clean(ev) },
      related: refs(['certificate', distinct(ev, 'certificate_no')], ['institution', insts]),
    };
  },
};

// ---------------------------------------------------------------------------------------
// EV-CAPACITY

const capacityRows = `WITH cc AS (
      SELECT exam_id, COUNT(DISTINCT certificate_no) AS certificates_n FROM certificates WHERE exam_id IS NOT NULL GROUP BY exam_id),
    pr AS (
      SELECT exam_id, COUNT(*) FILTER (WHERE passed AND NOT COALESCE(absent, FALSE)) AS passed_n, COUNT(*) AS results_n
      FROM exam_results GROUP BY exam_id)
    SELECT e.institution_id AS subject_id, e.exam_id, e.occupation_code, e.level, e.starts_at, e.capacity,
      COALESCE(pr.passed_n, 0) AS passed_n, COALESCE(pr.results_n, 0) AS results_n, cc.certificates_n, i.region_code,
      cc.certificates_n > e.capacity AS over_capacity, cc.certificates_n > COALESCE(pr.passed_n, 0) AS over_passed
    FROM exams e JOIN cc ON cc.exam_id = e.exam_id LEFT JOIN pr ON pr.exam_id = e.exam_id
      LEFT JOIN institutions i ON i.institution_id = e.institution_id
    WHERE cc.certificates_n > e.capacity OR cc.certificates_n > COALESCE(pr.passed_n, 0)`;

const EV_CAPACITY: SqlRule = {
  id: 'EV-CAPACITY',
  title: '发证数超过考位或合格人数',
  family: 'evaluation',
  subject: 'institution',
  severity: 'high',
  needs: ['exams', 'exam_results', 'certificates'],
  params: [],
  description: '机构某考试批次对应的证书数多于该批次考位数，或多于该批次合格人数（多发证书）。',
  kind: 'sql',
  detect: () =>
    firstPerSubject(
      capacityRows,
      '(certificates_n - passed_n) DESC, exam_id',
      `, SUM(certificates_n - passed_n) OVER (PARTITION BY subject_id) AS excess_total`,
    ),
  evidence: () => `${capacityRows} ORDER BY e.starts_at, e.exam_id`,
  finding(r, ev) {
    const n = num(r.items_n);
    const over = [
      r.over_capacity ? `超过考位数 ${num(r.capacity)}` : '',
      r.over_passed ? `超过合格人数 ${num(r.passed_n)}` : '',
    ].filter(Boolean);
    return {
      subject: { type: 'institution', id: str(r.subject_id)! },
      score: clampScore(0.6 + 0.05 * n + Math.min(0.3, Math.max(0, num(r.excess_total)) / 100)),
      region_code: str(r.region_code),
      institution_id: str(r.subject_id),
      summary:
        `机构 ${str(r.subject_id)} 的考试批次 ${str(r.exam_id)}（${str(r.occupation_code)} ${levelZh(r.level)}，${minute(r.starts_at)}）` +
        `对应证书 ${num(r.certificates_n)} 本，${over.join('、')}` +
        (n > 1 ? `；共 ${n} 个批次如此` : ''),
      evidence: { exams: n, rows: clean(ev) },
      related: refs(['exam', distinct(ev.length ? ev : [r], 'exam_id')]),
    };
  },
};

// ---------------------------------------------------------------------------------------
// EV-CERT-DATA

function certDataRows(ctx: RuleContext): string {
  const late = ctx.d.daysBetween('c.uploaded_on', 'c.issued_on');
  return `SELECT * FROM (
      SELECT c.certificate_no AS subject_id, c.id_number, c.occupation_code, c.level, c.institution_id, c.exam_id, c.issued_on,
        c.uploaded_on, c.status, c.src_file, c.src_line, i.region_code,
        COUNT(*) OVER (PARTITION BY c.certificate_no) AS rows_n,
        CASE WHEN c.uploaded_on IS NULL THEN NULL ELSE ${late} END AS upload_delay_days
      FROM certificates c LEFT JOIN institutions i ON i.institution_id = c.institution_id) x
    WHERE rows_n > 1 OR uploaded_on IS NULL OR upload_delay_days > ${Number(ctx.params.max_upload_days)}`;
}

const EV_CERT_DATA: SqlRule = {
  id: 'EV-CERT-DATA',
  title: '证书编号重复或未按时上传全国库',
  family: 'evaluation',
  subject: 'certificate',
  severity: 'medium',
  needs: ['certificates'],
  params: [{ name: 'max_upload_days', default: 30, description: '发证后上传全国证书库的最长期限（天）', min: 0 }],
  description: '同一证书编号对应多条不同的证书记录，或证书从未上传全国证书查询库，或发证后超期上传。',
  kind: 'sql',
  detect: (ctx) => firstPerSubject(certDataRows(ctx), 'issued_on, id_number, institution_id'),
  evidence: (ctx) => `${certDataRows(ctx)} ORDER BY issued_on, id_number`,
  finding(r, ev, ctx) {
    const maxDays = Number(ctx.params.max_upload_days);
    const dup = num(r.rows_n) > 1;
    const never = ev.some((e) => e.uploaded_on == null);
    const lateRows = ev.filter((e) => e.upload_delay_days != null && num(e.upload_delay_days) > maxDays);
    const parts: string[] = [];
    if (dup) parts.push(`同一编号有 ${num(r.rows_n)} 条不同记录（持证人 ${listIds(distinct(ev, 'id_number').map(maskId))}）`);
    if (never) parts.push('从未上传全国证书库');
    if (lateRows.length) parts.push(`发证 ${num(lateRows[0].upload_delay_days)} 天后才上传全国库（${str(lateRows[0].issued_on)} 发证，${str(lateRows[0].uploaded_on)} 上传）`);
    const severity = dup ? 'high' : never ? 'medium' : 'low';
    return {
      subject: { type: 'certificate', id: str(r.subject_id)! },
      severity,
      score: clampScore(dup ? 0.85 : never ? 0.6 : 0.4 + Math.min(0.4, (num(lateRows[0]?.upload_delay_days) - maxDays) / 365)),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary: `证书 ${str(r.subject_id)}（${str(r.occupation_code)} ${levelZh(r.level)}，${str(r.institution_id)} 发证）：${parts.join('；')}`,
      evidence: { duplicate: dup, never_uploaded: never, late_upload: lateRows.length > 0, max_upload_days: maxDays, rows: clean(ev) },
      related: refs(['person', distinct(ev, 'id_number')], ['institution', distinct(ev, 'institution_id')], ['exam', distinct(ev, 'exam_id')]),
    };
  },
};

/** Evaluation and certificate rules, in RULES.md order. */
export const EVALUATION_RULES: Rule[] = [EV_SCOPE, EV_ELIGIBILITY, EV_NO_EXAM, EV_PASS_RATE, EV_ANSWERS, EV_CLASH, EV_MILL, EV_CAPACITY, EV_CERT_DATA];
