/**
 * Training rules on sessions and sign-ins: TR-OVERLAP, TR-BULK-SIGNIN, TR-NO-FACE,
 * TR-SIGNIN-OUTSIDE, TR-HOURS. These read `attendance` (tens of millions of rows in a
 * province), so every query is one or two set-based passes: aggregates and window
 * functions, no all-pairs joins over attendance.
 */
import type { CodeRule, Rule, RuleContext } from '../../types.ts';
import { classPairsCte, CLASS_REGION as REGION, JUDGED_MODES, listIds, maskId, minute, num, onePass, overlapPairFinding, p, PAIRS_SELECT, param, pct, refs, sample, scoreAbove, scoreBelow, str } from '../../kit/index.ts';

/** The sign-in rules judge offline and blended classes (RULES.md); a class missing from the dataset is judged too. */
const MODE_JUDGED = `(c.mode IS NULL OR c.mode IN ${JUDGED_MODES})`;


/**
 * TR-OVERLAP. Pairs of sessions of *different classes* (same institution or not: a person
 * cannot sit in two classrooms at once either way) whose [starts_at, ends_at] intervals
 * overlap by at least the threshold, both signed in by the person.
 * Performance (20M attendance rows): one aggregate pass gives each (person, class) the
 * span of the sessions attended; only (person, class) whose spans overlap another class's
 * span are paired session by session, on (person, day) — see pairsCte. No window over
 * attendance, no all-pairs join.
 */
function overlapPairs(ctx: RuleContext): string {
  return `
  WITH a AS NOT MATERIALIZED (
    SELECT a.id_number, s.session_id, s.class_id, s.starts_at, s.ends_at
      FROM attendance a JOIN sessions s ON s.session_id = a.session_id
     WHERE s.ends_at > s.starts_at),
  span AS MATERIALIZED (
    SELECT id_number, class_id, min(starts_at) AS f, max(ends_at) AS t FROM a GROUP BY id_number, class_id),
  cp AS MATERIALIZED (
    SELECT DISTINCT x.id_number, x.class_id
      FROM span x JOIN span y ON y.id_number = x.id_number AND y.class_id <> x.class_id AND x.f < y.t AND y.f < x.t),
  ca AS MATERIALIZED (SELECT a.* FROM a JOIN cp ON cp.id_number = a.id_number AND cp.class_id = a.class_id),
  ${classPairsCte(ctx, 'ca')}`;
}

const OVERLAP: CodeRule = onePass({
  id: 'TR-OVERLAP',
  title: '同一学员同时段在不同培训班签到',
  family: 'training',
  subject: 'person',
  severity: 'high',
  needs: ['attendance', 'sessions'],
  optional: ['classes', 'institutions'],
  params: [param('min_overlap_minutes', 1, '两个课次时间重叠的最短时长（分钟）', 0)],
  description: '同一人员在两个不同培训班、时间重叠的课次中都有签到记录（分身参训、冒名签到）。',
  query: (ctx) => overlapPairs(ctx) + PAIRS_SELECT,
  finding: (row, ev) => overlapPairFinding(row, ev, 0.75, `学员 ${maskId(row.subject_id)} 同时段在两个培训班签到`),
});

/**
 * TR-BULK-SIGNIN. "Same second" is the whole second of checked_at (floor of the epoch:
 * grouping on an integer is several times cheaper than on a truncated timestamp over
 * 20M rows). Sign-ins are counted as rows: attendance is unique per (session, person).
 * Rows without device_id do not form a device group.
 */
