/**
 * The login-session pass shared by ON-NO-VERIFY, ON-CONCURRENT, ON-SPEED (daily time) and
 * ON-BOT, and the SQL fragments the online rules have in common.
 *
 * RULES.md "Terms": a *login session* is, for one (id_number, class_id, device_id), the
 * events from a `login` to the next `logout` on that device, or to a gap of more than
 * `session_gap_minutes` (30) without events on it; events without a device_id form their
 * own group, and a logout on one device does not end the session on another. Events of a
 * device are ordered by the parsed `at`, ties by event_id; a session also starts at the
 * first event of the group and at the first event after a `logout`; a gap of exactly 30
 * minutes stays in the session. *Learning events* are `heartbeat` and `progress`.
 *
 * Sessionising the benchmark's 50M events takes sorted window passes, so it is done once per
 * screening run: the result (a few rows per session) goes to a TEMP table that the rules of
 * the run share through the engine's per-run scope (`ctx.run.once`), dropped when the run
 * ends; a new run always recomputes. A rule evaluated on its own (no `ctx.run`) builds and
 * drops its own table.
 */
import type { Row } from '../../../store/db.ts';
import type { Finding, ParamDef, RuleContext } from '../../types.ts';
import { mostCommon, text } from '../../kit/index.ts';

export const LEARNING = `('heartbeat', 'progress')`;

export const GAP_PARAM: ParamDef = {
  name: 'session_gap_minutes',
  default: 30,
  description: '登录会话的中断间隔：同一学员同一班级同一设备超过该分钟数无任何事件即视为新会话（分钟）',
  min: 1,
};

/**
 * ON-CONCURRENT's activity gap: a device (or course item) counts as active between two of
 * its consecutive events of one login session at most this far apart. Shorter than the
 * session gap on purpose: a learner who leaves device A for B and comes back to A within
 * the session must not have A "active" during the B stint (heartbeats come every ~60 s).
 */
export const ACTIVE_GAP_PARAM: ParamDef = {
  name: 'active_gap_minutes',
  default: 3,
  description: '活动间隔：同一设备（或课件）相邻两条事件相隔不超过该分钟数时，其间视为在该设备（课件）上活动（分钟）',
  min: 0.1,
};

/** Tie-break on event_id in byte order on both engines (PostgreSQL's default collation is locale-aware). */
export const eventIdOrder = (ctx: RuleContext, col = 'event_id') => (ctx.d.name === 'postgres' ? `${col} COLLATE "C"` : col);

const minutesParam = (ctx: RuleContext, def: ParamDef) => Number(ctx.params[def.name] ?? def.default) * 60;

/** Class → institution and region (class region, else the institution's). */
export const CLASS_JOIN = (alias: string) => `LEFT JOIN classes c ON c.class_id = ${alias}.class_id
  LEFT JOIN institutions i ON i.institution_id = c.institution_id`;
export const CLASS_COLS = `c.institution_id AS institution_id, COALESCE(c.region_code, i.region_code) AS region_code`;

/** Builds a person finding's common parts from its evidence rows. */
export function personBase(rows: Row[]): Pick<Finding, 'subject' | 'region_code' | 'institution_id'> {
  return {
    subject: { type: 'person', id: text(rows[0].subject_id) },
    region_code: mostCommon(rows, 'region_code'),
    institution_id: mostCommon(rows, 'institution_id'),
  };
}

/** 'YYYY-MM-DD HH:MM:SS' of a timestamp value (to the second; util.ts's `minute` drops seconds). */
export const second = (v: unknown) => text(v).slice(0, 19);

