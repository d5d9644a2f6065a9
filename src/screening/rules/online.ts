/**
 * Online-training rules of RULES.md (ON-*), over `online_events`.
 *
 * Definitions shared by these rules (RULES.md "Terms"):
 * - events of one (id_number, class_id) are ordered by the parsed `at`, ties by event_id;
 * - a *login session* starts at a `login`, at the first event after a `logout`, at the
 *   partition's first event, or after a gap of more than `session_gap_minutes` (30) without
 *   events; a gap of exactly 30 minutes stays in the session;
 * - *learning events* are `heartbeat` and `progress`.
 *
 * The benchmark holds 50M online events, so no rule self-joins the events table and the
 * sorted window passes are kept to a minimum: ON-NO-VERIFY, ON-CONCURRENT, ON-SPEED (daily
 * time), ON-BOT and, on DuckDB, ON-TAMPER read one login-session summary built once per run
 * (see `sessionSummary`); ON-SPEED (playback speed) makes one narrow window pass, and so does
 * ON-TAMPER on PostgreSQL; ON-DEVICE-FARM is a GROUP BY. The rules are `kind: 'code'` so that
 * detection and evidence come from one query (a SQL rule's separate evidence query would scan
 * the events a second time): it returns the triggering rows, at most MAX_EVIDENCE_ROWS per
 * subject plus per-subject totals, and the code groups them into findings.
 * On DuckDB the windows partition on one 64-bit hash of the partition strings (sorting on
 * strings dominated), and the second sessionising pass sorts on integers only.
 * Measured at scale 10 (9.4M events, DuckDB, 2 threads, back-to-back on a quiet machine):
 * the six rules 52 s → 38 s of wall time, 101 → 75 s of CPU (session summary + ON-TAMPER
 * 43 → 30 s, ON-SPEED 7.6 → 6.3 s); peak RSS 2.5 → 2.8 GB. The rest is the scan of the
 * hash and raw text columns, SHA-256 (≈ 8 s of CPU), and the sort on ("at", event_id).
 */
import type { Row } from '../../store/db.ts';
import { maskId } from '../kit/index.ts';
import { MAX_EVIDENCE_ROWS, type Finding, type ParamDef, type Ref, type Rule, type RuleContext } from '../types.ts';

// ---------------------------------------------------------------------------------------
// Small helpers for grouping evidence rows (identity masking comes from util.ts).

/** Number of a row value (null → 0). */
export const num = (v: unknown): number => (v == null ? 0 : Number(v));
/** Text of a row value (null → ''). */
export const str = (v: unknown): string => (v == null ? '' : String(v));

/** Clamp a score into [lo, 1], rounded to 3 decimals. */
export function clampScore(x: number, lo = 0.3): number {
  return Math.round(Math.min(1, Math.max(lo, x)) * 1000) / 1000;
}

/** The most frequent non-null value of `col` among rows (ties: first seen), or null. */
export function mostCommon(rows: Row[], col: string): string | null {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const v = r[col];
    if (v == null || v === '') continue;
    counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestN = 0;
  for (const [k, n] of counts) if (n > bestN) (best = k), (bestN = n);
  return best;
}

/** Distinct non-null values of a column, in first-seen order. */
export function distinct(rows: Row[], col: string): string[] {
  return [...new Set(rows.map((r) => r[col]).filter((v) => v != null && v !== '').map(String))];
}

/** Refs of a type from the distinct values of a column. */
export const refs = (type: Ref['type'], ids: string[]): Ref[] => ids.map((id) => ({ type, id }));

/** Evidence rows without the bookkeeping columns of `boundedRows`. */
export function cleanRows(rows: Row[]): Row[] {
  return rows.map((r) => {
    const { rn: _rn, n_rows: _n, ...rest } = r;
    return rest;
  });
}

/**
 * Run `inner` (rows with a `subject_id`) keeping at most MAX_EVIDENCE_ROWS rows per
 * subject, ordered by `order` (SQL over the inner columns); `n_rows` holds the subject's
 * full row count. Returns the rows grouped by subject, subjects in id order.
 */
export async function boundedRows(ctx: RuleContext, inner: string, order: string): Promise<Map<string, Row[]>> {
  const rows = await ctx.db.query(
    `SELECT * FROM (SELECT x.*, COUNT(*) OVER (PARTITION BY subject_id) AS n_rows,
       ROW_NUMBER() OVER (PARTITION BY subject_id ORDER BY ${order}) AS rn FROM (${inner}) x) y
     WHERE rn <= ${MAX_EVIDENCE_ROWS} ORDER BY subject_id, rn`,
  );
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r.subject_id);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Shared SQL.

const LEARNING = `('heartbeat', 'progress')`;

const GAP_PARAM: ParamDef = {
  name: 'session_gap_minutes',
  default: 30,
  description: '登录会话的中断间隔：同一学员同一班级超过该分钟数无任何事件即视为新会话（分钟）',
  min: 1,
};

/** Tie-break on event_id in byte order on both engines (PostgreSQL's default collation is locale-aware). */
const eventIdOrder = (ctx: RuleContext, col = 'event_id') => (ctx.d.name === 'postgres' ? `${col} COLLATE "C"` : col);

// ON-TAMPER reads the summary without the gap parameter (its link check does not depend on it).
const gapSeconds = (ctx: RuleContext) => Number(ctx.params.session_gap_minutes ?? GAP_PARAM.default) * 60;

