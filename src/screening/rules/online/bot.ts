/** ON-BOT: heartbeat intervals too regular to be human (脚本刷课). */
import { clock, maskId, refs } from '../../kit/index.ts';
import type { Rule } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, toNumber, text } from '../../kit/index.ts';
import { CLASS_COLS, CLASS_JOIN, GAP_PARAM, personBase, second, withSessions } from './sessions.ts';

/**
 * Std-dev is the sample standard deviation of the intervals between consecutive heartbeats
 * of one login session — so of one device: two devices' heartbeats are never interleaved.
 */
export const ON_BOT: Rule = {
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
  description: '一个登录会话（同一设备）内心跳间隔的标准差极小，节奏过于规律，不像真人操作，疑似脚本或挂机软件刷课。',
  kind: 'code',
  run: (ctx) =>
    withSessions(ctx, async (t) => {
      const minN = Number(ctx.params.min_heartbeats);
      const maxSd = Number(ctx.params.max_stddev_seconds);
      const inner = `WITH s AS (
          SELECT id_number, class_id, device_id, sess, s_at AS started_at, e_at AS ended_at, hb_n AS heartbeats,
            hb_mean AS mean_interval_s, hb_sd AS stddev_s
          FROM ${t} WHERE g = 'session' AND hb_n >= ${minN} AND hb_sd < ${maxSd})
        SELECT s.id_number AS subject_id, s.class_id, s.started_at, s.ended_at, s.heartbeats,
          s.mean_interval_s, s.stddev_s, s.device_id, ${CLASS_COLS}
        FROM s ${CLASS_JOIN('s')}`;
      const groups = await boundedRows(ctx, inner, 'stddev_s, started_at, class_id, device_id');
      return [...groups.values()].map((rows) => {
        const top = rows[0];
        const n = toNumber(top.n_rows);
        const classes = distinct(rows, 'class_id');
        return {
          ...personBase(rows),
          score: clampScore(0.5 + 0.5 * (1 - toNumber(top.stddev_s) / (maxSd || 1)) * Math.min(1, toNumber(top.heartbeats) / (2 * minN)) + 0.02 * (n - 1)),
          summary:
            `学员 ${maskId(top.subject_id)} 在班级 ${text(top.class_id)} 的登录会话（${second(top.started_at)}–${clock(top.ended_at)}）中 ` +
            `${toNumber(top.heartbeats)} 次心跳间隔均为约 ${toNumber(top.mean_interval_s).toFixed(1)} 秒、标准差仅 ${toNumber(top.stddev_s).toFixed(3)} 秒，` +
            `共 ${n} 个此类会话`,
          evidence: { sessions: n, min_heartbeats: minN, max_stddev_seconds: maxSd, rows: cleanRows(rows) },
          related: refs(['class', classes]),
        };
      });
    }),
};
