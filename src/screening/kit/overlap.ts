/**
 * Overlapping-interval pairing shared by TR-OVERLAP (a trainee's sessions), TR-TEACHER-CLASH
 * (a teacher's sessions) and EV-CLASH (a candidate's exams): pairs of intervals of one
 * person, in different groups (classes, exams), overlapping by at least
 * `min_overlap_minutes` (a parameter every such rule has).
 */
import type { Row } from '../../store/db.ts';
import type { Finding, RuleContext } from '../types.ts';
import { refs } from './evidence.ts';
import { str, timeRange } from './format.ts';
import { p } from './sql.ts';

/**
 * `pairs AS (…)`: overlapping session pairs of different classes among the rows of CTE
 * `src` (id_number, session_id, class_id, starts_at, ends_at). Overlapping sessions share
 * a calendar day, so the join is an equi-join on (person, day) — each session is expanded
 * to its start and end day — instead of pairing all of a person's sessions (a person or
 * teacher with hundreds of sessions would make that quadratic). Sessions spanning more than
 * two days are also compared with sessions starting on their middle days (rare, small).
 */
export function pairsCte(ctx: RuleContext, src: string): string {
  const { d } = ctx;
  const secs = 60 * p(ctx, 'min_overlap_minutes');
  const pairCols = `x.id_number, x.session_id AS session_1, x.class_id AS class_1, x.starts_at AS starts_1, x.ends_at AS ends_1,
           y.session_id AS session_2, y.class_id AS class_2, y.starts_at AS starts_2, y.ends_at AS ends_2,
           GREATEST(x.starts_at, y.starts_at) AS overlap_from, LEAST(x.ends_at, y.ends_at) AS overlap_to`;
  const cond = `y.id_number = x.id_number AND y.class_id <> x.class_id
       AND (x.starts_at < y.starts_at OR (x.starts_at = y.starts_at AND x.session_id < y.session_id))
       AND y.starts_at < x.ends_at`;
  const enough = `${d.epoch('LEAST(x.ends_at, y.ends_at)')} - ${d.epoch('GREATEST(x.starts_at, y.starts_at)')} >= ${secs}`;
  return `xd AS (
    SELECT ${src}.*, CAST(starts_at AS DATE) AS day FROM ${src}
    UNION ALL
    SELECT ${src}.*, CAST(ends_at AS DATE) FROM ${src} WHERE CAST(ends_at AS DATE) <> CAST(starts_at AS DATE)),
  pairs AS (
    SELECT ${pairCols}
      FROM xd x JOIN ${src} y ON y.id_number = x.id_number AND CAST(y.starts_at AS DATE) = x.day AND ${cond}
     WHERE ${enough}
    UNION ALL
    SELECT ${pairCols}
      FROM ${src} x JOIN ${src} y ON ${cond}
       AND CAST(y.starts_at AS DATE) > CAST(x.starts_at AS DATE) AND CAST(y.starts_at AS DATE) < CAST(x.ends_at AS DATE)
     WHERE ${d.daysBetween('CAST(x.ends_at AS DATE)', 'CAST(x.starts_at AS DATE)')} >= 2 AND ${enough})`;
}

/** Per-subject aggregate of `px` plus its first pairs as evidence (shared by TR-OVERLAP and TR-TEACHER-CLASH). */
export const PAIRS_SELECT = `,
  agg AS (
    SELECT id_number AS subject_id, count(*) AS n_pairs,
           max(CASE WHEN rn = 1 THEN class_1 END) AS class_1, max(CASE WHEN rn = 1 THEN class_2 END) AS class_2,
           max(CASE WHEN rn = 1 THEN overlap_from END) AS overlap_from, max(CASE WHEN rn = 1 THEN overlap_to END) AS overlap_to,
           max(CASE WHEN rn = 1 THEN institution_2 END) AS institution_id, max(CASE WHEN rn = 1 THEN region_2 END) AS region_code,
           count(*) FILTER (WHERE institution_1 <> institution_2) AS n_cross_institution
      FROM px GROUP BY id_number)
  SELECT agg.*, px.session_1 AS e_session_1, px.class_1 AS e_class_1, px.institution_1 AS e_institution_1,
         px.starts_1 AS e_starts_1, px.ends_1 AS e_ends_1, px.session_2 AS e_session_2, px.class_2 AS e_class_2,
         px.institution_2 AS e_institution_2, px.starts_2 AS e_starts_2, px.ends_2 AS e_ends_2,
         px.overlap_from AS e_overlap_from, px.overlap_to AS e_overlap_to, px.rn AS e_rn
    FROM agg JOIN px ON px.id_number = agg.subject_id AND px.rn <= 50
   ORDER BY agg.subject_id, px.rn`;

/**
 * The clue of a person found in overlapping session pairs of different classes (TR-OVERLAP's
 * trainee, TR-TEACHER-CLASH's teacher), from a PAIRS_SELECT row and its pair rows.
 * `base` is the score of one pair within one institution; more pairs and a second
 * institution raise it.
 */
export function overlapPairFinding(row: Row, ev: Row[], base: number, who: string): Finding {
  const n = Number(row.n_pairs);
  return {
    subject: { type: 'person', id: String(row.subject_id) },
    score: Math.min(1, Number((base + 0.05 * (n - 1) + (Number(row.n_cross_institution) > 0 ? 0.1 : 0)).toFixed(4))),
    region_code: str(row.region_code),
    institution_id: str(row.institution_id),
    summary: `${who}（${row.class_1} 与 ${row.class_2}，${timeRange(row.overlap_from, row.overlap_to)}）${n > 1 ? `，共 ${n} 对重叠课次` : ''}`,
    evidence: { pairs: n, rows: ev.map(({ subject_id: _s, ...r }) => r) },
    related: refs(
      ['class', ev.flatMap((e) => [e.class_1, e.class_2])],
      ['institution', ev.flatMap((e) => [e.institution_1, e.institution_2])],
    ),
  };
}


/**
 * `pairs` (see {@link pairsCte}) over the CTE `src`, then `px`: the pairs with both classes'
 * institutions, the second class's region, and `rn` numbering a person's pairs by time —
 * the input of {@link PAIRS_SELECT}.
 */
export function classPairsCte(ctx: RuleContext, src: string): string {
  return `${pairsCte(ctx, src)},
  px AS MATERIALIZED (
    SELECT pairs.*, c1.institution_id AS institution_1, c2.institution_id AS institution_2,
           COALESCE(c2.region_code, i2.region_code) AS region_2,
           row_number() OVER (PARTITION BY pairs.id_number ORDER BY overlap_from, session_1, session_2) AS rn
      FROM pairs LEFT JOIN classes c1 ON c1.class_id = pairs.class_1 LEFT JOIN classes c2 ON c2.class_id = pairs.class_2
      LEFT JOIN institutions i2 ON i2.institution_id = c2.institution_id)`;
}
