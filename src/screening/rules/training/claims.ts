/**
 * Training rules on subsidy claims and payments: TR-CLAIM-ATTENDANCE, TR-CLAIM-AMOUNT,
 * TR-PAYEE. Subject: the claim. Rejected claims are not judged: they paid nothing and
 * the department has already acted on them.
 */
import type { CodeRule, Rule, RuleContext, SqlRule } from '../../types.ts';
import { CLASS_REGION as REGION, JUDGED_MODES, listIds, maskId, NOT_REJECTED, onePass, p, param, pct, refs, scoreBelow, scoreCount, str, yuan } from '../../kit/index.ts';


/**
 * TR-CLAIM-ATTENDANCE. Judges claims for classes whose mode is `offline` or `blended`.
 * Rate = sessions of the claim's class the person signed in to / all sessions of that
 * class. A claimed person with no attendance at all has rate 0, and so has everyone claimed
 * for a class with no session rows at all (a ghost class: 0 % attended, RULES.md).
 */
function lowQuery(ctx: RuleContext): string {
  return `
  WITH ns AS MATERIALIZED (
    SELECT c.class_id, count(s.session_id) AS n_sessions
      FROM classes c LEFT JOIN sessions s ON s.class_id = c.class_id
     WHERE c.mode IN ${JUDGED_MODES} GROUP BY c.class_id),
  items AS (
    SELECT ci.claim_id, ci.id_number, ci.amount AS item_amount, cl.class_id
      FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id
     WHERE ${NOT_REJECTED} AND cl.class_id IN (SELECT class_id FROM ns)),
  att AS (
    SELECT s.class_id, a.id_number, count(*) AS n
      FROM attendance a JOIN sessions s ON s.session_id = a.session_id GROUP BY s.class_id, a.id_number),
  low AS MATERIALIZED (
    SELECT items.*, ns.n_sessions, COALESCE(att.n, 0) AS attended, CASE WHEN ns.n_sessions = 0 THEN 0.0 ELSE 1.0 * COALESCE(att.n, 0) / ns.n_sessions END AS rate,
           row_number() OVER (PARTITION BY items.claim_id ORDER BY CASE WHEN ns.n_sessions = 0 THEN 0.0 ELSE 1.0 * COALESCE(att.n, 0) / ns.n_sessions END, items.id_number) AS rn
      FROM items JOIN ns ON ns.class_id = items.class_id
      LEFT JOIN att ON att.class_id = items.class_id AND att.id_number = items.id_number
     WHERE CASE WHEN ns.n_sessions = 0 THEN 0.0 ELSE 1.0 * COALESCE(att.n, 0) / ns.n_sessions END < ${p(ctx, 'min_rate')}),
  agg AS (SELECT claim_id, count(*) AS n_low, sum(item_amount) AS low_amount, min(rate) AS min_rate, max(n_sessions) AS n_sessions
            FROM low GROUP BY claim_id),
  tot AS (SELECT claim_id, count(*) AS n_items FROM claim_items GROUP BY claim_id),
  f AS (
    SELECT agg.claim_id AS subject_id, agg.n_low, agg.low_amount, agg.min_rate, agg.n_sessions, tot.n_items,
           cl.class_id, cl.institution_id, cl.amount, ${REGION} AS region_code
      FROM agg JOIN claims cl ON cl.claim_id = agg.claim_id JOIN tot ON tot.claim_id = agg.claim_id
      LEFT JOIN classes c ON c.class_id = cl.class_id LEFT JOIN institutions i ON i.institution_id = cl.institution_id)
  SELECT f.*, low.id_number AS e_id_number, low.attended AS e_attended, low.n_sessions AS e_n_sessions, low.rate AS e_rate,
         low.item_amount AS e_item_amount, low.rn AS e_rn
    FROM f JOIN low ON low.claim_id = f.subject_id AND low.rn <= 50 ORDER BY f.subject_id, low.rn`;
}