/**
 * The login-session summary shared by ON-NO-VERIFY, ON-CONCURRENT, ON-SPEED (daily time) and
 * ON-BOT. Sessionising 50M events takes two sorted window passes; doing that once per
 * screening run instead of once per rule is most of the online rules' cost, so the result
 * (a few rows per session) is kept in a TEMP table on the rule's connection and reused by
 * the next rule while the events' fingerprint (counts, sum of src_line, time range, integer sums of
 * position_s and face_score) and the session gap are unchanged and it is less than
 * SESSION_CACHE_MS old.
 *
 * One row per grouping `g` of one (id_number, class_id, sess):
 * - 'session': s/e (epoch seconds), s_at/e_at, learning_n, last_learn_seq (chain position of
 *   the last learning event), hb_n and the mean/sample std-dev of the intervals between
 *   consecutive heartbeats of the session (hb_mean, hb_sd);
 * - 'face': one row per face event (face_seq, face_score);
 * - 'tamper' (DuckDB only; ON-TAMPER's checks ride on the sorted pass): one row per event
 *   whose hash differs from the recomputed one (tamper_hm) or whose prev_hash differs from
 *   the previous hashed event's hash (tamper_lk): tamper_eid, s_at = its `at`;
 * - 'device' (dkey = device_id, else ip) and 'item' (course_item): the span [s, e] of that
 *   device's / course item's events in the session (ON-CONCURRENT's activity spans);
 * - 'day': learning seconds of the session ending on `day` (own_s) and the part of them
 *   that lies before midnight, i.e. on the previous day (spill_s). Learning time is the sum
 *   of the intervals from an event to the next one when that next event is a learning event
 *   of the same session (so each interval is ≤ the session gap).
 */
const SESSION_TABLE = 'zhili_tmp_online_sessions';
const SESSION_CACHE_MS = 30 * 60_000;
const sessionCache = new WeakMap<object, { key: string; fpKey: string; at: number }>();

/** SQL of the session summary (exported for profiling scripts); see SESSION_TABLE. */
export function sessionSummarySql(ctx: RuleContext): string {
  const d = ctx.d;
  const eid = eventIdOrder(ctx);
  // Window operators sort and carry every column: on DuckDB the partition is one 64-bit hash
  // of (identity number, class) — the strings are mapped back at the end — and the second
  // pass sorts on integers only (the chain position from the first pass). Timestamps are
  // carried as TIMESTAMP (an integer) and turned into epoch seconds after the windows.
  const duck = d.name === 'duckdb';
  const keys = duck ? 'pk' : 'id_number, class_id';
  const w1 = `PARTITION BY ${keys} ORDER BY "at", ${eid}`;
  const w2 = `PARTITION BY ${keys} ORDER BY seq`;
  const mid = d.epoch('CAST(CAST("at" AS DATE) AS TIMESTAMP)');
  // ON-TAMPER's link check rides on the first pass on DuckDB (IGNORE NULLS: the previous
  // event *with a hash*); PostgreSQL has no IGNORE NULLS and ON-TAMPER makes its own pass.
  const tamper = duck
    ? `h12 IS NOT NULL AND p12 <> COALESCE(LAG(h12 IGNORE NULLS) OVER (${w1}), '') AS tamper_lk, hm AS tamper_hm, event_id`
    : 'CAST(NULL AS BOOLEAN) AS tamper_lk, CAST(NULL AS BOOLEAN) AS tamper_hm, CAST(NULL AS VARCHAR) AS event_id';
  return `WITH e1 AS (
      SELECT ${keys}, "at", type, dkey, course_item, face_score,
        LAG("at") OVER (${w1}) AS prev_at, LAG(type = 'logout') OVER (${w1}) AS prev_logout, ROW_NUMBER() OVER (${w1}) AS seq,
        MAX(CASE WHEN type = 'heartbeat' THEN "at" END) OVER (${w1} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_hb_at,
        ${tamper}
      FROM (SELECT ${duck ? 'hash(id_number, class_id) AS pk' : 'id_number, class_id'}, event_id, "at", type,
        COALESCE(device_id, ip) AS dkey, course_item, face_score${
          duck
            ? `, CASE WHEN hash <> '' THEN LOWER(SUBSTR(hash, 1, 12)) END AS h12, LOWER(SUBSTR(COALESCE(prev_hash, ''), 1, 12)) AS p12,
          CASE WHEN hash <> '' THEN hash <> r AND LOWER(hash) <> r END AS hm
          FROM (SELECT online_events.*, ${payloadHash(ctx, 'online_events')} AS r FROM online_events) oe) ev),`
            : ' FROM online_events) ev),'
        }
    e2 AS (
      SELECT e1.*, CASE WHEN tamper_lk OR tamper_hm THEN event_id END AS tamper_eid, ${d.epoch('"at"')} AS t, ${d.epoch('prev_at')} AS prev_t, ${d.epoch('prev_hb_at')} AS prev_hb_t
      FROM e1),
    e2f AS (
      SELECT e2.*, CASE WHEN prev_t IS NULL OR type = 'login' OR prev_logout OR t - prev_t > ${gapSeconds(ctx)} THEN 1 ELSE 0 END AS flag
      FROM e2),
    e3 AS (
      SELECT e2f.*, SUM(flag) OVER (${w2} ROWS UNBOUNDED PRECEDING) AS sess,
        MAX(CASE WHEN flag = 1 THEN t END) OVER (${w2} ROWS UNBOUNDED PRECEDING) AS sess_start_t,
        CAST("at" AS DATE) AS day, ${mid} AS mid,
        CASE WHEN type = 'face' THEN seq END AS face_seq, CASE WHEN tamper_eid IS NOT NULL THEN seq END AS tamper_seq,
        type IN ${LEARNING} AS learning
      FROM e2f),
    -- Aggregate once at the finest grain, then roll the small result up into the groupings:
    -- grouping sets straight over the events cost several times more than the window passes.
    fine AS (
      SELECT ${keys}, sess, dkey, course_item, day, face_seq, tamper_seq, MAX(tamper_eid) AS tamper_eid,
        bool_or(tamper_hm) FILTER (WHERE tamper_seq IS NOT NULL) AS tamper_hm, bool_or(tamper_lk) FILTER (WHERE tamper_seq IS NOT NULL) AS tamper_lk,
        MIN("at") AS s_at, MAX("at") AS e_at, MIN(t) AS s, MAX(t) AS e,
        COUNT(*) FILTER (WHERE learning) AS learning_n, MAX(seq) FILTER (WHERE learning) AS last_learn_seq,
        MAX(face_score) FILTER (WHERE type = 'face') AS face_score,
        COUNT(*) FILTER (WHERE type = 'heartbeat') AS hb_n,
        COUNT(hb_dt) AS hb_k, SUM(hb_dt) AS hb_sum, SUM(hb_dt * hb_dt) AS hb_sq,
        SUM(CASE WHEN learning AND flag = 0 THEN t - GREATEST(prev_t, mid) ELSE 0 END) AS own_s,
        SUM(CASE WHEN learning AND flag = 0 AND prev_t < mid THEN mid - prev_t ELSE 0 END) AS spill_s,
        MIN(dkey) AS device_id
      FROM (SELECT e3.*, CASE WHEN type = 'heartbeat' AND prev_hb_t >= sess_start_t THEN t - prev_hb_t END AS hb_dt FROM e3) x
      GROUP BY ${keys}, sess, dkey, course_item, day, face_seq, tamper_seq),
    rolled AS (
      SELECT ${keys}, sess,
        CASE WHEN GROUPING(tamper_seq) = 0 THEN 'tamper' WHEN GROUPING(dkey) = 0 THEN 'device' WHEN GROUPING(course_item) = 0 THEN 'item' WHEN GROUPING(day) = 0 THEN 'day'
          WHEN GROUPING(face_seq) = 0 THEN 'face' ELSE 'session' END AS g,
        dkey, course_item, day, face_seq, tamper_seq, MAX(tamper_eid) AS tamper_eid, bool_or(tamper_hm) AS tamper_hm, bool_or(tamper_lk) AS tamper_lk,
        MIN(s_at) AS s_at, MAX(e_at) AS e_at, MIN(s) AS s, MAX(e) AS e,
        SUM(learning_n) AS learning_n, MAX(last_learn_seq) AS last_learn_seq, MAX(face_score) AS face_score,
        SUM(hb_n) AS hb_n, SUM(hb_k) AS hb_k, SUM(hb_sum) AS hb_sum, SUM(hb_sq) AS hb_sq,
        SUM(own_s) AS own_s, SUM(spill_s) AS spill_s, MIN(device_id) AS device_id
      FROM fine
      GROUP BY GROUPING SETS ((${keys}, sess), (${keys}, sess, dkey), (${keys}, sess, course_item),
        (${keys}, sess, day), (${keys}, sess, face_seq), (${keys}, sess, tamper_seq)))${
        duck ? `,
    ids AS (SELECT hash(id_number, class_id) AS pk, MIN(id_number) AS id_number, MIN(class_id) AS class_id
      FROM online_events GROUP BY hash(id_number, class_id))` : ''}
    SELECT ${duck ? 'ids.id_number, ids.class_id' : 'rolled.id_number, rolled.class_id'}, sess, g, dkey, course_item, day, face_seq, s_at, e_at, s, e, learning_n, last_learn_seq, face_score,
      hb_n, CASE WHEN hb_k > 0 THEN hb_sum / hb_k END AS hb_mean,
      CASE WHEN hb_k > 1 THEN SQRT(GREATEST(0, (hb_sq - hb_sum * hb_sum / hb_k) / (hb_k - 1))) END AS hb_sd,
      own_s, spill_s, device_id, tamper_eid, tamper_hm, tamper_lk
    FROM rolled${duck ? ' JOIN ids ON ids.pk = rolled.pk' : ''}
    WHERE NOT ((g = 'face' AND face_seq IS NULL) OR (g = 'device' AND dkey IS NULL) OR (g = 'item' AND course_item IS NULL)
      OR (g = 'tamper' AND tamper_seq IS NULL))`;
}