function bulkQuery(ctx: RuleContext): string {
  const sameSec = p(ctx, 'same_second_min');
  const perDev = p(ctx, 'per_device_min');
  const sec = `CAST(floor(${ctx.d.epoch('checked_at')}) AS BIGINT)`;
  return `
  WITH hits AS (
    SELECT 'same_second' AS kind, session_id, min(checked_at) AS signed_at, CAST(NULL AS VARCHAR) AS device_id, count(*) AS n
      FROM attendance GROUP BY session_id, ${sec} HAVING count(*) >= ${sameSec}
    UNION ALL
    SELECT 'device', session_id, min(checked_at), device_id, count(*)
      FROM attendance WHERE device_id IS NOT NULL GROUP BY session_id, device_id HAVING count(*) >= ${perDev}),
  hx AS MATERIALIZED (
    SELECT h.*, s.class_id, s.starts_at, c.institution_id, ${REGION} AS region_code,
           row_number() OVER (PARTITION BY s.class_id ORDER BY h.n DESC, h.session_id, h.kind) AS rn
      FROM hits h JOIN sessions s ON s.session_id = h.session_id
      LEFT JOIN classes c ON c.class_id = s.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE ${MODE_JUDGED}),
  agg AS (
    SELECT class_id AS subject_id, max(institution_id) AS institution_id, max(region_code) AS region_code,
           count(DISTINCT session_id) AS n_sessions,
           max(CASE WHEN kind = 'same_second' THEN n END) AS max_same_second,
           max(CASE WHEN kind = 'device' THEN n END) AS max_per_device,
           min(starts_at) AS first_session
      FROM hx GROUP BY class_id)
  SELECT agg.*, hx.session_id AS e_session_id, hx.kind AS e_kind, hx.signed_at AS e_signed_at, hx.device_id AS e_device_id,
         hx.n AS e_n, hx.rn AS e_rn
    FROM agg JOIN hx ON hx.class_id = agg.subject_id AND hx.rn <= 50 ORDER BY agg.subject_id, hx.rn`;
}

const BULK_SIGNIN: CodeRule = onePass({
  id: 'TR-BULK-SIGNIN',
  title: '批量代签到',
  family: 'training',
  subject: 'class',
  severity: 'high',
  needs: ['attendance', 'sessions'],
  optional: ['classes', 'institutions'],
  params: [
    param('same_second_min', 10, '同一课次同一秒内签到人数下限（人）', 2),
    param('per_device_min', 10, '同一课次同一设备签到人数下限（人）', 2),
  ],
  description: '某课次中大量签到发生在同一秒，或同一设备为大量学员签到（批量代签）。',
  query: bulkQuery,
  finding(row, ev, ctx) {
    const parts: string[] = [];
    if (row.max_same_second != null) parts.push(`同一秒内最多 ${row.max_same_second} 人签到`);
    if (row.max_per_device != null) parts.push(`同一设备最多为 ${row.max_per_device} 人签到`);
    const ratio = Math.max(
      Number(row.max_same_second ?? 0) / p(ctx, 'same_second_min'),
      Number(row.max_per_device ?? 0) / p(ctx, 'per_device_min'),
    );
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: scoreAbove(ratio, 1),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id} 有 ${row.n_sessions} 个课次疑似批量签到：${parts.join('，')}（课次 ${listIds(ev.map((e) => e.session_id))}，首个课次 ${minute(row.first_session)}）`,
      evidence: { rows: ev.map(({ subject_id: _s, ...r }) => r) },
      related: refs(['institution', [row.institution_id]]),
    };
  },
});

/**
 * TR-NO-FACE. A sign-in is "unverified" when its method is not face/fingerprint (a missing
 * method included: nothing shows the person was there), or its face_score is below the
 * threshold whatever the method. A `face` sign-in with no score is *not* counted: the
 * method itself is biometric and RULES.md flags only scores below the threshold; a
 * missing export column must not turn every class into a clue.
 * One aggregate pass over attendance; the sample re-reads only the flagged classes.
 */
function noFaceQuery(ctx: RuleContext): string {
  const minScore = p(ctx, 'min_face_score');
  const bad = `(a.method IS NULL OR a.method NOT IN ('face', 'fingerprint') OR a.face_score < ${minScore})`;
  return `
  WITH agg AS (
    SELECT s.class_id, count(*) AS n_total,
           count(*) FILTER (WHERE a.method IS NULL OR a.method NOT IN ('face', 'fingerprint')) AS n_non_bio,
           count(*) FILTER (WHERE a.face_score < ${minScore}) AS n_low_score,
           count(*) FILTER (WHERE ${bad}) AS n_bad
      FROM attendance a JOIN sessions s ON s.session_id = a.session_id GROUP BY s.class_id),
  flagged AS MATERIALIZED (
    SELECT agg.class_id AS subject_id, c.institution_id, ${REGION} AS region_code, n_total, n_bad, n_non_bio, n_low_score,
           1.0 * n_bad / n_total AS share
      FROM agg LEFT JOIN classes c ON c.class_id = agg.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE 1.0 * n_bad / n_total > ${p(ctx, 'max_share')} AND ${MODE_JUDGED}),
  ev AS (
    SELECT s.class_id, a.session_id, a.id_number, a.checked_at, a.method, a.face_score,
           row_number() OVER (PARTITION BY s.class_id ORDER BY a.checked_at, a.session_id, a.id_number) AS rn
      FROM attendance a JOIN sessions s ON s.session_id = a.session_id JOIN flagged f ON f.subject_id = s.class_id
     WHERE ${bad})
  SELECT f.*, ev.session_id AS e_session_id, ev.id_number AS e_id_number, ev.checked_at AS e_checked_at,
         ev.method AS e_method, ev.face_score AS e_face_score, ev.rn AS e_rn
    FROM flagged f LEFT JOIN ev ON ev.class_id = f.subject_id AND ev.rn <= 20 ORDER BY f.subject_id, ev.rn`;
}

const NO_FACE: CodeRule = onePass({
  id: 'TR-NO-FACE',
  title: '签到未经人脸或指纹核验',
  family: 'training',
  subject: 'class',
  severity: 'medium',
  needs: ['attendance', 'sessions'],
  optional: ['classes', 'institutions'],
  params: [
    param('max_share', 0.3, '未经生物特征核验（或人脸比对分过低）的签到占比上限（比例，0.3 即 30%）', 0, 1),
    param('min_face_score', 0.6, '人脸比对通过的最低分（0–1）', 0, 1),
  ],
  description: '培训班的签到中，非人脸/指纹方式或人脸比对分低于阈值的签到占比超过上限（实名实人核验缺失）。',
  query: noFaceQuery,
  finding(row, ev, ctx) {
    const share = Number(row.share);
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: scoreAbove(share, p(ctx, 'max_share')),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id} 的 ${row.n_total} 次签到中有 ${row.n_bad} 次（${pct(share)}）未经人脸/指纹核验或比对分低于 ${p(ctx, 'min_face_score')}（非生物特征方式 ${row.n_non_bio} 次，低分 ${row.n_low_score} 次）`,
      evidence: {
        total: row.n_total,
        unverified: row.n_bad,
        non_biometric: row.n_non_bio,
        low_score: row.n_low_score,
        share,
        sample: sample(ev, ['session_id', 'id_number', 'checked_at', 'method', 'face_score']),
      },
      related: refs(['institution', [row.institution_id]]),
    };
  },
});