const CLAIM_ATTENDANCE: CodeRule = onePass({
  id: 'TR-CLAIM-ATTENDANCE',
  title: '补贴申领人员出勤率不足',
  family: 'training',
  subject: 'claim',
  severity: 'high',
  needs: ['claims', 'claim_items', 'classes', 'sessions', 'attendance'],
  optional: ['institutions'],
  params: [param('min_rate', 0.8, '申领补贴人员在该班的最低出勤率（签到课次/全部课次，0.8 即 80%）', 0, 1)],
  description: '线下或线上线下混合培训班的补贴申领明细中，有人员在该班的出勤率（签到课次占全部课次）低于80%；没有任何课次记录的培训班，申领人员出勤率按0计。',
  query: lowQuery,
  finding(row, ev, ctx) {
    const e = ev[0];
    return {
      subject: { type: 'claim', id: String(row.subject_id) },
      score: Number(Math.max(scoreBelow(Number(row.min_rate), p(ctx, 'min_rate')), Math.min(1, 0.5 + Number(row.n_low) / Number(row.n_items) / 2)).toFixed(4)),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `补贴申领 ${row.subject_id}（培训班 ${row.class_id}）的 ${row.n_items} 名人员中有 ${row.n_low} 人出勤率低于 ${pct(p(ctx, 'min_rate'))}，涉及补贴 ${yuan(row.low_amount)}${e ? `（${Number(row.n_sessions) === 0 ? '该班没有任何课次记录，出勤率按 0 计' : `如 ${maskId(e.id_number)} 仅签到 ${e.attended}/${e.n_sessions} 个课次`}）` : ''}`,
      evidence: {
        class_id: row.class_id,
        items: row.n_items,
        low_items: row.n_low,
        low_amount_fen: row.low_amount,
        rows: ev.map((x) => ({ id_number: x.id_number, attended: x.attended, sessions: x.n_sessions, rate: Number(Number(x.rate).toFixed(4)), amount_fen: x.item_amount })),
      },
      related: refs(['class', [row.class_id]], ['institution', [row.institution_id]]),
    };
  },
});

/**
 * TR-CLAIM-AMOUNT, four sub-conditions (each reported in evidence):
 *  over_standard — amount > project subsidy_per_person × number of items;
 *  item_mismatch — sum of item amounts ≠ claim amount (a claim without items sums to 0);
 *  before_end — submitted_on < class end_date (submitting on the end date is allowed);
 *  duplicate — a person already listed in an earlier (submitted_on, then claim_id) non-rejected
 *    claim for the same class; the later claim is the subject.
 */
const amountCtes = `
  WITH cl AS (SELECT cl.* FROM claims cl WHERE ${NOT_REJECTED}),
  tot AS (SELECT claim_id, count(*) AS n_items, sum(amount) AS item_sum FROM claim_items GROUP BY claim_id),
  dup AS (
    SELECT claim_id, id_number, prev_claim_id FROM (
      SELECT ci.claim_id, ci.id_number,
             row_number() OVER (PARTITION BY cl.class_id, ci.id_number ORDER BY cl.submitted_on, cl.claim_id) AS k,
             first_value(cl.claim_id) OVER (PARTITION BY cl.class_id, ci.id_number ORDER BY cl.submitted_on, cl.claim_id) AS prev_claim_id
        FROM claim_items ci JOIN cl ON cl.claim_id = ci.claim_id) z
     WHERE k > 1 AND prev_claim_id <> claim_id),
  dup_agg AS (SELECT claim_id, count(*) AS n_dup FROM dup GROUP BY claim_id),
  x AS (
    SELECT cl.claim_id, cl.class_id, cl.institution_id, cl.submitted_on, cl.amount, c.end_date, pr.subsidy_per_person,
           COALESCE(tot.n_items, 0) AS n_items, COALESCE(tot.item_sum, 0) AS item_sum, COALESCE(dup_agg.n_dup, 0) AS n_dup,
           ${REGION} AS region_code
      FROM cl LEFT JOIN tot ON tot.claim_id = cl.claim_id LEFT JOIN dup_agg ON dup_agg.claim_id = cl.claim_id
      LEFT JOIN classes c ON c.class_id = cl.class_id LEFT JOIN projects pr ON pr.project_id = c.project_id
      LEFT JOIN institutions i ON i.institution_id = cl.institution_id),
  f AS (
    SELECT x.*,
           CASE WHEN x.amount > x.subsidy_per_person * x.n_items THEN 1 ELSE 0 END AS over_standard,
           CASE WHEN x.amount <> x.item_sum THEN 1 ELSE 0 END AS item_mismatch,
           CASE WHEN x.submitted_on < x.end_date THEN 1 ELSE 0 END AS before_end,
           CASE WHEN x.n_dup > 0 THEN 1 ELSE 0 END AS duplicate
      FROM x)`;

