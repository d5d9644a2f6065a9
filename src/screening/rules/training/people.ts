/**
 * Training rules on the relation between trainees and the institution: TR-SHARED-CONTACT,
 * TR-INSIDER.
 */
import type { Rule, RuleContext, SqlRule } from '../../types.ts';
import { listIds, maskContact, maskId, p, param, refs, scoreAbove, str, SUBSIDISED_ITEMS } from '../../kit/index.ts';

/**
 * TR-SHARED-CONTACT. An institution's trainees: people enrolled in its classes or listed
 * in its claims (any status: a claim listing fabricated trainees is the point). Phones and
 * accounts are compared after trimming and removing inner spaces and dashes; empty values
 * are ignored. One clue per institution, every shared value in evidence.
 */
const clean = (x: string) => `replace(replace(trim(${x}), ' ', ''), '-', '')`;
function sharedGroups(ctx: RuleContext): string {
  return `
  WITH tr AS (
    SELECT c.institution_id, e.id_number FROM enrollments e JOIN classes c ON c.class_id = e.class_id
    UNION
    SELECT cl.institution_id, ci.id_number FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id),
  pc AS (
    SELECT tr.institution_id, tr.id_number, 'phone' AS kind, ${clean('pe.phone')} AS value
      FROM tr JOIN persons pe ON pe.id_number = tr.id_number WHERE pe.phone IS NOT NULL
    UNION ALL
    SELECT tr.institution_id, tr.id_number, 'bank_account', ${clean('pe.bank_account')}
      FROM tr JOIN persons pe ON pe.id_number = tr.id_number WHERE pe.bank_account IS NOT NULL),
  g AS (
    SELECT institution_id, kind, value, count(DISTINCT id_number) AS n,
           string_agg(id_number, ';' ORDER BY id_number) AS id_numbers
      FROM pc WHERE value <> '' GROUP BY institution_id, kind, value
    HAVING count(DISTINCT id_number) >= ${p(ctx, 'min_people')})`;
}

const SHARED_CONTACT: SqlRule = {
  kind: 'sql',
  id: 'TR-SHARED-CONTACT',
  title: '多名学员共用同一手机号或银行账号',
  family: 'training',
  subject: 'institution',
  severity: 'medium',
  needs: ['persons'],
  needsAny: ['enrollments', 'claim_items'],
  optional: ['classes', 'claims', 'institutions'],
  params: [param('min_people', 5, '共用同一手机号或银行账号的学员人数下限（人）', 2)],
  description: '同一机构的多名学员登记了同一个手机号或银行账号（虚构学员、冒用身份、补贴归集）。',
  detect: (ctx) => `${sharedGroups(ctx)},
    r AS (SELECT g.*, row_number() OVER (PARTITION BY institution_id ORDER BY n DESC, kind DESC, value) AS rn FROM g)
    SELECT r.institution_id AS subject_id, r.institution_id, max(i.region_code) AS region_code,
           count(*) AS n_values, max(r.n) AS max_n,
           count(*) FILTER (WHERE r.kind = 'phone') AS n_phones, count(*) FILTER (WHERE r.kind = 'bank_account') AS n_accounts,
           max(CASE WHEN r.rn = 1 THEN r.kind END) AS top_kind, max(CASE WHEN r.rn = 1 THEN r.value END) AS top_value
      FROM r LEFT JOIN institutions i ON i.institution_id = r.institution_id GROUP BY r.institution_id`,
  evidence: (ctx) => `${sharedGroups(ctx)}
    SELECT institution_id AS subject_id, kind, value, n, id_numbers FROM g ORDER BY institution_id, n DESC, kind DESC, value`,
  finding(row, ev, ctx) {
    const kindZh = (k: unknown) => (k === 'phone' ? '手机号' : '银行账号');
    const others = Number(row.n_values) - 1;
    return {
      subject: { type: 'institution', id: String(row.subject_id) },
      score: scoreAbove(Number(row.max_n) + others, p(ctx, 'min_people') - 0.5),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `机构 ${row.subject_id} 的 ${row.max_n} 名学员共用同一${kindZh(row.top_kind)} ${maskContact(row.top_value)}${others > 0 ? `，另有 ${others} 个手机号或银行账号被多人共用` : ''}`,
      evidence: {
        min_people: p(ctx, 'min_people'),
        rows: ev.map((e) => ({ kind: e.kind, value: e.value, people: e.n, id_numbers: String(e.id_numbers ?? '').split(';').slice(0, 50) })),
      },
      related: refs(['person', ev.flatMap((e) => String(e.id_numbers ?? '').split(';')).slice(0, 20)]),
    };
  },
};