/**
 * SQL of the session summary (exported for profiling scripts). One row per grouping `g` of
 * one (id_number, class_id, device_id, sess):
 * - 'session': s/e (epoch seconds), s_at/e_at, learning_n, last_learn_seq (position of the
 *   last learning event in the device's order), hb_n and the mean/sample std-dev of the
 *   intervals between consecutive heartbeats of the session (hb_mean, hb_sd);
 * - 'face': one row per face event (face_seq, face_score);
 * - 'device': one row per activity interval of the device in the session: a maximal run of
 *   its events each at most `active_gap_minutes` after the previous one, [s, e];
 * - 'item': per course item within each device activity interval (dev_isl, course_item), the
 *   span [s, e] of that item's events there — an upper bound of the item's activity that
 *   ON-CONCURRENT refines for the few candidates (per-item windows over all events would
 *   double the cost of this pass);
 * - 'day': learning seconds of the session ending on `day` (own_s) and the part of them
 *   that lies before midnight, i.e. on the previous day (spill_s). Learning time is the sum
 *   of the intervals from an event to the next one when that next event is a learning event
 *   of the same session (so each interval is ≤ the session gap).
 */
export function sessionSummarySql(ctx: RuleContext): string {
  const d = ctx.d;
  const eid = eventIdOrder(ctx);
  const gap = minutesParam(ctx, GAP_PARAM);
  const active = minutesParam(ctx, ACTIVE_GAP_PARAM);
  // Window operators sort and carry every column: on DuckDB the partitions are 64-bit hashes
  // of the partition strings (sorting on strings dominated; the strings are mapped back at
  // the end) and the later passes sort on integers only (the position from the first pass).
  const duck = d.name === 'duckdb';
  const keys = duck ? 'pk' : 'id_number, class_id, device_id';
  const w1 = `PARTITION BY ${keys} ORDER BY "at", ${eid}`;
  const w2 = `PARTITION BY ${keys} ORDER BY seq`;
  const mid = d.epoch('CAST(CAST("at" AS DATE) AS TIMESTAMP)');
  return `WITH e1 AS (
      SELECT ${keys}, "at", type, course_item, face_score,
        LAG("at") OVER (${w1}) AS prev_at, LAG(type = 'logout') OVER (${w1}) AS prev_logout, ROW_NUMBER() OVER (${w1}) AS seq,
        MAX(CASE WHEN type = 'heartbeat' THEN "at" END) OVER (${w1} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hb_at
      FROM (SELECT ${duck ? 'hash(id_number, class_id, device_id) AS pk' : 'id_number, class_id, device_id'},
        event_id, "at", type, course_item, face_score FROM online_events) ev),
    e2 AS (
      SELECT e1.*, ${d.epoch('"at"')} AS t, ${d.epoch('prev_at')} AS prev_t, ${d.epoch('prev_hb_at')} AS prev_hb_t
      FROM e1),
    e2f AS (
      SELECT e2.*, CASE WHEN prev_t IS NULL OR type = 'login' OR prev_logout OR t - prev_t > ${gap} THEN 1 ELSE 0 END AS flag
      FROM e2),
    e3 AS (
      SELECT e2f.*, SUM(flag) OVER (${w2} ROWS UNBOUNDED PRECEDING) AS sess,
        MAX(CASE WHEN flag = 1 THEN t END) OVER (${w2} ROWS UNBOUNDED PRECEDING) AS sess_start_t,
        SUM(CASE WHEN flag = 1 OR t - prev_t > ${active} THEN 1 ELSE 0 END) OVER (${w2} ROWS UNBOUNDED PRECEDING) AS dev_isl,
        CAST("at" AS DATE) AS day, ${mid} AS mid,
        CASE WHEN type = 'face' THEN seq END AS face_seq,
        type IN ${LEARNING} AS learning
      FROM e2f),
    e4 AS (
      SELECT e3.*, CASE WHEN type = 'heartbeat' AND prev_hb_t >= sess_start_t THEN t - prev_hb_t END AS hb_dt
      FROM e3),
    -- Aggregate once at the finest grain, then roll the small result up into the groupings:
    -- grouping sets straight over the events cost several times more than the window passes.
    fine AS (
      SELECT ${keys}, sess, dev_isl, course_item, day, face_seq,
        MIN("at") AS s_at, MAX("at") AS e_at, MIN(t) AS s, MAX(t) AS e,
        COUNT(*) FILTER (WHERE learning) AS learning_n, MAX(seq) FILTER (WHERE learning) AS last_learn_seq,
        MAX(face_score) FILTER (WHERE type = 'face') AS face_score,
        COUNT(*) FILTER (WHERE type = 'heartbeat') AS hb_n,
        COUNT(hb_dt) AS hb_k, SUM(hb_dt) AS hb_sum, SUM(hb_dt * hb_dt) AS hb_sq,
        SUM(CASE WHEN learning AND flag = 0 THEN t - GREATEST(prev_t, mid) ELSE 0 END) AS own_s,
        SUM(CASE WHEN learning AND flag = 0 AND prev_t < mid THEN mid - prev_t ELSE 0 END) AS spill_s
      FROM e4
      GROUP BY ${keys}, sess, dev_isl, course_item, day, face_seq),
    rolled AS (
      SELECT ${keys}, sess,
        CASE WHEN GROUPING(course_item) = 0 THEN 'item' WHEN GROUPING(dev_isl) = 0 THEN 'device' WHEN GROUPING(day) = 0 THEN 'day'
          WHEN GROUPING(face_seq) = 0 THEN 'face' ELSE 'session' END AS g,
        dev_isl, course_item, day, face_seq,
        MIN(s_at) AS s_at, MAX(e_at) AS e_at, MIN(s) AS s, MAX(e) AS e,
        SUM(learning_n) AS learning_n, MAX(last_learn_seq) AS last_learn_seq, MAX(face_score) AS face_score,
        SUM(hb_n) AS hb_n, SUM(hb_k) AS hb_k, SUM(hb_sum) AS hb_sum, SUM(hb_sq) AS hb_sq,
        SUM(own_s) AS own_s, SUM(spill_s) AS spill_s
      FROM fine
      GROUP BY GROUPING SETS ((${keys}, sess), (${keys}, sess, dev_isl), (${keys}, sess, dev_isl, course_item),
        (${keys}, sess, day), (${keys}, sess, face_seq)))${
        duck
          ? `,
    ids AS (SELECT hash(id_number, class_id, device_id) AS pk, MIN(id_number) AS id_number, MIN(class_id) AS class_id, MIN(device_id) AS device_id
      FROM online_events GROUP BY hash(id_number, class_id, device_id))`
          : ''
      }
    SELECT ${duck ? 'ids.id_number, ids.class_id, ids.device_id' : 'rolled.id_number, rolled.class_id, rolled.device_id'}, sess, g, dev_isl, course_item, day, face_seq,
      s_at, e_at, s, e, learning_n, last_learn_seq, face_score,
      hb_n, CASE WHEN hb_k > 0 THEN hb_sum / hb_k END AS hb_mean,
      CASE WHEN hb_k > 1 THEN SQRT(GREATEST(0, (hb_sq - hb_sum * hb_sum / hb_k) / (hb_k - 1))) END AS hb_sd,
      own_s, spill_s
    FROM rolled${duck ? ' JOIN ids ON ids.pk = rolled.pk' : ''}
    WHERE NOT ((g = 'face' AND face_seq IS NULL) OR (g = 'item' AND course_item IS NULL))`;
}

let tableNo = 0;

/**
 * Run `use` with the name of the session summary table for this context's parameters:
 * built once per screening run and shared by its rules (dropped when the run ends), or,
 * without a run scope, built for this call and dropped after it.
 */
export async function withSessions<T>(ctx: RuleContext, use: (table: string) => Promise<T>): Promise<T> {
  const build = async () => {
    const table = `zhili_tmp_online_sessions_${process.pid}_${++tableNo}`;
    await ctx.db.exec(`DROP TABLE IF EXISTS ${table}`);
    await ctx.db.exec(`CREATE TEMP TABLE ${table} AS ${sessionSummarySql(ctx)}`);
    return table;
  };
  if (ctx.run) {
    const run = ctx.run;
    const key = `online-sessions:${minutesParam(ctx, GAP_PARAM)}:${minutesParam(ctx, ACTIVE_GAP_PARAM)}`;
    const table = await run.once(key, async () => {
      const t = await build();
      run.atEnd(() => ctx.db.exec(`DROP TABLE IF EXISTS ${t}`));
      return t;
    });
    return use(table);
  }
  const table = await build();
  try {
    return await use(table);
  } finally {
    await ctx.db.exec(`DROP TABLE IF EXISTS ${table}`);
  }
}
