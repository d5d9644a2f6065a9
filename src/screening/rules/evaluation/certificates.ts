/**
 * Certificates: EV-NO-EXAM, EV-MILL, EV-CAPACITY, EV-CERT-DATA.
 */
import type { Rule, RuleContext, SqlRule } from '../../types.ts';
import { clampScore, cleanRows as clean, distinct, firstPerSubject, listIds, maskId, minute, refs, str, toNumber as num } from '../../kit/index.ts';
import { levelZh, PASSED } from './common.ts';

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
  optional: ['institutions'],
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
  optional: ['institutions'],
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
  optional: ['institutions'],
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
  optional: ['institutions'],
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

export const CERTIFICATE_RULES: Rule[] = [EV_NO_EXAM, EV_MILL, EV_CAPACITY, EV_CERT_DATA];