/**
 * TR-SIGNIN-OUTSIDE. Window: earlier than starts_at − 30 min or later than ends_at (a
 * sign-in at exactly either bound is inside). Venue: the session's coordinates, else the
 * class's; a sign-in or venue without coordinates is judged on time only. Any such
 * sign-in flags the class (RULES.md sets no share); the score grows with the share.
 */
function outsideQuery(ctx: RuleContext): string {
  const { d } = ctx;
  const early = 60 * p(ctx, 'early_minutes');
  return `
  WITH o AS NOT MATERIALIZED (
    SELECT b.*, CASE WHEN secs_before_start > ${early} THEN 1 ELSE 0 END AS early,
           CASE WHEN secs_after_end > 0 THEN 1 ELSE 0 END AS late,
           CASE WHEN km > ${p(ctx, 'max_km')} THEN 1 ELSE 0 END AS far
      FROM (
        SELECT s.class_id, a.session_id, a.id_number, a.checked_at, s.starts_at, s.ends_at,
               ${d.distanceKm('a.lat', 'a.lon', 'COALESCE(s.venue_lat, c.venue_lat)', 'COALESCE(s.venue_lon, c.venue_lon)')} AS km,
               ${d.epoch('s.starts_at')} - ${d.epoch('a.checked_at')} AS secs_before_start,
               ${d.epoch('a.checked_at')} - ${d.epoch('s.ends_at')} AS secs_after_end
          FROM attendance a JOIN sessions s ON s.session_id = a.session_id
          LEFT JOIN classes c ON c.class_id = s.class_id) b),
  agg AS (
    SELECT class_id, count(*) AS n_total, sum(early) AS n_early, sum(late) AS n_late, sum(far) AS n_far,
           count(*) FILTER (WHERE early = 1 OR late = 1 OR far = 1) AS n_bad, max(CASE WHEN far = 1 THEN km END) AS max_km
      FROM o GROUP BY class_id),
  flagged AS MATERIALIZED (
    SELECT agg.class_id AS subject_id, c.institution_id, ${REGION} AS region_code, n_total, n_bad, n_early, n_late, n_far, max_km
      FROM agg LEFT JOIN classes c ON c.class_id = agg.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE n_bad > 0 AND ${MODE_JUDGED}),
  ev AS (
    SELECT o.*, row_number() OVER (PARTITION BY o.class_id ORDER BY o.checked_at, o.session_id, o.id_number) AS rn
      FROM o JOIN flagged f ON f.subject_id = o.class_id WHERE o.early = 1 OR o.late = 1 OR o.far = 1)
  SELECT f.*, ev.session_id AS e_session_id, ev.id_number AS e_id_number, ev.checked_at AS e_checked_at,
         ev.starts_at AS e_starts_at, ev.ends_at AS e_ends_at, ev.km AS e_km, ev.early AS e_early, ev.late AS e_late,
         ev.far AS e_far, ev.rn AS e_rn
    FROM flagged f LEFT JOIN ev ON ev.class_id = f.subject_id AND ev.rn <= 20 ORDER BY f.subject_id, ev.rn`;
}