/** Name of the (possibly cached) session summary table for this context; see SESSION_TABLE. */
async function sessionSummary(ctx: RuleContext, anyGap = false): Promise<string> {
  const [fp] = await ctx.db.query(
    // Integer sums only: a parallel floating-point SUM differs in its last bits from run to run.
    `SELECT COUNT(*) AS n, COUNT(face_score) AS nf, COUNT(position_s) AS np, SUM(src_line) AS l, MIN("at") AS a, MAX("at") AS b,
       SUM(CAST(ROUND(position_s * 10) AS BIGINT)) AS p, SUM(CAST(ROUND(face_score * 10000) AS BIGINT)) AS f FROM online_events`,
  );
  const fpKey = JSON.stringify(fp);
  const key = JSON.stringify([gapSeconds(ctx), fpKey]);
  const hit = sessionCache.get(ctx.db);
  if (hit && (hit.key === key || (anyGap && hit.fpKey === fpKey)) && Date.now() - hit.at < SESSION_CACHE_MS) return SESSION_TABLE;
  sessionCache.delete(ctx.db);
  await ctx.db.exec(`DROP TABLE IF EXISTS ${SESSION_TABLE}`);
  await ctx.db.exec(`CREATE TEMP TABLE ${SESSION_TABLE} AS ${sessionSummarySql(ctx)}`);
  sessionCache.set(ctx.db, { key, fpKey, at: Date.now() });
  return SESSION_TABLE;
}

/**
 * SHA-256 (lowercase hex on both engines) of DATA-FORMAT.md's hashed string, over the
 * columns of table alias `a`. One concat() instead of a chain of `||` halves the cost (no
 * intermediate strings); concat() reads NULL as '', so the guard keeps `||`'s meaning: a
 * missing field gives no hash at all.
 */
