/**
 * Training rules about how often one person is subsidised: TR-REPEAT, TR-FREQ.
 * Both count subsidised *claim items* (RULES.md): two non-rejected claims listing one person
 * for one class are two subsidies paid, so they count twice (TR-CLAIM-AMOUNT flags the
 * second claim too, from the claim's side).
 */
import type { Rule, SqlRule } from '../../types.ts';
import { MAX_EVIDENCE_ROWS } from '../../types.ts';
import { listIds, maskId, p, param, refs, scoreAbove, str, SUBSIDISED_ITEMS } from '../../kit/index.ts';

/**
 * One row per subsidised claim item (person, claim, class) with the class's facts, and the
 * project's occupation and level when `withProject` (TR-REPEAT; TR-FREQ does not read projects).
 */
const subsidisedItems = (withProject: boolean) => `
  si AS (SELECT id_number, claim_id, class_id FROM ${SUBSIDISED_ITEMS} s0),
  x AS (
    SELECT si.id_number, si.claim_id, c.class_id, c.start_date, c.institution_id, COALESCE(c.region_code, i.region_code) AS region_code,
           c.project_id, ${withProject ? 'pr.occupation_code, pr.level' : 'CAST(NULL AS VARCHAR) AS occupation_code, CAST(NULL AS INTEGER) AS level'},
           CAST(EXTRACT(YEAR FROM c.start_date) AS INTEGER) AS yr
      FROM si JOIN classes c ON c.class_id = si.class_id
      ${withProject ? 'LEFT JOIN projects pr ON pr.project_id = c.project_id' : ''}
      LEFT JOIN institutions i ON i.institution_id = c.institution_id)`;

/**
 * TR-REPEAT. (Both rules group then join back rather than count over a window: claim items
 * are ~1M rows in a province and only the few offenders need their class rows.) Groups by the project's (occupation_code, level); projects without an
 * occupation_code cannot be compared and are skipped; a null level is its own group.
 * The clue's institution/region are those of the latest class (the repeat).
 */
const REPEAT: SqlRule = {
  kind: 'sql',
  id: 'TR-REPEAT',
  title: '同一职业同一等级重复享受培训补贴',
  family: 'training',
  subject: 'person',
  severity: 'high',
  needs: ['claims', 'claim_items', 'classes', 'projects'],
  optional: ['institutions'],
  params: [param('max_per_occupation_level', 1, '同一职业（工种）同一等级允许享受补贴的次数（次）', 1)],
  description: '同一人员就同一职业编码、同一等级的补贴培训项目被多次列入（未驳回的）补贴申领明细（重复申领）；同一培训班被两次申领也计两次。',
  detect: (ctx) => `WITH ${subsidisedItems(true)},
    k AS (SELECT id_number, occupation_code, level, count(*) AS n FROM x WHERE occupation_code IS NOT NULL
           GROUP BY id_number, occupation_code, level HAVING count(*) > ${p(ctx, 'max_per_occupation_level')}),
    g AS (SELECT x.*, k.n FROM x JOIN k ON k.id_number = x.id_number AND k.occupation_code = x.occupation_code
           AND (k.level = x.level OR (k.level IS NULL AND x.level IS NULL))),
    r AS (SELECT g.*, row_number() OVER (PARTITION BY id_number ORDER BY start_date DESC, class_id DESC, claim_id DESC) AS rn
            FROM g WHERE n > ${p(ctx, 'max_per_occupation_level')})
    SELECT id_number AS subject_id, max(n) AS max_n, count(DISTINCT class_id) AS n_classes,
           max(CASE WHEN rn = 1 THEN institution_id END) AS institution_id,
           max(CASE WHEN rn = 1 THEN region_code END) AS region_code
      FROM r GROUP BY id_number`,
  evidence: (ctx) => `WITH ${subsidisedItems(true)},
    k AS (SELECT id_number, occupation_code, level, count(*) AS n FROM x WHERE occupation_code IS NOT NULL
           GROUP BY id_number, occupation_code, level HAVING count(*) > ${p(ctx, 'max_per_occupation_level')}),
    g AS (SELECT x.*, k.n FROM x JOIN k ON k.id_number = x.id_number AND k.occupation_code = x.occupation_code
           AND (k.level = x.level OR (k.level IS NULL AND x.level IS NULL)))
    SELECT id_number AS subject_id, occupation_code, level, class_id, claim_id, project_id, start_date, institution_id, n
      FROM g WHERE n > ${p(ctx, 'max_per_occupation_level')} ORDER BY id_number, occupation_code, level, start_date, class_id, claim_id`,
  finding(row, ev, ctx) {
    const max = p(ctx, 'max_per_occupation_level');
    const groups = [...new Set(ev.map((e) => `${e.occupation_code}（${e.level ?? '未定'}级）`))];
    return {
      subject: { type: 'person', id: String(row.subject_id) },
      score: scoreAbove(Number(row.max_n), max),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `人员 ${maskId(row.subject_id)} 就职业 ${groups.join('、')} 重复享受培训补贴 ${row.max_n} 次（补贴申领 ${listIds(ev.map((e) => e.claim_id), 5)}，培训班 ${listIds(ev.map((e) => e.class_id), 5)}，${ev[0]?.start_date ?? ''} 至 ${ev[ev.length - 1]?.start_date ?? ''}）`,
      evidence: {
        max_per_occupation_level: max,
        rows: ev.slice(0, MAX_EVIDENCE_ROWS).map(({ subject_id: _s, ...r }) => r),
      },
      related: refs(['claim', ev.map((e) => e.claim_id)], ['class', ev.map((e) => e.class_id)], ['institution', ev.map((e) => e.institution_id)]),
    };
  },
};

