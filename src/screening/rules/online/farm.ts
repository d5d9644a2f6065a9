/** ON-DEVICE-FARM: one device_id or ip used by many learners on one day (刷课工作室). */
import { clock, refs } from '../../kit/index.ts';
import type { Rule } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, mostCommon, toNumber, text } from '../../kit/index.ts';
import { CLASS_COLS, CLASS_JOIN } from './sessions.ts';

export const ON_DEVICE_FARM: Rule = {
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
    // One GROUP BY with two grouping sets instead of scanning the events twice; no sessions needed.
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
      const maxP = toNumber(top.people_n);
      const classes = distinct(rows, 'class_id');
      return {
        subject: { type: 'device', id: text(top.subject_id) },
        region_code: mostCommon(rows, 'region_code'),
        institution_id: mostCommon(rows, 'institution_id'),
        score: clampScore(0.5 + 0.05 * (maxP - minP) + 0.05 * (days.length - 1)),
        summary:
          `${top.kind === 'ip' ? 'IP地址' : '设备'} ${text(top.subject_id)} 于 ${text(top.day)} 被 ${maxP} 名不同学员用于线上学习` +
          `（${clock(top.first_at)} 起，班级 ${classes.slice(0, 3).join('、')}${classes.length > 3 ? ' 等' : ''}）` +
          (days.length > 1 ? `，另有 ${days.length - 1} 天同样情况` : ''),
        evidence: { kind: top.kind, days, max_people_per_day: maxP, min_people_per_day: minP, rows: cleanRows(rows) },
        related: refs(['class', classes], ['person', distinct(rows, 'id_number')]),
      };
    });
  },
};