function payloadHash(ctx: RuleContext, a: string): string {
  const cols = ['event_id', 'id_number', 'class_id', 'at', 'type'];
  const raw = (c: string) => `COALESCE(${a}.${c}_raw, CAST(${a}."${c}" AS VARCHAR))`;
  const parts = [`COALESCE(${a}.prev_hash, '')`, ...cols.map(raw), `COALESCE(${a}.position_s_raw, '')`];
  return `CASE WHEN ${cols.map((c) => `(${a}.${c}_raw IS NULL AND ${a}."${c}" IS NULL)`).join(' OR ')} THEN NULL
    ELSE ${ctx.d.sha256Hex(`concat(${parts.join(`, '|', `)})`)} END`;
}

/** Class → institution and region (class region, else the institution's). */
const CLASS_JOIN = (alias: string) => `LEFT JOIN classes c ON c.class_id = ${alias}.class_id
  LEFT JOIN institutions i ON i.institution_id = c.institution_id`;
const CLASS_COLS = `c.institution_id AS institution_id, COALESCE(c.region_code, i.region_code) AS region_code`;

/** Builds a person finding's common parts from its evidence rows. */
function personBase(rows: Row[]): Pick<Finding, 'subject' | 'region_code' | 'institution_id'> {
  return {
    subject: { type: 'person', id: str(rows[0].subject_id) },
    region_code: mostCommon(rows, 'region_code'),
    institution_id: mostCommon(rows, 'institution_id'),
  };
}

const ts = (v: unknown) => str(v).slice(0, 19);
const hm = (v: unknown) => str(v).slice(11, 16);

// ---------------------------------------------------------------------------------------
// ON-NO-VERIFY

const FACE_PARAM: ParamDef = { name: 'face_pass_score', default: 0.6, description: '人脸核验通过的最低比对分（0–1）', min: 0, max: 1 };

const ON_NO_VERIFY: Rule = {
  id: 'ON-NO-VERIFY',
  title: '线上学习未实名实人核验',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [FACE_PARAM, GAP_PARAM],
  description:
    '登录会话中有学习记录（心跳、进度）却没有通过的人脸核验，或人脸核验失败后继续学习且其后没有再次通过核验（实名实人缺失）。',
  kind: 'code',
  async run(ctx) {
    const pass = Number(ctx.params.face_pass_score);
    const t = await sessionSummary(ctx);
    const inner = `WITH f AS (
        SELECT id_number, class_id, sess, COUNT(*) AS face_n,
          COUNT(*) FILTER (WHERE face_score >= ${pass}) AS pass_n,
          MAX(face_score) AS best_face_score,
          MAX(face_seq) FILTER (WHERE face_score IS NULL OR face_score < ${pass}) AS last_fail_seq,
          MAX(face_seq) FILTER (WHERE face_score >= ${pass}) AS last_pass_seq
        FROM ${t} WHERE g = 'face' AND face_seq IS NOT NULL GROUP BY id_number, class_id, sess),
      s AS (
        SELECT x.id_number, x.class_id, x.sess, x.s_at AS started_at, x.e_at AS ended_at, x.learning_n, x.last_learn_seq,
          COALESCE(f.face_n, 0) AS face_n, COALESCE(f.pass_n, 0) AS pass_n, f.best_face_score, f.last_fail_seq, f.last_pass_seq
        FROM ${t} x LEFT JOIN f ON f.id_number = x.id_number AND f.class_id = x.class_id AND f.sess = x.sess
        WHERE x.g = 'session' AND x.learning_n > 0)
      SELECT s.id_number AS subject_id, s.class_id, s.started_at, s.ended_at, s.learning_n, s.face_n, s.pass_n,
        s.best_face_score,
        CASE WHEN s.pass_n = 0 THEN 'no_passing_face' ELSE 'learning_after_failed_face' END AS reason,
        ${CLASS_COLS}
      FROM s ${CLASS_JOIN('s')}
      WHERE s.learning_n > 0 AND (s.pass_n = 0 OR (s.last_fail_seq > s.last_pass_seq AND s.last_learn_seq > s.last_fail_seq))`;
    const groups = await boundedRows(ctx, inner, 'started_at, class_id');
    return [...groups.values()].map((rows) => {
      const n = num(rows[0].n_rows);
      const classes = distinct(rows, 'class_id');
      const first = rows[0];
      const noFace = rows.filter((r) => r.reason === 'no_passing_face').length;
      return {
        ...personBase(rows),
        score: clampScore(0.5 + 0.05 * n),
        summary:
          `学员 ${maskId(first.subject_id)} 在班级 ${classes.slice(0, 3).join('、')}${classes.length > 3 ? ' 等' : ''} 有 ${n} 个登录会话` +
          `有学习记录但未通过人脸核验（首次 ${ts(first.started_at)}，${num(first.learning_n)} 条学习记录，` +
          `${noFace === rows.length ? '会话内无通过的人脸核验' : '核验失败后继续学习'}）`,
        evidence: { sessions: n, face_pass_score: pass, rows: cleanRows(rows) },
        related: refs('class', classes),
      };
    });
  },
};

// ---------------------------------------------------------------------------------------
// ON-CONCURRENT

/**
 * Activity span: within one login session, the events of one device (device_id, else ip)
 * span [first, last] of that device's events; likewise the events of one course item
 * (class_id + course_item). Overlap is then looked for across all of the person's spans —
 * other classes included — between spans of different devices or different course items.
 * The windowed pass (sorted by start, running max end of the previous spans) finds
 * candidates; a join of the few candidates back to the person's spans names the partner
 * and checks that it really is another device/course item.
 */