const CLAIM_AMOUNT: SqlRule = {
  kind: 'sql',
  id: 'TR-CLAIM-AMOUNT',
  title: '补贴申领金额或时间异常',
  family: 'training',
  subject: 'claim',
  severity: 'high',
  needs: ['claims', 'claim_items', 'classes', 'projects'],
  optional: ['institutions'],
  params: [],
  description:
    '申领金额超过补贴标准×申领人数、明细金额合计与申领金额不符、培训班结业前即提交申领，或同一培训班同一人员被再次申领。',
  detect: () => `${amountCtes}
    SELECT claim_id AS subject_id, class_id, institution_id, region_code, submitted_on, end_date, amount, subsidy_per_person,
           n_items, item_sum, n_dup, over_standard, item_mismatch, before_end, duplicate
      FROM f WHERE over_standard = 1 OR item_mismatch = 1 OR before_end = 1 OR duplicate = 1`,
  evidence: () => `${amountCtes}
    SELECT dup.claim_id AS subject_id, dup.id_number, dup.prev_claim_id FROM dup ORDER BY dup.claim_id, dup.id_number`,
  finding(row, ev) {
    const parts: string[] = [];
    const flags: string[] = [];
    if (Number(row.over_standard)) {
      flags.push('over_standard');
      parts.push(`申领金额 ${yuan(row.amount)} 超过补贴标准 ${yuan(row.subsidy_per_person)}×${row.n_items}人=${yuan(Number(row.subsidy_per_person) * Number(row.n_items))}`);
    }
    if (Number(row.item_mismatch)) {
      flags.push('item_mismatch');
      parts.push(`明细合计 ${yuan(row.item_sum)} 与申领金额 ${yuan(row.amount)} 不符`);
    }
    if (Number(row.before_end)) {
      flags.push('before_end');
      parts.push(`于 ${row.submitted_on} 提交，早于结业日期 ${row.end_date}`);
    }
    if (Number(row.duplicate)) {
      flags.push('duplicate');
      parts.push(`${row.n_dup} 人已在该班此前的申领 ${listIds(ev.map((e) => e.prev_claim_id))} 中申领过`);
    }
    return {
      subject: { type: 'claim', id: String(row.subject_id) },
      score: scoreCount(flags.length + Math.min(4, Number(row.n_dup)), 0.6),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `补贴申领 ${row.subject_id}（培训班 ${row.class_id}）：${parts.join('；')}`,
      evidence: {
        flags,
        amount_fen: row.amount,
        subsidy_per_person_fen: row.subsidy_per_person,
        items: row.n_items,
        item_sum_fen: row.item_sum,
        submitted_on: row.submitted_on,
        class_end_date: row.end_date,
        duplicates: ev.map((e) => ({ id_number: e.id_number, earlier_claim_id: e.prev_claim_id })),
      },
      related: refs(['class', [row.class_id]], ['claim', ev.map((e) => e.prev_claim_id)], ['institution', [row.institution_id]]),
    };
  },
};

