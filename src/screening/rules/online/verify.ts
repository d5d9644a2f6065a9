/** ON-NO-VERIFY: learning in a login session without a passing face check (实名实人). */
import { maskId, refs } from '../../kit/index.ts';
import type { ParamDef, Rule } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, toNumber } from '../../kit/index.ts';
import { CLASS_COLS, CLASS_JOIN, GAP_PARAM, personBase, second, withSessions } from './sessions.ts';

const FACE_PARAM: ParamDef = { name: 'face_pass_score', default: 0.6, description: '人脸核验通过的最低比对分（0–1）', min: 0, max: 1 };

/**
 * Per login session (so per device: a face check on device A does not verify device B's
 * session): flagged when it has learning events and no passing face event, or its last
 * failed face event comes after its last passing one and a learning event follows it.
 */
export const ON_NO_VERIFY: Rule = {
  id: 'ON-NO-VERIFY',
  title: '线上学习未实名实人核验',
  family: 'online',
  subject: 'person',
  severity: 'high',
  needs: ['online_events'],
  optional: ['classes', 'institutions'],
  params: [FACE_PARAM, GAP_PARAM],
  description:
    '登录会话（同一学员、班级、设备）中有学习记录（心跳、进度）却没有通过的人脸核验，或人脸核验失败后继续学习且其后没有再次通过核验（实名实人缺失）；一台设备上的核验不替另一台设备的会话核验。',
  kind: 'code',
  run: (ctx) =>
    withSessions(ctx, async (t) => {
      const pass = Number(ctx.params.face_pass_score);
      // One GROUP BY over a session's 'session' and 'face' rows (device_id may be null, and
      // GROUP BY — unlike a join — matches nulls).
      const inner = `WITH s AS (
          SELECT id_number, class_id, device_id, sess,
            MIN(s_at) FILTER (WHERE g = 'session') AS started_at, MAX(e_at) FILTER (WHERE g = 'session') AS ended_at,
            SUM(learning_n) FILTER (WHERE g = 'session') AS learning_n, MAX(last_learn_seq) FILTER (WHERE g = 'session') AS last_learn_seq,
            COUNT(*) FILTER (WHERE g = 'face') AS face_n,
            COUNT(*) FILTER (WHERE g = 'face' AND face_score >= ${pass}) AS pass_n,
            MAX(face_score) FILTER (WHERE g = 'face') AS best_face_score,
            MAX(face_seq) FILTER (WHERE g = 'face' AND (face_score IS NULL OR face_score < ${pass})) AS last_fail_seq,
            MAX(face_seq) FILTER (WHERE g = 'face' AND face_score >= ${pass}) AS last_pass_seq
          FROM ${t} WHERE g IN ('session', 'face') GROUP BY id_number, class_id, device_id, sess)
        SELECT s.id_number AS subject_id, s.class_id, s.device_id, s.started_at, s.ended_at, s.learning_n, s.face_n, s.pass_n,
          s.best_face_score,
          CASE WHEN s.pass_n = 0 THEN 'no_passing_face' ELSE 'learning_after_failed_face' END AS reason,
          ${CLASS_COLS}
        FROM s ${CLASS_JOIN('s')}
        WHERE s.learning_n > 0 AND (s.pass_n = 0 OR (s.last_fail_seq > s.last_pass_seq AND s.last_learn_seq > s.last_fail_seq))`;
      const groups = await boundedRows(ctx, inner, 'started_at, class_id, device_id');
      return [...groups.values()].map((rows) => {
        const n = toNumber(rows[0].n_rows);
        const classes = distinct(rows, 'class_id');
        const first = rows[0];
        const noFace = rows.filter((r) => r.reason === 'no_passing_face').length;
        return {
          ...personBase(rows),
          score: clampScore(0.5 + 0.05 * n),
          summary:
            `学员 ${maskId(first.subject_id)} 在班级 ${classes.slice(0, 3).join('、')}${classes.length > 3 ? ' 等' : ''} 有 ${n} 个登录会话` +
            `有学习记录但未通过人脸核验（首次 ${second(first.started_at)}，${toNumber(first.learning_n)} 条学习记录，` +
            `${noFace === rows.length ? '会话内无通过的人脸核验' : '核验失败后继续学习'}）`,
          evidence: { sessions: n, face_pass_score: pass, rows: cleanRows(rows) },
          related: refs(['class', classes]),
        };
      });
    }),
};