const ON_CONCURRENT: Rule = {
  id: 'ON-CONCURRENT',
  title: '线上学习多设备或多课件同时在线',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [
    { name: 'min_overlap_minutes', default: 5, description: '两台设备或两个课件同时活动的最短重叠时长（分钟）', min: 0 },
    GAP_PARAM,
  ],
  description: '同一学员在同一时段使用两台设备（设备编号或IP）学习，或同时播放两个课件，重叠达到阈值。',
  kind: 'code',
  async run(ctx) {
    const minOv = Number(ctx.params.min_overlap_minutes) * 60;
    const t = await sessionSummary(ctx);
    const inner = `WITH spans AS (
        SELECT id_number, class_id, sess, CASE WHEN g = 'device' THEN 'device' ELSE 'course_item' END AS dim,
          CASE WHEN g = 'device' THEN dkey ELSE class_id || '/' || course_item END AS k, s_at, e_at, s, e
        FROM ${t}
        WHERE ((g = 'device' AND dkey IS NOT NULL) OR (g = 'item' AND course_item IS NOT NULL)) AND e - s >= ${minOv}),
      cand AS (
        SELECT * FROM (
          SELECT spans.*, MAX(e) OVER (PARTITION BY id_number, dim ORDER BY s, k, class_id, sess
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max_e
          FROM spans) x
        WHERE prev_max_e IS NOT NULL AND LEAST(e, prev_max_e) - s >= ${minOv}),
      pairs AS (
        SELECT c1.id_number, c1.dim, c1.k AS key_b, c1.class_id AS class_b, c1.s_at AS start_b, c1.e_at AS end_b,
          o.k AS key_a, o.class_id AS class_a, o.s_at AS start_a, o.e_at AS end_a,
          LEAST(c1.e, o.e) - c1.s AS overlap_s
        FROM cand c1 JOIN spans o ON o.id_number = c1.id_number AND o.dim = c1.dim AND o.k <> c1.k
          AND (o.s < c1.s OR (o.s = c1.s AND o.k < c1.k))
        WHERE LEAST(c1.e, o.e) - c1.s >= ${minOv})
      SELECT p.id_number AS subject_id, p.dim, p.key_a, p.class_a, p.start_a, p.end_a, p.key_b, p.class_b, p.start_b, p.end_b,
        p.overlap_s, ${CLASS_COLS}
      FROM pairs p LEFT JOIN classes c ON c.class_id = p.class_b LEFT JOIN institutions i ON i.institution_id = c.institution_id`;
    const groups = await boundedRows(ctx, inner, 'overlap_s DESC, start_b, key_a, key_b');
    return [...groups.values()].map((rows) => {
      const n = num(rows[0].n_rows);
      const top = rows[0];
      const maxOv = num(top.overlap_s);
      const what = top.dim === 'device' ? '两台设备' : '两个课件';
      const classes = [...new Set([...distinct(rows, 'class_a'), ...distinct(rows, 'class_b')])];
      return {
        ...personBase(rows),
        score: clampScore(0.5 + 0.5 * Math.min(1, (maxOv - minOv) / 3600) + 0.02 * n),
        summary:
          `学员 ${maskId(top.subject_id)} 在${what}上同时学习 ${Math.round(maxOv / 60)} 分钟` +
          `（${str(top.key_a)} 与 ${str(top.key_b)}，${ts(top.start_b)}–${hm(str(top.end_a) < str(top.end_b) ? top.end_a : top.end_b)}，` +
          `班级 ${classes.slice(0, 3).join('、')}），共 ${n} 处重叠`,
        evidence: { overlaps: n, min_overlap_minutes: minOv / 60, rows: cleanRows(rows) },
        related: refs('class', classes),
      };
    });
  },
};

// ---------------------------------------------------------------------------------------
// ON-DEVICE-FARM

const ON_DEVICE_FARM: Rule = {
  id: 'ON-DEVICE-FARM',
  title: '同一设备或IP多人学习（刷课工作室）',
  family: 'online',
  subject: 'device',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [{ name: 'min_people_per_day', default: 5, description: '同一设备编号或IP一天内学习的不同学员数下限（人）', min: 2 }],
  description: '同一设备编号或同一IP地址在同一天被多名不同学员用于线上学习，疑似刷课工作室代刷。',
  kind: 'code',
  async run(ctx) {
    const minP = Number(ctx.params.min_people_per_day);
    // One GROUP BY with two grouping sets instead of scanning the events twice.
    const inner = `WITH p AS (
        SELECT CASE WHEN GROUPING(device_id) = 0 THEN 'device_id' ELSE 'ip' END AS kind,
          CASE WHEN GROUPING(device_id) = 0 THEN device_id ELSE ip END AS dev,
          CAST("at" AS DATE) AS day, id_number, MIN(class_id) AS class_id, MAX(class_id) AS other_class_id,
          MIN("at") AS first_at, MAX("at") AS last_at, COUNT(*) AS events_n
        FROM online_events
        GROUP BY GROUPING SETS ((device_id, CAST("at" AS DATE), id_number), (ip, CAST("at" AS DATE), id_number))),
      pk AS (SELECT * FROM p WHERE dev IS NOT NULL),
      dd AS (SELECT kind, dev, day, COUNT(*) AS people_n FROM pk GROUP BY kind, dev, day HAVING COUNT(*) >= ${minP})
      SELECT pk.dev AS subject_id, pk.kind, pk.day, dd.people_n, pk.id_number, pk.class_id,
        CASE WHEN pk.other_class_id <> pk.class_id THEN pk.other_class_id END AS other_class_id,
        pk.first_at, pk.last_at, pk.events_n, ${CLASS_COLS}
      FROM pk JOIN dd ON dd.kind = pk.kind AND dd.dev = pk.dev AND dd.day = pk.day
      ${CLASS_JOIN('pk')}`;
    const groups = await boundedRows(ctx, inner, 'people_n DESC, day, kind, first_at, id_number');
    return [...groups.values()].map((rows) => {
      const top = rows[0];
      const days = distinct(rows, 'day');
      const maxP = num(top.people_n);
      const classes = distinct(rows, 'class_id');
      return {
        subject: { type: 'device', id: str(top.subject_id) },
        region_code: mostCommon(rows, 'region_code'),
        institution_id: mostCommon(rows, 'institution_id'),
        score: clampScore(0.5 + 0.05 * (maxP - minP) + 0.05 * (days.length - 1)),
        summary:
          `${top.kind === 'ip' ? 'IP地址' : '设备'} ${str(top.subject_id)} 于 ${str(top.day)} 被 ${maxP} 名不同学员用于线上学习` +
          `（${hm(top.first_at)} 起，班级 ${classes.slice(0, 3).join('、')}${classes.length > 3 ? ' 等' : ''}）` +
          (days.length > 1 ? `，另有 ${days.length - 1} 天同样情况` : ''),
        evidence: { kind: top.kind, days, max_people_per_day: maxP, min_people_per_day: minP, rows: cleanRows(rows) },
        related: [...refs('class', classes), ...refs('person', distinct(rows, 'id_number'))],
      };
    });
  },
};