/**
 * TR-PAYEE. Compared after removing spaces and unifying full-width parentheses (the same
 * company name is often typed with （） or ()). An institution without a recorded payee
 * account (or name) cannot be compared on that field.
 */
const norm = (x: string) => `replace(replace(replace(${x}, ' ', ''), '（', '('), '）', ')')`;
const payeeRows = `
  WITH pm AS (
    SELECT pm.payment_id, pm.claim_id, pm.paid_on, pm.amount, pm.payee_account, pm.payee_name,
           cl.class_id, cl.institution_id, i.payee_account AS inst_account, i.payee_name AS inst_name, ${REGION} AS region_code,
           CASE WHEN i.payee_account IS NOT NULL AND ${norm('pm.payee_account')} <> ${norm('i.payee_account')} THEN 1 ELSE 0 END AS bad_account,
           CASE WHEN i.payee_name IS NOT NULL AND ${norm('pm.payee_name')} <> ${norm('i.payee_name')} THEN 1 ELSE 0 END AS bad_name
      FROM payments pm JOIN claims cl ON cl.claim_id = pm.claim_id
      JOIN institutions i ON i.institution_id = cl.institution_id
      LEFT JOIN classes c ON c.class_id = cl.class_id),
  bad AS (SELECT * FROM pm WHERE bad_account = 1 OR bad_name = 1)`;

const PAYEE: SqlRule = {
  kind: 'sql',
  id: 'TR-PAYEE',
  title: '补贴资金拨付至非机构账户',
  family: 'training',
  subject: 'claim',
  severity: 'high',
  needs: ['payments', 'claims', 'institutions'],
  optional: ['classes'],
  params: [],
  description: '补贴资金拨付的收款账号或户名与培训机构登记的收款账号、户名不一致。',
  detect: () => `${payeeRows}
    SELECT claim_id AS subject_id, max(class_id) AS class_id, max(institution_id) AS institution_id, max(region_code) AS region_code,
           count(*) AS n_payments, sum(amount) AS amount, sum(bad_account) AS n_bad_account, sum(bad_name) AS n_bad_name,
           min(paid_on) AS first_paid
      FROM bad GROUP BY claim_id`,
  evidence: () => `${payeeRows}
    SELECT claim_id AS subject_id, payment_id, paid_on, amount, payee_account, payee_name, inst_account, inst_name, bad_account, bad_name
      FROM bad ORDER BY claim_id, paid_on, payment_id`,
  finding(row, ev) {
    const e = ev[0];
    const what = [Number(row.n_bad_account) ? '收款账号' : '', Number(row.n_bad_name) ? '收款户名' : ''].filter(Boolean).join('和');
    return {
      subject: { type: 'claim', id: String(row.subject_id) },
      score: Math.min(1, 0.8 + (Number(row.n_bad_account) && Number(row.n_bad_name) ? 0.15 : 0)),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `补贴申领 ${row.subject_id} 的 ${row.n_payments} 笔拨付（${yuan(row.amount)}，${row.first_paid} 起）${what}与机构 ${row.institution_id} 登记的不一致${e && Number(e.bad_name) ? `（收款户名为“${e.payee_name}”）` : ''}`,
      evidence: {
        rows: ev.map((x) => ({
          payment_id: x.payment_id,
          paid_on: x.paid_on,
          amount_fen: x.amount,
          payee_account: x.payee_account,
          payee_name: x.payee_name,
          institution_payee_account: x.inst_account,
          institution_payee_name: x.inst_name,
          account_differs: !!Number(x.bad_account),
          name_differs: !!Number(x.bad_name),
        })),
      },
      related: refs(['class', [row.class_id]], ['institution', [row.institution_id]]),
    };
  },
};

export const CLAIM_RULES: Rule[] = [CLAIM_ATTENDANCE, CLAIM_AMOUNT, PAYEE];
