/**
 * Training rules on what may be subsidised at all: TR-CATALOG, TR-LOW-YIELD.
 */
import type { Rule, RuleContext, SqlRule } from '../../types.ts';
import { listIds, p, param, pct, refs, scoreBelow, str, yuan } from '../../kit/index.ts';

/**
 * TR-CATALOG. A class is subsidised when it has a claim that is not rejected. Judged on
 * the class start date, ranges inclusive, an empty end open (DATA-FORMAT.md):
 *  project — catalog_from ≤ start ≤ catalog_to; a class whose project is not in `projects`
 *    (the dataset's project catalog) is out of catalog too;
 *  institution — subsidy_catalog_from ≤ start ≤ subsidy_catalog_to; an empty
 *    subsidy_catalog_from means never listed;
 *  licence — start ≤ license_valid_to; an empty license_valid_to is not judged (colleges,
 *    technical schools and enterprises train without a 办学许可证, so absence is no proof).
 */
const catalogRows = `
  WITH sub AS (
    SELECT cl.class_id, count(*) AS n_claims, sum(cl.amount) AS claimed, min(cl.claim_id) AS claim_id
      FROM claims cl WHERE cl.status IS NULL OR cl.status <> 'rejected' GROUP BY cl.class_id),
  x AS (
    SELECT c.class_id, c.institution_id, c.project_id, c.start_date, COALESCE(c.region_code, i.region_code) AS region_code,
           sub.n_claims, sub.claimed, sub.claim_id,
           pr.project_id AS known_project, pr.catalog_from, pr.catalog_to,
           i.institution_id AS known_institution, i.subsidy_catalog_from, i.subsidy_catalog_to, i.license_no, i.license_valid_to,
           CASE WHEN pr.project_id IS NULL OR pr.catalog_from IS NULL OR c.start_date < pr.catalog_from
                  OR (pr.catalog_to IS NOT NULL AND c.start_date > pr.catalog_to) THEN 1 ELSE 0 END AS project_out,
           CASE WHEN i.institution_id IS NULL OR i.subsidy_catalog_from IS NULL OR c.start_date < i.subsidy_catalog_from
                  OR (i.subsidy_catalog_to IS NOT NULL AND c.start_date > i.subsidy_catalog_to) THEN 1 ELSE 0 END AS institution_out,
           CASE WHEN i.license_valid_to IS NOT NULL AND c.start_date > i.license_valid_to THEN 1 ELSE 0 END AS license_expired
      FROM sub JOIN classes c ON c.class_id = sub.class_id
      LEFT JOIN projects pr ON pr.project_id = c.project_id
      LEFT JOIN institutions i ON i.institution_id = c.institution_id)`;

const range = (from: unknown, to: unknown) => `${from ?? '（未列入）'} 至 ${to ?? '今'}`;