/**
 * TR-INSIDER. Per subsidised (person, class): the person is staff of the class's
 * institution or of the institution that actually delivered it (delivered_by), with a
 * staff period overlapping the class dates (an open or missing end is open), or is a
 * public official. One clue per person.
 */
function insiderHits(ctx: RuleContext): string {
  const from = ctx.d.ident('from');
  const to = ctx.d.ident('to');
  return `
  WITH si AS (SELECT id_number, class_id, min(claim_id) AS claim_id FROM ${SUBSIDISED_ITEMS} s0 GROUP BY id_number, class_id),
  x AS (
    SELECT si.id_number, si.claim_id, c.class_id, c.institution_id, c.delivered_by, c.start_date, c.end_date,
           COALESCE(c.region_code, i.region_code) AS region_code
      FROM si JOIN classes c ON c.class_id = si.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id),
  hits AS (
    SELECT x.*, 'staff' AS kind, st.role, st.institution_id AS staff_of, st.${from} AS staff_from, st.${to} AS staff_to
      FROM x JOIN staff st ON st.id_number = x.id_number
       AND (st.institution_id = x.institution_id OR st.institution_id = x.delivered_by)
       AND (st.${from} IS NULL OR st.${from} <= x.end_date) AND (st.${to} IS NULL OR st.${to} >= x.start_date)
    UNION ALL
    SELECT x.*, 'public_official', CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR), CAST(NULL AS DATE), CAST(NULL AS DATE)
      FROM x JOIN persons pe ON pe.id_number = x.id_number WHERE pe.is_public_official = TRUE),
  r AS (SELECT hits.*, row_number() OVER (PARTITION BY id_number ORDER BY start_date DESC, class_id, kind DESC) AS rn FROM hits)`;
}

const ROLE_ZH: Record<string, string> = { legal_rep: '法定代表人', teacher: '教师', examiner: '考评员', manager: '管理人员', other: '其他人员' };

const INSIDER: SqlRule = {
  kind: 'sql',
  id: 'TR-INSIDER',
  title: '机构内部人员或公职人员享受培训补贴',
  family: 'training',
  subject: 'person',
  severity: 'medium',
  needs: ['claims', 'claim_items', 'classes'],
  needsAny: ['staff', 'persons'],
  optional: ['institutions'],
  params: [],
  description: '补贴培训班的学员是该培训机构（或实际承训机构）在培训期间的工作人员，或是公职人员。',
  detect: (ctx) => `${insiderHits(ctx)}
    SELECT id_number AS subject_id, count(DISTINCT class_id) AS n_classes,
           count(*) FILTER (WHERE kind = 'staff') AS n_staff, count(*) FILTER (WHERE kind = 'public_official') AS n_official,
           max(CASE WHEN rn = 1 THEN institution_id END) AS institution_id, max(CASE WHEN rn = 1 THEN region_code END) AS region_code
      FROM r GROUP BY id_number`,
  evidence: (ctx) => `${insiderHits(ctx)}
    SELECT id_number AS subject_id, kind, class_id, claim_id, institution_id, start_date, end_date, role, staff_of, staff_from, staff_to
      FROM r ORDER BY id_number, rn`,
  finding(row, ev) {
    const staff = ev.filter((e) => e.kind === 'staff');
    const parts: string[] = [];
    if (staff.length) {
      const e = staff[0]!;
      parts.push(`是培训机构 ${listIds(staff.map((x) => x.staff_of))} 的工作人员（${ROLE_ZH[String(e.role)] ?? '角色不详'}）却作为学员参加该机构的补贴培训班 ${listIds(staff.map((x) => x.class_id))}`);
    }
    if (Number(row.n_official)) parts.push(`系公职人员，参加补贴培训班 ${listIds(ev.filter((e) => e.kind === 'public_official').map((x) => x.class_id))}`);
    return {
      subject: { type: 'person', id: String(row.subject_id) },
      score: Math.min(1, Number((0.6 + (staff.length ? 0.2 : 0) + (Number(row.n_official) ? 0.1 : 0) + 0.05 * (Number(row.n_classes) - 1)).toFixed(4))),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `人员 ${maskId(row.subject_id)} ${parts.join('；')}`,
      evidence: { rows: ev.map(({ subject_id: _s, ...r }) => r) },
      related: refs(['class', ev.map((e) => e.class_id)], ['claim', ev.map((e) => e.claim_id)], ['institution', ev.map((e) => e.institution_id)]),
    };
  },
};

export const PEOPLE_RULES: Rule[] = [SHARED_CONTACT, INSIDER];