// ---------------------------------------------------------------------------------------
// ON-SPEED

/**
 * Two signals, one person clue:
 * - speed: between consecutive learning events (heartbeat/progress with a position_s) of
 *   the same (id_number, class_id, course_item) in chain order, position_s advances more
 *   than `max_speed_ratio` × the wall-clock time between them (any advance at zero elapsed
 *   time counts);
 * - daily time: learning time is the sum of the intervals ending at a learning event whose
 *   previous event is in the same login session (so every interval is ≤ the session gap and
 *   logout→login pauses never count), split at midnight between the two days, summed per
 *   person and day over all classes (from the shared session summary); more than
 *   `max_daily_hours` is flagged.
 */
const ON_SPEED: Rule = {
  id: 'ON-SPEED',
  title: '线上学习进度或时长异常',
  family: 'online',
  subject: 'person',
  severity: 'medium',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [
    { name: 'max_speed_ratio', default: 1.5, description: '播放进度推进与实际经过时间之比的上限（倍）', min: 1 },
    { name: 'max_daily_hours', default: 12, description: '一天内线上学习时长上限（小时）', min: 0, max: 24 },
    GAP_PARAM,
  ],
  description: '播放进度推进快于实际时间（倍速、拖拽刷进度），或一天内的线上学习时长超出合理范围。',
  kind: 'code',
  async run(ctx) {
    const ratio = Number(ctx.params.max_speed_ratio);
    const maxDay = Number(ctx.params.max_daily_hours) * 3600;
    // As in the session summary, DuckDB's window partitions on one 64-bit hash (of identity
    // number, class and course item) and carries the identity number's hash, mapped back for
    // the few flagged rows; epoch seconds are computed after the sort.
    const duck = ctx.d.name === 'duckdb';
    const w = `(PARTITION BY ${duck ? 'pk' : 'pid, class_id, course_item'} ORDER BY "at", ${eventIdOrder(ctx)})`;
    const t = await sessionSummary(ctx);
    const inner = `WITH lp0 AS (
        SELECT pid, class_id, course_item, "at", position_s, LAG("at") OVER ${w} AS prev_at, LAG(position_s) OVER ${w} AS prev_pos
        FROM (SELECT ${duck ? 'hash(id_number, class_id, course_item) AS pk, hash(id_number)' : 'id_number'} AS pid, class_id, course_item, "at", event_id, position_s
          FROM online_events WHERE type IN ${LEARNING} AND course_item IS NOT NULL AND position_s IS NOT NULL) x),
      lp AS (SELECT lp0.*, ${ctx.d.epoch('"at"')} AS t, ${ctx.d.epoch('prev_at')} AS prev_t FROM lp0),
      fast0 AS (
        SELECT * FROM lp WHERE prev_t IS NOT NULL AND position_s - prev_pos > ${ratio} * (t - prev_t)),
      fast AS (
        SELECT ${duck ? 'ids.id_number' : 'fast0.pid'} AS subject_id, 'speed' AS kind, class_id, course_item, CAST(NULL AS DATE) AS day,
          prev_at, "at", prev_pos, position_s, t - prev_t AS elapsed_s, position_s - prev_pos AS advanced_s,
          CAST(NULL AS DOUBLE PRECISION) AS learning_h, CAST(NULL AS VARCHAR) AS classes
        FROM fast0${
          duck
            ? ` JOIN (SELECT hash(id_number) AS pid, MIN(id_number) AS id_number FROM online_events
                WHERE hash(id_number) IN (SELECT pid FROM fast0) GROUP BY hash(id_number)) ids ON ids.pid = fast0.pid`
            : ''
        }),
      pd AS (
        SELECT id_number, class_id, day, SUM(own_s) AS own_s, SUM(spill_s) AS spill_s FROM ${t} WHERE g = 'day'
        GROUP BY id_number, class_id, day),
      dd AS (
        SELECT id_number, day, SUM(s) AS secs, MIN(class_id) AS class_id, STRING_AGG(DISTINCT class_id, ',') AS classes FROM (
          SELECT id_number, class_id, day, own_s AS s FROM pd
          UNION ALL SELECT id_number, class_id, CAST(day - 1 AS DATE), spill_s FROM pd WHERE spill_s > 0) u
        GROUP BY id_number, day HAVING SUM(s) > ${maxDay}),
      ev AS (
        SELECT * FROM fast
        UNION ALL
        SELECT id_number, 'daily', class_id, CAST(NULL AS VARCHAR), day, CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP),
          CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION),
          secs / 3600.0, classes
        FROM dd)
      SELECT ev.*, ${CLASS_COLS} FROM ev ${CLASS_JOIN('ev')}`;
    const groups = await boundedRows(ctx, inner, 'kind, day, "at", class_id, course_item');
    return [...groups.values()].map((rows) => {
      const daily = rows.filter((r) => r.kind === 'daily');
      const fast = rows.filter((r) => r.kind === 'speed');
      const n = num(rows[0].n_rows);
      // Institution/region of daily rows come from a class list: take them from speed rows or the first class.
      const parts: string[] = [];
      let score = 0.4;
      if (fast.length) {
        const f = fast.reduce((a, b) => (num(b.advanced_s) * num(a.elapsed_s) > num(a.advanced_s) * num(b.elapsed_s) ? b : a));
        const r = num(f.elapsed_s) > 0 ? num(f.advanced_s) / num(f.elapsed_s) : Infinity;
        parts.push(
          `课件 ${str(f.course_item)}（班级 ${str(f.class_id)}）在 ${ts(f.prev_at)} 起 ${Math.round(num(f.elapsed_s))} 秒内播放进度推进 ${Math.round(num(f.advanced_s))} 秒` +
            (Number.isFinite(r) ? `（${r.toFixed(1)} 倍速）` : ''),
        );
        score = Math.max(score, 0.5 + 0.1 * Math.min(5, Number.isFinite(r) ? r / ratio - 1 : 5));
      }
      if (daily.length) {
        const d = daily.reduce((a, b) => (num(b.learning_h) > num(a.learning_h) ? b : a));
        parts.push(`${str(d.day)} 一天线上学习 ${num(d.learning_h).toFixed(1)} 小时（班级 ${str(d.classes)}）`);
        score = Math.max(score, 0.5 + (num(d.learning_h) * 3600 - maxDay) / (24 * 3600 - maxDay || 1) / 2);
      }
      const classes = [...new Set([...distinct(rows, 'class_id'), ...daily.flatMap((r) => str(r.classes).split(',').filter(Boolean))])];
      return {
        ...personBase(rows),
        score: clampScore(score),
        summary: `学员 ${maskId(rows[0].subject_id)} ${parts.join('；')}，共 ${n} 条异常记录`,
        evidence: {
          speed_violations: fast.length,
          days_over_limit: daily.length,
          max_speed_ratio: ratio,
          max_daily_hours: maxDay / 3600,
          rows: cleanRows(rows),
        },
        related: refs('class', classes),
      };
    });
  },
};