const SIGNIN_OUTSIDE: CodeRule = onePass({
  id: 'TR-SIGNIN-OUTSIDE',
  title: '签到时间或地点异常',
  family: 'training',
  subject: 'class',
  severity: 'medium',
  needs: ['attendance', 'sessions'],
  optional: ['classes', 'institutions'],
  params: [
    param('early_minutes', 30, '允许提前签到的时长（分钟，早于开始时间减此值为异常）', 0),
    param('max_km', 5, '签到位置距培训地点的最大距离（公里）', 0),
  ],
  description: '签到时间早于课次开始前30分钟或晚于课次结束，或签到位置距培训地点超过5公里的培训班。',
  query: outsideQuery,
  finding(row, ev) {
    const parts: string[] = [];
    if (Number(row.n_early)) parts.push(`过早签到 ${row.n_early} 次`);
    if (Number(row.n_late)) parts.push(`课次结束后签到 ${row.n_late} 次`);
    if (Number(row.n_far)) parts.push(`距培训地点超过阈值 ${row.n_far} 次（最远 ${num(row.max_km)} 公里）`);
    const share = Number(row.n_bad) / Math.max(1, Number(row.n_total));
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: Math.min(1, Number((0.5 + share / 2).toFixed(4))),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id} 的 ${row.n_total} 次签到中有 ${row.n_bad} 次在课次时间或地点之外：${parts.join('，')}（如课次 ${listIds(ev.map((e) => e.session_id), 2)}）`,
      evidence: {
        total: row.n_total,
        outside: row.n_bad,
        early: row.n_early,
        late: row.n_late,
        far: row.n_far,
        max_km: row.max_km == null ? null : Number(num(row.max_km, 2)),
        sample: ev.map((e) => ({ ...sample([e], ['session_id', 'id_number', 'checked_at', 'starts_at', 'ends_at'])[0], km: e.km == null ? null : Number(num(e.km, 2)), early: !!Number(e.early), late: !!Number(e.late), far: !!Number(e.far) })),
      },
      related: refs(['institution', [row.institution_id]]),
    };
  },
});

/**
 * TR-HOURS. Judges classes whose mode is `offline` or `blended` (online classes are the ON
 * rules' concern). (a) delivered hours = sum of session durations (sessions spanning
 * midnight count fully) below `min_share` of the project's standard_hours — a class with no
 * session rows at all delivered 0 hours (a ghost class, RULES.md); (b) an enrollment whose
 * completed_hours exceeds the summed duration of the sessions that person signed in to in
 * that class (no attendance at all = 0 hours). A small tolerance (0.01 h) absorbs rounding
 * in exported hours. Skipped (needs) when sessions or attendance are absent from the dataset.
 */
function hoursQuery(ctx: RuleContext): string {
  const { d } = ctx;
  const dur = `(${d.epoch('s.ends_at')} - ${d.epoch('s.starts_at')}) / 3600.0`;
  return `
  WITH delivered AS MATERIALIZED (
    SELECT c.class_id, COALESCE(sum(${dur}), 0) AS hours, count(s.session_id) AS n_sessions
      FROM classes c LEFT JOIN sessions s ON s.class_id = c.class_id
     WHERE c.mode IN ${JUDGED_MODES} GROUP BY c.class_id),
  attended AS (
    SELECT s.class_id, a.id_number, sum(${dur}) AS hours
      FROM attendance a JOIN sessions s ON s.session_id = a.session_id GROUP BY s.class_id, a.id_number),
  over AS MATERIALIZED (
    SELECT e.class_id, e.id_number, e.completed_hours, COALESCE(t.hours, 0) AS attended_hours,
           row_number() OVER (PARTITION BY e.class_id ORDER BY e.completed_hours - COALESCE(t.hours, 0) DESC, e.id_number) AS rn
      FROM enrollments e JOIN delivered dl ON dl.class_id = e.class_id
      LEFT JOIN attended t ON t.class_id = e.class_id AND t.id_number = e.id_number
     WHERE e.completed_hours > COALESCE(t.hours, 0) + 0.01),
  over_agg AS (SELECT class_id, count(*) AS n_over FROM over GROUP BY class_id),
  flagged AS (
    SELECT dl.class_id AS subject_id, c.institution_id, ${REGION} AS region_code, dl.hours AS delivered_hours, dl.n_sessions,
           pr.standard_hours, COALESCE(oa.n_over, 0) AS n_over,
           CASE WHEN dl.hours < ${p(ctx, 'min_share')} * pr.standard_hours THEN 1 ELSE 0 END AS short
      FROM delivered dl JOIN classes c ON c.class_id = dl.class_id
      LEFT JOIN projects pr ON pr.project_id = c.project_id
      LEFT JOIN institutions i ON i.institution_id = c.institution_id
      LEFT JOIN over_agg oa ON oa.class_id = dl.class_id
     WHERE dl.hours < ${p(ctx, 'min_share')} * pr.standard_hours OR oa.n_over > 0)
  SELECT f.*, o.id_number AS e_id_number, o.completed_hours AS e_completed_hours, o.attended_hours AS e_attended_hours, o.rn AS e_rn
    FROM flagged f LEFT JOIN over o ON o.class_id = f.subject_id AND o.rn <= 50 ORDER BY f.subject_id, o.rn`;
}

const HOURS: CodeRule = onePass({
  id: 'TR-HOURS',
  title: '培训学时不足或结业学时虚报',
  family: 'training',
  subject: 'class',
  severity: 'high',
  needs: ['sessions', 'attendance', 'classes', 'projects'],
  optional: ['enrollments', 'institutions'],
  params: [param('min_share', 0.9, '实际授课学时占项目标准学时的最低比例（0.9 即 90%）', 0, 1)],
  description: '线下或线上线下混合培训班的课次时长合计低于项目标准学时的90%（没有任何课次记录的培训班按0学时计），或学员名单中的结业学时超过其签到课次时长合计的培训班（缩短学时、虚报学时）。',
  query: hoursQuery,
  finding(row, ev, ctx) {
    const std = Number(row.standard_hours);
    const delivered = Number(row.delivered_hours);
    const parts: string[] = [];
    const ghost = Number(row.n_sessions) === 0;
    if (Number(row.short))
      parts.push(
        ghost
          ? `没有任何课次记录（实际授课 0 学时，项目标准学时 ${num(std)}），疑似虚假开班`
          : `${row.n_sessions} 个课次合计 ${num(delivered)} 学时，低于项目标准学时 ${num(std)} 的 ${pct(p(ctx, 'min_share'))}`,
      );
    if (Number(row.n_over)) {
      const e = ev[0];
      parts.push(`${row.n_over} 名学员的结业学时超过其签到课次时长${e ? `（如 ${maskId(e.id_number)} 结业 ${num(e.completed_hours)} 学时、签到仅 ${num(e.attended_hours)} 学时）` : ''}`);
    }
    const sShort = Number(row.short) ? scoreBelow(delivered, p(ctx, 'min_share') * std) : 0;
    const sOver = Number(row.n_over) ? Math.min(1, 0.6 + 0.02 * Number(row.n_over)) : 0;
    return {
      subject: { type: 'class', id: String(row.subject_id) },
      score: Number(Math.max(sShort, sOver).toFixed(4)),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `培训班 ${row.subject_id} ${parts.join('；')}`,
      evidence: {
        delivered_hours: Number(num(delivered, 2)),
        sessions: row.n_sessions,
        standard_hours: std,
        short: !!Number(row.short),
        no_sessions: ghost,
        enrollments_over: row.n_over,
        rows: ev.map((e) => ({ id_number: e.id_number, completed_hours: e.completed_hours, attended_hours: Number(num(e.attended_hours, 2)) })),
      },
      related: refs(['institution', [row.institution_id]]),
    };
  },
});

export const ATTENDANCE_RULES: Rule[] = [OVERLAP, BULK_SIGNIN, NO_FACE, SIGNIN_OUTSIDE, HOURS];
