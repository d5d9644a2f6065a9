/**
 * Application conditions of passed candidates: EV-ELIGIBILITY, with its condition table as a setting.
 */
import type { Rule, RuleContext, SqlRule } from '../../types.ts';
import { clampScore, cleanRows as clean, distinct, firstPerSubject, maskId, minute, refs, str, text, toNumber as num } from '../../kit/index.ts';
import { levelZh, PASSED } from './common.ts';

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

/**
 * Passed candidates who fail the condition of their exam's level, one row per (exam,
 * candidate). A prior certificate counts only when the candidate holds it: present in
 * `certificates` under the candidate's id_number, same occupation, issued before the exam
 * date, not void/revoked (RULES.md "Lk"). A prior_certificate_no that names someone else's
 * certificate is 伪造报名资格: it gives the candidate nothing, and the row carries the real
 * holder (`cited_holder`) so the clue can say so.
 */
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
      SELECT r.exam_id, r.id_number, c.level, c.certificate_no FROM r JOIN certificates c ON c.id_number = r.id_number WHERE ${certOk}),
    cited AS (
      SELECT r.exam_id, r.id_number, COUNT(*) AS cited_n,
        MAX(CASE WHEN c.id_number = r.id_number THEN 1 ELSE 0 END) AS cited_own,
        MIN(CASE WHEN c.id_number <> r.id_number THEN c.id_number END) AS cited_holder,
        MIN(CASE WHEN c.id_number <> r.id_number THEN c.occupation_code END) AS cited_occupation_code,
        MIN(CASE WHEN c.id_number <> r.id_number THEN c.level END) AS cited_level,
        MIN(CASE WHEN c.id_number <> r.id_number THEN c.issued_on END) AS cited_issued_on
      FROM r JOIN certificates c ON c.certificate_no = r.prior_certificate_no
      GROUP BY r.exam_id, r.id_number),
    chk AS (
      SELECT r.*, ${has}, STRING_AGG(DISTINCT CAST(h.level AS VARCHAR), ',') AS held_levels,
        MIN(h.certificate_no) AS held_certificate_no,
        COALESCE(r.experience_years, 0) AS yrs, COALESCE(r.basis = 'education', FALSE) AS edu
      FROM r LEFT JOIN held h ON h.exam_id = r.exam_id AND h.id_number = r.id_number
      GROUP BY r.exam_id, r.id_number, r.basis, r.experience_years, r.prior_certificate_no, r.src_file, r.src_line,
        r.occupation_code, r.level, r.starts_at, r.institution_id, r.exam_date)
    SELECT chk.id_number AS subject_id, chk.exam_id, chk.occupation_code, chk.level, chk.starts_at, chk.institution_id,
      i.region_code, chk.basis, chk.experience_years, chk.prior_certificate_no, chk.held_levels, chk.held_certificate_no,
      COALESCE(ct.cited_n, 0) AS cited_found,
      CASE WHEN COALESCE(ct.cited_own, 0) = 0 THEN ct.cited_holder END AS cited_holder,
      ct.cited_occupation_code, ct.cited_level, ct.cited_issued_on,
      chk.src_file, chk.src_line
    FROM chk LEFT JOIN institutions i ON i.institution_id = chk.institution_id
      LEFT JOIN cited ct ON ct.exam_id = chk.exam_id AND ct.id_number = chk.id_number
    WHERE NOT COALESCE(CASE chk.level ${cases || 'WHEN 0 THEN TRUE'} ELSE TRUE END, FALSE)`;
}

const BASIS_ZH: Record<string, string> = { prior_certificate: '前置证书', experience: '工作年限', education: '学历', other: '其他' };

const EV_ELIGIBILITY: SqlRule = {
  id: 'EV-ELIGIBILITY',
  title: '不符合申报条件取证',
  family: 'evaluation',
  subject: 'person',
  severity: 'medium',
  needs: ['exams', 'exam_results', 'certificates'],
  optional: ['institutions'],
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
  description: '考试合格的考生不满足该等级的申报条件（如申报三级须持四级证书且工作满5年，或具备学历条件且工作满2年）；前置证书须为考生本人所持（证书数据中本人身份证号名下、同职业、考试前发证），引用他人证书为伪造报名资格。',
  kind: 'sql',
  detect: (ctx) => firstPerSubject(eligibilityRows(ctx), 'CASE WHEN cited_holder IS NULL THEN 1 ELSE 0 END, starts_at, exam_id'),
  evidence: (ctx) => `${eligibilityRows(ctx)} ORDER BY starts_at`,
  finding(r, ev, ctx) {
    const table = parseConditions(String(ctx.params.conditions));
    const cond = table.get(Number(r.level));
    const n = num(r.items_n);
    const held = str(r.held_levels);
    const prior = str(r.prior_certificate_no);
    const forged = r.cited_holder != null;
    const basis = str(r.basis);
    const facts = [
      ...(forged ? [`引用的前置证书 ${prior} 属于他人（${maskId(r.cited_holder)}，伪造报名资格）`] : []),
      ...(prior && !forged && num(r.cited_found) === 0 ? [`引用的前置证书 ${prior} 不在证书数据中`] : []),
      held ? `持有本职业 ${held} 级证书` : '本人无考试前取得的本职业证书',
      `工作年限 ${r.experience_years == null ? '未填' : `${text(r.experience_years)}年`}`,
      `申报依据 ${basis == null ? '未填' : (BASIS_ZH[basis] ?? basis)}`,
    ];
    // Evidence names the real holder of a cited certificate only masked: it is a third person.
    const masked = (rows: typeof ev) => clean(rows).map((e) => (e.cited_holder == null ? e : { ...e, cited_holder: maskId(e.cited_holder) }));
    return {
      subject: { type: 'person', id: text(r.subject_id) },
      ...(forged ? { severity: 'high' as const } : {}),
      score: clampScore((forged ? 0.8 : 0.55) + 0.1 * (n - 1)),
      region_code: str(r.region_code),
      institution_id: str(r.institution_id),
      summary:
        `考生 ${maskId(r.subject_id)} 在 ${text(r.exam_id)}（${text(r.occupation_code)} ${levelZh(r.level)}，${minute(r.starts_at).slice(0, 10)}）考试合格，` +
        `但不符合申报条件“${cond ? condZh(cond) : '—'}”：${facts.join('，')}` +
        (n > 1 ? `；共 ${n} 个批次如此` : ''),
      evidence: {
        exams: n,
        conditions: String(ctx.params.conditions),
        forged_citation: forged,
        ...(forged
          ? {
              cited_certificate: {
                certificate_no: prior,
                holder: maskId(r.cited_holder),
                occupation_code: r.cited_occupation_code,
                level: r.cited_level,
                issued_on: r.cited_issued_on,
              },
            }
          : {}),
        rows: masked(ev),
      },
      related: refs(
        ['exam', distinct(ev.length ? ev : [r], 'exam_id')],
        ['institution', [r.institution_id]],
        ['certificate', [r.held_certificate_no, forged ? prior : null]],
      ),
    };
  },
};

export const ELIGIBILITY_RULES: Rule[] = [EV_ELIGIBILITY];