const CATALOG: SqlRule = {
  kind: 'sql',
  id: 'TR-CATALOG',
  title: '目录外项目或机构享受培训补贴',
  family: 'training',
  subject: 'class',
  severity: 'high',
  needs: ['claims', 'classes', 'projects', 'institutions'],
  params: [],
  description: '开班日期时项目不在补贴培训项目目录内、机构不在补贴培训机构目录内或办学许可证已过期，却申领了补贴的培训班。',
  detect: () => `${catalogRows}
    SELECT class_id AS subject_id, x.* FROM x WHERE project_out = 1 OR institution_out = 1 OR license_expired = 1`,
  finding(row) {
    const parts: string[] = [];
    const flags: string[] = [];
    if (Number(row.project_out)) {
      flags.push('project_out');
      parts.push(row.known_project == null ? `项目 ${row.project_id} 不在补贴项目目录中` : `项目 ${row.project_id} 的目录期为 ${range(row.catalog_from, row.catalog_to)}`);
    }
    if (Number(row.institution_out)) {
      flags.push('institution_out');
      parts.push(row.known_institution == null ? `机构 ${row.institution_id} 不在机构名单中` : `机构 ${row.institution_id} 的补贴机构目录期为 ${range(row.subsidy_catalog_from, row.subsidy_catalog_to)}`);
    }
    if (Number(row.license_expired)) {
      flags.push('license_expired');
      parts.push(`办学许可证${row.license_no ? ` ${row.license_no}` : ''}已于 ${row.license_valid_to} 到期`);
    }
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: Math.min(1, Number((0.7 + 0.1 * (flags.length - 1)).toFixed(4))),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id} 于 ${row.start_date} 开班并申领补贴 ${yuan(row.claimed)}，但${parts.join('，')}`,
      evidence: {
        flags,
        start_date: row.start_date,
        project: { project_id: row.project_id, known: row.known_project != null, catalog_from: row.catalog_from, catalog_to: row.catalog_to },
        institution: {
          institution_id: row.institution_id,
          known: row.known_institution != null,
          subsidy_catalog_from: row.subsidy_catalog_from,
          subsidy_catalog_to: row.subsidy_catalog_to,
          license_no: row.license_no,
          license_valid_to: row.license_valid_to,
        },
        claims: row.n_claims,
        claimed_fen: row.claimed,
      },
      related: refs(['claim', [row.claim_id]], ['institution', [row.institution_id]]),
    };
  },
};

/**
 * TR-LOW-YIELD, per institution (the class's institution_id):
 *  (a) employment-category projects: among enrollments with completed = true, share with
 *      employed = true (null = not employed) below the threshold, over at least
 *      `min_completers` completers — all of the institution's employment classes pooled;
 *  (b) any subsidised (non-rejected claim) class of an `interest` project.
 */
function yieldRows(ctx: RuleContext): string {
  return `
  WITH emp AS (
    SELECT c.institution_id, count(*) AS completers, count(*) FILTER (WHERE e.employed = TRUE) AS employed,
           count(DISTINCT c.class_id) AS n_emp_classes
      FROM enrollments e JOIN classes c ON c.class_id = e.class_id JOIN projects pr ON pr.project_id = c.project_id
     WHERE pr.category = 'employment' AND e.completed = TRUE
     GROUP BY c.institution_id
    HAVING count(*) >= ${p(ctx, 'min_completers')}
       AND 1.0 * count(*) FILTER (WHERE e.employed = TRUE) / count(*) < ${p(ctx, 'min_rate')}),
  interest AS (
    SELECT c.institution_id, c.class_id, c.project_id, pr.name AS project_name, c.start_date, sum(cl.amount) AS claimed
      FROM claims cl JOIN classes c ON c.class_id = cl.class_id JOIN projects pr ON pr.project_id = c.project_id
     WHERE pr.category = 'interest' AND (cl.status IS NULL OR cl.status <> 'rejected')
     GROUP BY c.institution_id, c.class_id, c.project_id, pr.name, c.start_date),
  ia AS (SELECT institution_id, count(*) AS n_interest, sum(claimed) AS interest_claimed FROM interest GROUP BY institution_id),
  inst AS (SELECT institution_id FROM emp UNION SELECT institution_id FROM ia)`;
}

const LOW_YIELD: SqlRule = {
  kind: 'sql',
  id: 'TR-LOW-YIELD',
  title: '就业培训就业率过低或兴趣类培训申领补贴',
  family: 'training',
  subject: 'institution',
  severity: 'medium',
  needs: ['classes', 'projects'],
  needsAny: ['enrollments', 'claims'],
  optional: ['institutions'],
  params: [
    param('min_rate', 0.3, '就业技能培训结业学员的最低就业率（0.3 即 30%）', 0, 1),
    param('min_completers', 50, '计算就业率所需的最少结业人数（人）', 1),
  ],
  description: '机构就业技能培训项目的结业学员就业率低于30%（结业不少于50人），或兴趣类培训项目申领了补贴（兴趣式培训）。',
  detect: (ctx) => `${yieldRows(ctx)}
    SELECT inst.institution_id AS subject_id, inst.institution_id, i.region_code,
           emp.completers, emp.employed, emp.n_emp_classes, 1.0 * emp.employed / emp.completers AS rate,
           ia.n_interest, ia.interest_claimed
      FROM inst LEFT JOIN emp ON emp.institution_id = inst.institution_id LEFT JOIN ia ON ia.institution_id = inst.institution_id
      LEFT JOIN institutions i ON i.institution_id = inst.institution_id`,
  evidence: (ctx) => `${yieldRows(ctx)}
    SELECT institution_id AS subject_id, class_id, project_id, project_name, start_date, claimed FROM interest
     ORDER BY institution_id, start_date, class_id`,
  finding(row, ev, ctx) {
    const parts: string[] = [];
    let score = 0;
    if (row.completers != null) {
      parts.push(`就业技能培训 ${row.n_emp_classes} 个班结业 ${row.completers} 人仅 ${row.employed} 人就业（就业率 ${pct(row.rate)}，低于 ${pct(p(ctx, 'min_rate'))}）`);
      score = scoreBelow(Number(row.rate), p(ctx, 'min_rate'));
    }
    if (row.n_interest != null) {
      parts.push(`兴趣类培训项目 ${listIds(ev.map((e) => e.project_name ?? e.project_id))} 的 ${row.n_interest} 个班申领补贴 ${yuan(row.interest_claimed)}`);
      score = Math.max(score, 0.8);
    }
    return {
      subject: { type: 'institution', id: String(row.subject_id) },
      score: Number(score.toFixed(4)),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `机构 ${row.subject_id} ${parts.join('；')}`,
      evidence: {
        employment: row.completers == null ? null : { completers: row.completers, employed: row.employed, rate: Number(Number(row.rate).toFixed(4)), classes: row.n_emp_classes },
        interest_classes: ev.map(({ subject_id: _s, ...r }) => r),
      },
      related: refs(['class', ev.map((e) => e.class_id)]),
    };
  },
};

export const CATALOG_RULES: Rule[] = [CATALOG, LOW_YIELD];
