/** ON-SPEED: playback faster than real time, or implausible daily learning time. */
import { maskId, refs } from '../../kit/index.ts';
import type { Rule } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, toNumber, text } from '../../kit/index.ts';
import { CLASS_COLS, CLASS_JOIN, GAP_PARAM, LEARNING, eventIdOrder, personBase, second, withSessions } from './sessions.ts';

/**
 * Two signals, one person clue:
 * - speed: between consecutive learning events (heartbeat/progress with a position_s) of
 *   the same (id_number, class_id, course_item) in chain order, position_s advances more
 *   than `max_speed_ratio` × the wall-clock time between them (any advance at zero elapsed
 *   time counts);
 * - daily time: learning time is the sum of the intervals ending at a learning event whose
 *   previous event (on the same device) is in the same login session (so every interval is
 *   ≤ the session gap and logout→login pauses never count), split at midnight between the
 *   two days, summed per person and day over all classes and devices (from the shared
 *   session summary); more than `max_daily_hours` is flagged.
 */
export const ON_SPEED: Rule = {
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
  run: (ctx) =>
    withSessions(ctx, async (t) => {
      const ratio = Number(ctx.params.max_speed_ratio);
      const maxDay = Number(ctx.params.max_daily_hours) * 3600;
      // As in the session summary, DuckDB's window partitions on one 64-bit hash (of identity
      // number, class and course item) and carries the identity number's hash, mapped back for
      // the few flagged rows; epoch seconds are computed after the sort.
      const duck = ctx.d.name === 'duckdb';
      const w = `(PARTITION BY ${duck ? 'pk' : 'pid, class_id, course_item'} ORDER BY "at", ${eventIdOrder(ctx)})`;
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
        const n = toNumber(rows[0].n_rows);
        const parts: string[] = [];
        let score = 0.4;
        if (fast.length) {
          const f = fast.reduce((a, b) => (toNumber(b.advanced_s) * toNumber(a.elapsed_s) > toNumber(a.advanced_s) * toNumber(b.elapsed_s) ? b : a));
          const r = toNumber(f.elapsed_s) > 0 ? toNumber(f.advanced_s) / toNumber(f.elapsed_s) : Infinity;
          parts.push(
            `课件 ${text(f.course_item)}（班级 ${text(f.class_id)}）在 ${second(f.prev_at)} 起 ${Math.round(toNumber(f.elapsed_s))} 秒内播放进度推进 ${Math.round(toNumber(f.advanced_s))} 秒` +
              (Number.isFinite(r) ? `（${r.toFixed(1)} 倍速）` : ''),
          );
          score = Math.max(score, 0.5 + 0.1 * Math.min(5, Number.isFinite(r) ? r / ratio - 1 : 5));
        }
        if (daily.length) {
          const d = daily.reduce((a, b) => (toNumber(b.learning_h) > toNumber(a.learning_h) ? b : a));
          parts.push(`${text(d.day)} 一天线上学习 ${toNumber(d.learning_h).toFixed(1)} 小时（班级 ${text(d.classes)}）`);
          score = Math.max(score, 0.5 + (toNumber(d.learning_h) * 3600 - maxDay) / (24 * 3600 - maxDay || 1) / 2);
        }
        const classes = [...new Set([...distinct(rows, 'class_id'), ...daily.flatMap((r) => text(r.classes).split(',').filter(Boolean))])];
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
          related: refs(['class', classes]),
        };
      });
    }),
};
