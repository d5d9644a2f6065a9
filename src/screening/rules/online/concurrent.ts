/** ON-CONCURRENT: the same person active on two devices, or on two course items, at once. */
import { clock, maskId, refs } from '../../kit/index.ts';
import type { Rule } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, toNumber, text } from '../../kit/index.ts';
import { ACTIVE_GAP_PARAM, GAP_PARAM, eventIdOrder, personBase, second, withSessions } from './sessions.ts';

/**
 * Activity, not presence: a device is active over each maximal run of its events (within
 * one of its login sessions) in which consecutive events are at most `active_gap_minutes`
 * apart; likewise a course item (class_id + course_item) over the runs of its own events.
 * A learner who switches A → B → A has A idle during the B stint, so nothing overlaps;
 * two devices both sending heartbeats for 5 minutes overlap for 5 minutes. Overlap is looked
 * for across all of the person's intervals — other classes included — between intervals of
 * different devices (events without a device_id take no part) or different course items.
 * The windowed pass (sorted by start, running max end of the previous intervals) finds
 * candidates; a join of the few candidates back to the person's intervals names the
 * partner and checks that it really is another device/course item.
 */
export const ON_CONCURRENT: Rule = {
  id: 'ON-CONCURRENT',
  title: '线上学习多设备或多课件同时在线',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [
    { name: 'min_overlap_minutes', default: 5, description: '两台设备或两个课件同时活动的最短重叠时长（分钟）', min: 0 },
    ACTIVE_GAP_PARAM,
    GAP_PARAM,
  ],
  description:
    '同一学员在同一时段在两台设备上都有学习活动，或同时播放两个课件，重叠达到阈值；活动指同一设备（课件）相邻事件相隔不超过活动间隔的连续时段，来回切换设备不算同时在线。',
  kind: 'code',
  run: (ctx) =>
    withSessions(ctx, async (t) => {
      const minOv = Number(ctx.params.min_overlap_minutes) * 60;
      const active = Number(ctx.params.active_gap_minutes) * 60;
      // Overlapping pairs among `spans` (id_number, dim, k, class_id, device_id, sess, s, e,
      // s_at, e_at): a window sorted by start with the running max end of the earlier spans
      // finds the candidates (a superset), a join back names the partner.
      const pairs = (name: string, spans: string, same = '') => `
        ${name}_c AS (
          SELECT * FROM (
            SELECT ${spans}.*, MAX(e) OVER (PARTITION BY id_number, dim ORDER BY s, k, class_id, sess, e
              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max_e
            FROM ${spans}) x
          WHERE prev_max_e IS NOT NULL AND LEAST(e, prev_max_e) - s >= ${minOv}),
        ${name} AS (
          SELECT c1.id_number, c1.dim, c1.device_id, c1.k AS key_b, c1.class_id AS class_b, c1.s_at AS start_b, c1.e_at AS end_b,
            o.k AS key_a, o.class_id AS class_a, o.s_at AS start_a, o.e_at AS end_a,
            LEAST(c1.e, o.e) - c1.s AS overlap_s
          FROM ${name}_c c1 JOIN ${spans} o ON o.id_number = c1.id_number AND o.dim = c1.dim AND o.k <> c1.k
            AND (o.s < c1.s OR (o.s = c1.s AND o.k < c1.k)) ${same}
          WHERE LEAST(c1.e, o.e) - c1.s >= ${minOv})`;
      const sameDevice = 'AND o.device_id IS NOT DISTINCT FROM c1.device_id';
      const inner = `WITH dspans AS (
          SELECT id_number, class_id, device_id, sess, 'device' AS dim, device_id AS k, s_at, e_at, s, e
          FROM ${t} WHERE g = 'device' AND device_id IS NOT NULL AND e - s >= ${minOv}),
        ${pairs('dpairs', 'dspans')},
        -- Course items: the session table's item spans (per device activity interval) bound
        -- each item's activity from above; only people and devices where two of them overlap
        -- enough get the exact activity intervals of each item, from their events.
        aspans AS (
          SELECT id_number, class_id, device_id, sess, 'course_item' AS dim, class_id || '/' || course_item AS k, s_at, e_at, s, e
          FROM ${t} WHERE g = 'item' AND course_item IS NOT NULL AND e - s >= ${minOv}),
        ${pairs('apairs', 'aspans', sameDevice)},
        grp AS (SELECT DISTINCT id_number, device_id FROM apairs),
        iev AS (
          SELECT o.id_number, o.class_id, o.device_id, o.course_item, o."at",
            LAG(o."at") OVER (PARTITION BY o.id_number, o.class_id, o.device_id, o.course_item ORDER BY o."at", ${eventIdOrder(ctx, 'o.event_id')}) AS prev_at
          FROM online_events o JOIN grp ON grp.id_number = o.id_number AND o.device_id IS NOT DISTINCT FROM grp.device_id
          WHERE o.course_item IS NOT NULL),
        iev2 AS (SELECT iev.*, ${ctx.d.epoch('"at"')} AS t, ${ctx.d.epoch('prev_at')} AS prev_t FROM iev),
        iev3 AS (
          SELECT iev2.*, SUM(CASE WHEN prev_t IS NULL OR t - prev_t > ${active} THEN 1 ELSE 0 END)
            OVER (PARTITION BY id_number, class_id, device_id, course_item ORDER BY t ROWS UNBOUNDED PRECEDING) AS isl
          FROM iev2),
        ispans AS (
          SELECT id_number, class_id, device_id, 0 AS sess, 'course_item' AS dim, class_id || '/' || course_item AS k,
            MIN("at") AS s_at, MAX("at") AS e_at, MIN(t) AS s, MAX(t) AS e
          FROM iev3 GROUP BY id_number, class_id, device_id, course_item, isl HAVING MAX(t) - MIN(t) >= ${minOv}),
        ${pairs('ipairs', 'ispans', sameDevice)},
        allpairs AS (SELECT * FROM dpairs UNION ALL SELECT * FROM ipairs)
        SELECT p.id_number AS subject_id, p.dim, p.key_a, p.class_a, p.start_a, p.end_a, p.key_b, p.class_b, p.start_b, p.end_b,
          p.overlap_s, c.institution_id AS institution_id, COALESCE(c.region_code, i.region_code) AS region_code
        FROM allpairs p LEFT JOIN classes c ON c.class_id = p.class_b LEFT JOIN institutions i ON i.institution_id = c.institution_id`;
      const groups = await boundedRows(ctx, inner, 'overlap_s DESC, start_b, key_a, key_b');
      return [...groups.values()].map((rows) => {
        const n = toNumber(rows[0].n_rows);
        const top = rows[0];
        const maxOv = toNumber(top.overlap_s);
        const what = top.dim === 'device' ? '两台设备' : '两个课件';
        const classes = [...new Set([...distinct(rows, 'class_a'), ...distinct(rows, 'class_b')])];
        return {
          ...personBase(rows),
          score: clampScore(0.5 + 0.5 * Math.min(1, (maxOv - minOv) / 3600) + 0.02 * n),
          summary:
            `学员 ${maskId(top.subject_id)} 在${what}上同时学习 ${Math.round(maxOv / 60)} 分钟` +
            `（${text(top.key_a)} 与 ${text(top.key_b)}，${second(top.start_b)}–${clock(text(top.end_a) < text(top.end_b) ? top.end_a : top.end_b)}，` +
            `班级 ${classes.slice(0, 3).join('、')}），共 ${n} 处重叠`,
          evidence: { overlaps: n, min_overlap_minutes: minOv / 60, rows: cleanRows(rows) },
          related: refs(['class', classes]),
        };
      });
    }),
};