// ---------------------------------------------------------------------------------------
// ON-BOT

/** Std-dev is the sample standard deviation of the intervals between consecutive heartbeats of the session. */
const ON_BOT: Rule = {
  id: 'ON-BOT',
  title: '线上学习心跳间隔过于规律（脚本刷课）',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [
    { name: 'min_heartbeats', default: 100, description: '判断所需的一个登录会话内最少心跳数（条）', min: 3 },
    { name: 'max_stddev_seconds', default: 0.5, description: '相邻心跳间隔标准差的上限（秒），低于此值视为机器行为', min: 0 },
    GAP_PARAM,
  ],
  description: '一个登录会话内心跳间隔的标准差极小，节奏过于规律，不像真人操作，疑似脚本或挂机软件刷课。',
  kind: 'code',
  async run(ctx) {
    const minN = Number(ctx.params.min_heartbeats);
    const maxSd = Number(ctx.params.max_stddev_seconds);
    const t = await sessionSummary(ctx);
    const inner = `WITH s AS (
        SELECT id_number, class_id, sess, s_at AS started_at, e_at AS ended_at, hb_n AS heartbeats,
          hb_mean AS mean_interval_s, hb_sd AS stddev_s, device_id
        FROM ${t} WHERE g = 'session' AND hb_n >= ${minN} AND hb_sd < ${maxSd})
      SELECT s.id_number AS subject_id, s.class_id, s.started_at, s.ended_at, s.heartbeats,
        s.mean_interval_s, s.stddev_s,
        s.device_id, ${CLASS_COLS}
      FROM s ${CLASS_JOIN('s')}`;
    const groups = await boundedRows(ctx, inner, 'stddev_s, started_at, class_id');
    return [...groups.values()].map((rows) => {
      const top = rows[0];
      const n = num(top.n_rows);
      const classes = distinct(rows, 'class_id');
      return {
        ...personBase(rows),
        score: clampScore(0.5 + 0.5 * (1 - num(top.stddev_s) / (maxSd || 1)) * Math.min(1, num(top.heartbeats) / (2 * minN)) + 0.02 * (n - 1)),
        summary:
          `学员 ${maskId(top.subject_id)} 在班级 ${str(top.class_id)} 的登录会话（${ts(top.started_at)}–${hm(top.ended_at)}）中 ` +
          `${num(top.heartbeats)} 次心跳间隔均为约 ${num(top.mean_interval_s).toFixed(1)} 秒、标准差仅 ${num(top.stddev_s).toFixed(3)} 秒，` +
          `共 ${n} 个此类会话`,
        evidence: { sessions: n, min_heartbeats: minN, max_stddev_seconds: maxSd, rows: cleanRows(rows) },
        related: refs('class', classes),
      };
    });
  },
};

// ---------------------------------------------------------------------------------------
// ON-TAMPER

/**
 * Recomputes DATA-FORMAT.md's chain hash in the database, from the `_raw` columns (the
 * exact file text; `at_raw` matters because the timestamp may be written in any accepted
 * form). Only events with a `hash` take part, so an event whose hash was blanked breaks the
 * link of the next one. Hex digests are compared case-insensitively.
 */
