/** ON-TAMPER: a broken hash chain in online_events (数据篡改、删除或插入). */
import { maskId, refs } from '../../kit/index.ts';
import type { Rule, RuleContext } from '../../types.ts';
import { boundedRows, clampScore, cleanRows, distinct, toNumber, text } from '../../kit/index.ts';
import { CLASS_COLS, CLASS_JOIN, eventIdOrder, personBase, second } from './sessions.ts';

/**
 * SHA-256 (lowercase hex on both engines) of DATA-FORMAT.md's hashed string, over the
 * columns of table alias `a`. One concat() instead of a chain of `||` halves the cost (no
 * intermediate strings); concat() reads NULL as '', so the guard keeps `||`'s meaning: a
 * missing field gives no hash at all.
 */
export function payloadHash(ctx: RuleContext, a: string): string {
  const cols = ['event_id', 'id_number', 'class_id', 'at', 'type'];
  const raw = (c: string) => `COALESCE(${a}.${c}_raw, CAST(${a}."${c}" AS VARCHAR))`;
  const parts = [`COALESCE(${a}.prev_hash, '')`, ...cols.map(raw), `COALESCE(${a}.position_s_raw, '')`];
  return `CASE WHEN ${cols.map((c) => `(${a}.${c}_raw IS NULL AND ${a}."${c}" IS NULL)`).join(' OR ')} THEN NULL
    ELSE ${ctx.d.sha256Hex(`concat(${parts.join(`, '|', `)})`)} END`;
}

/**
 * Recomputes DATA-FORMAT.md's chain hash in the database, from the `_raw` columns (the
 * exact file text; `at_raw` matters because the timestamp may be written in any accepted
 * form). Only events with a `hash` take part — they are filtered before the window, so a
 * plain LAG over the chain order of one (id_number, class_id) is "the previous event with a
 * hash" on both engines (PostgreSQL has no LAG … IGNORE NULLS) — and an event whose hash was
 * blanked breaks the link of the next one. Hex digests are compared case-insensitively.
 *
 * The window carries as little as possible: the hash check is done before it (a boolean),
 * the link check compares the first 12 hex digits (a changed prev_hash also breaks its own
 * event's hash, so nothing is lost), and the details of the few broken events are joined
 * back afterwards. The one engine difference is the partition key: on DuckDB one 64-bit
 * hash of (id_number, class_id) sorts faster than the two strings.
 */
let tableNo = 0;

export const ON_TAMPER: Rule = {
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
    const w = `(PARTITION BY ${duck ? 'pk' : 'id_number, class_id'} ORDER BY "at", ${eventIdOrder(ctx)})`;
    // The broken events go to a TEMP table first: joined back to the events in the same
    // statement, PostgreSQL misjudged their number (≈ 60 % of the events) and sorted the
    // whole events table for a merge join; a small table is hash-joined instead.
    const broken = `zhili_tmp_online_tamper_${process.pid}_${++tableNo}`;
    // Both engines' SHA-256 give lowercase hex, so LOWER (costly over 64 characters × 50M)
    // only runs on the rare hashes that differ as written. MATERIALIZED on PostgreSQL: it
    // otherwise postpones the costly SHA-256 past the sort, which then carries the wide raw
    // columns (DuckDB narrows first by itself).
    await ctx.db.exec(`DROP TABLE IF EXISTS ${broken}`);
    await ctx.db.exec(`CREATE TEMP TABLE ${broken} AS
      WITH h AS ${duck ? '' : 'MATERIALIZED '}(
        SELECT ${duck ? 'hash(id_number, class_id) AS pk' : 'id_number'}, class_id, event_id, "at",
          LOWER(SUBSTR(COALESCE(prev_hash, ''), 1, 12)) AS prev12, LOWER(SUBSTR(hash, 1, 12)) AS hash12,
          (hash <> r AND LOWER(hash) <> r) AS hash_mismatch
        FROM (SELECT prev_hash, hash, id_number, class_id, event_id, "at", ${payloadHash(ctx, 'online_events')} AS r
          FROM online_events WHERE hash IS NOT NULL AND hash <> '') x),
      l AS (
        SELECT h.*, LAG(hash12) OVER ${w} AS prev_event_hash12, LAG(event_id) OVER ${w} AS prev_event_id FROM h)
      SELECT class_id, event_id, "at", hash_mismatch, prev12 <> COALESCE(prev_event_hash12, '') AS prev_hash_mismatch,
        prev_event_hash12, prev_event_id
      FROM l WHERE hash_mismatch OR prev12 <> COALESCE(prev_event_hash12, '')`);
    const inner = `SELECT o.id_number AS subject_id, f.class_id, f.event_id, f."at", o.type, o.position_s, f.prev_event_id,
        o.prev_hash, f.prev_event_hash12 AS prev_event_hash_prefix, o.hash, ${payloadHash(ctx, 'o')} AS recomputed,
        f.hash_mismatch, f.prev_hash_mismatch, o.src_file, o.src_line,
        ${CLASS_COLS}
      FROM ${broken} f JOIN online_events o ON o.event_id = f.event_id AND o.class_id = f.class_id AND o."at" = f."at"
        ${CLASS_JOIN('f')}`;
    let groups;
    try {
      groups = await boundedRows(ctx, inner, `class_id, "at", ${eventIdOrder(ctx)}`);
    } finally {
      await ctx.db.exec(`DROP TABLE IF EXISTS ${broken}`);
    }
    return [...groups.values()].map((rows) => {
      const top = rows[0];
      const n = toNumber(top.n_rows);
      const classes = distinct(rows, 'class_id');
      const bad = rows.filter((r) => r.hash_mismatch).length;
      const link = rows.filter((r) => r.prev_hash_mismatch).length;
      const what = [bad ? `${bad} 条哈希与重算不符` : '', link ? `${link} 条前一哈希与上一条记录不一致` : ''].filter(Boolean).join('、');
      return {
        ...personBase(rows),
        score: clampScore(0.7 + 0.03 * n),
        summary:
          `学员 ${maskId(top.subject_id)} 在班级 ${classes.slice(0, 3).join('、')} 的线上学习记录哈希链断裂：${what}` +
          `（首条 ${text(top.event_id)}，${second(top.at)}），共 ${n} 条`,
        evidence: { broken_events: n, rows: cleanRows(rows) },
        related: refs(['class', classes]),
      };
    });
  },
};