/** TR-FREQ. Calendar year of the class start (RULES.md); clue per person, worst year in the summary. */
const FREQ: SqlRule = {
  kind: 'sql',
  id: 'TR-FREQ',
  title: '同一人员年度享受培训补贴次数过多',
  family: 'training',
  subject: 'person',
  severity: 'medium',
  needs: ['claims', 'claim_items', 'classes'],
  optional: ['institutions'],
  params: [param('max_per_year', 3, '每人每个自然年允许享受培训补贴的次数上限（次，按开班日期计年）', 1)],
  description: '同一人员在一个自然年内（按开班日期）被列入补贴申领明细的次数超过上限（每条未驳回的申领明细计一次）。',
  detect: (ctx) => `WITH ${subsidisedItems(false)},
    k AS (SELECT id_number, yr, count(*) AS n FROM x GROUP BY id_number, yr HAVING count(*) > ${p(ctx, 'max_per_year')}),
    g AS (SELECT x.*, k.n FROM x JOIN k ON k.id_number = x.id_number AND k.yr = x.yr),
    r AS (SELECT g.*, row_number() OVER (PARTITION BY id_number ORDER BY n DESC, yr DESC, start_date DESC, class_id DESC, claim_id DESC) AS rn
            FROM g WHERE n > ${p(ctx, 'max_per_year')})
    SELECT id_number AS subject_id, max(n) AS max_n,
           max(CASE WHEN rn = 1 THEN yr END) AS yr,
           max(CASE WHEN rn = 1 THEN institution_id END) AS institution_id,
           max(CASE WHEN rn = 1 THEN region_code END) AS region_code
      FROM r GROUP BY id_number`,
  evidence: (ctx) => `WITH ${subsidisedItems(false)},
    k AS (SELECT id_number, yr, count(*) AS n FROM x GROUP BY id_number, yr HAVING count(*) > ${p(ctx, 'max_per_year')}),
    g AS (SELECT x.*, k.n FROM x JOIN k ON k.id_number = x.id_number AND k.yr = x.yr)
    SELECT id_number AS subject_id, yr AS year, class_id, claim_id, project_id, start_date, institution_id
      FROM g WHERE n > ${p(ctx, 'max_per_year')} ORDER BY id_number, start_date, class_id, claim_id`,
  finding(row, ev, ctx) {
    const max = p(ctx, 'max_per_year');
    const inYear = ev.filter((e) => Number(e.year) === Number(row.yr));
    return {
      subject: { type: 'person', id: String(row.subject_id) },
      score: scoreAbove(Number(row.max_n), max),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `人员 ${maskId(row.subject_id)} 在 ${row.yr} 年享受培训补贴 ${row.max_n} 次，超过每年 ${max} 次（补贴申领 ${listIds(inYear.map((e) => e.claim_id), 5)}，培训班 ${listIds(inYear.map((e) => e.class_id), 5)}，涉及 ${new Set(inYear.map((e) => e.institution_id)).size} 家机构）`,
      evidence: { max_per_year: max, rows: ev.slice(0, MAX_EVIDENCE_ROWS).map(({ subject_id: _s, ...r }) => r) },
      related: refs(['claim', ev.map((e) => e.claim_id)], ['class', ev.map((e) => e.class_id)], ['institution', ev.map((e) => e.institution_id)]),
    };
  },
};

export const SUBSIDY_RULES: Rule[] = [REPEAT, FREQ];