const ON_TAMPER: Rule = {
  id: 'ON-TAMPER',
  title: '线上学习记录哈希链断裂（数据篡改）',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [],
  description: '线上学习记录的哈希与按规定重新计算的结果不符，或前一哈希与上一条记录的哈希不一致，记录可能被篡改、删除或插入。',
  kind: 'code',
  async run(ctx) {
    const duck = ctx.d.name === 'duckdb';
    const hashed = (a: string) => `${a}.hash IS NOT NULL AND ${a}.hash <> ''`;
    // f: the broken events (class_id, event_id, at, hash_mismatch, prev_hash_mismatch,
    // prev_event_id, prev_event_hash12).
    let f: string;
    if (duck) {
      // Both checks come with the session summary's sorted pass (see sessionSummarySql), so
      // this rule reads its 'tamper' rows; the previous hashed event of the few broken
      // ones is looked up afterwards.
      const t = await sessionSummary(ctx, true);
      f = `f0 AS (
        SELECT id_number, class_id, tamper_eid AS event_id, s_at AS "at", tamper_hm AS hash_mismatch, tamper_lk AS prev_hash_mismatch
        FROM ${t} WHERE g = 'tamper'),
      pv AS (
        SELECT f0.id_number AS fp, f0.class_id AS fc, f0.event_id AS fe, f0."at" AS fa, o.event_id AS pe, LOWER(SUBSTR(o.hash, 1, 12)) AS ph,
          ROW_NUMBER() OVER (PARTITION BY f0.id_number, f0.class_id, f0.event_id, f0."at" ORDER BY o."at" DESC, o.event_id DESC) AS rn
        FROM f0 JOIN online_events o ON o.id_number = f0.id_number AND o.class_id = f0.class_id AND ${hashed('o')}
          AND (o."at" < f0."at" OR (o."at" = f0."at" AND o.event_id < f0.event_id))),
      f AS (
        SELECT f0.class_id, f0.event_id, f0."at", f0.hash_mismatch, f0.prev_hash_mismatch, pv.pe AS prev_event_id, pv.ph AS prev_event_hash12
        FROM f0 LEFT JOIN pv ON pv.fp = f0.id_number AND pv.fc = f0.class_id AND pv.fe = f0.event_id AND pv.fa = f0."at" AND pv.rn = 1)`;
    } else {
      // The window carries as little as possible: the hash check is done before it (a
      // boolean), the link check compares the first 12 hex digits (a changed prev_hash also
      // breaks its own event's hash, so nothing is lost), and the details of the few broken
      // events are joined back afterwards.
      const w = `(PARTITION BY id_number, class_id ORDER BY "at", ${eventIdOrder(ctx)})`;
      f = `h0 AS (
        SELECT id_number, class_id, event_id, "at", prev_hash, hash, ${payloadHash(ctx, 'online_events')} AS recomputed0
        FROM online_events WHERE ${hashed('online_events')}),
      h AS (
        SELECT id_number, class_id, event_id, "at", LOWER(SUBSTR(COALESCE(prev_hash, ''), 1, 12)) AS prev12,
          LOWER(SUBSTR(hash, 1, 12)) AS hash12, (hash <> recomputed0 AND LOWER(hash) <> recomputed0) AS hash_mismatch
        FROM h0),
      l AS (
        SELECT h.*, LAG(hash12) OVER ${w} AS prev_event_hash12, LAG(event_id) OVER ${w} AS prev_event_id FROM h),
      f AS (
        SELECT class_id, event_id, "at", hash_mismatch, prev12 <> COALESCE(prev_event_hash12, '') AS prev_hash_mismatch,
          prev_event_hash12, prev_event_id
        FROM l WHERE hash_mismatch OR prev12 <> COALESCE(prev_event_hash12, ''))`;
    }
    // Both engines' SHA-256 give lowercase hex, so LOWER (costly over 64 characters × 50M)
    // only runs on the rare hashes that differ as written.
    const inner = `WITH ${f}
      SELECT o.id_number AS subject_id, f.class_id, f.event_id, f."at", o.type, o.position_s, f.prev_event_id,
        o.prev_hash, f.prev_event_hash12 AS prev_event_hash_prefix, o.hash, ${payloadHash(ctx, 'o')} AS recomputed,
        f.hash_mismatch, f.prev_hash_mismatch, o.src_file, o.src_line,
        ${CLASS_COLS}
      FROM f JOIN online_events o ON o.event_id = f.event_id AND o.class_id = f.class_id AND o."at" = f."at"
        ${CLASS_JOIN('f')}`;
    const groups = await boundedRows(ctx, inner, `class_id, "at", ${eventIdOrder(ctx)}`);
    return [...groups.values()].map((rows) => {
      const top = rows[0];
      const n = num(top.n_rows);
      const classes = distinct(rows, 'class_id');
      const bad = rows.filter((r) => r.hash_mismatch).length;
      const link = rows.filter((r) => r.prev_hash_mismatch).length;
      const what = [bad ? `${bad} 条哈希与重算不符` : '', link ? `${link} 条前一哈希与上一条记录不一致` : ''].filter(Boolean).join('、');
      return {
        ...personBase(rows),
        score: clampScore(0.7 + 0.03 * n),
        summary:
          `学员 ${maskId(top.subject_id)} 在班级 ${classes.slice(0, 3).join('、')} 的线上学习记录哈希链断裂：${what}` +
          `（首条 ${str(top.event_id)}，${ts(top.at)}），共 ${n} 条`,
        evidence: { broken_events: n, rows: cleanRows(rows) },
        related: refs('class', classes),
      };
    });
  },
};

/** Online-training rules, in RULES.md order. */
export const ONLINE_RULES: Rule[] = [ON_NO_VERIFY, ON_CONCURRENT, ON_DEVICE_FARM, ON_SPEED, ON_BOT, ON_TAMPER];
