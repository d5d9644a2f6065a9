/**
 * Training rules about who the trainee is: TR-ID-INVALID, TR-DECEASED, TR-AGE.
 */
import { ageAt, parseIdNumber, type IdInvalidReason } from '../../../ids/index.ts';
import type { Row } from '../../../store/db.ts';
import type { CodeRule, Finding, Rule, RuleContext, SqlRule } from '../../types.ts';
import { MAX_EVIDENCE_ROWS } from '../../types.ts';
import { CLASS_REGION, listIds, maskId, p, param, refs, scoreCount, sqlStr, str } from '../../kit/index.ts';

const REASON_ZH: Record<IdInvalidReason, string> = {
  format: '格式错误',
  check_digit: '校验码错误',
  birth_date: '出生日期不存在',
  future_birth_date: '出生日期晚于当前日期',
  province: '省级行政区划代码不存在',
};

const SOURCE_ZH: Record<string, string> = {
  enrollments: '学员名单',
  attendance: '考勤记录',
  claim_items: '补贴申领明细',
  exam_results: '考试成绩',
};

/** `region_code` of a class: its own, else its institution's. */


/** Split a list into chunks (for literal VALUES lists). */
function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * TR-ID-INVALID. Code rule: the distinct identity numbers of the four tables are few
 * (≈ persons) even when attendance has tens of millions of rows, so we pull them once
 * and validate with the same `parseIdNumber` the rest of zhili uses (one definition of
 * GB 11643). Only the invalid ones go back to SQL for their context (classes, exams).
 * An unknown 6-digit region code is a warning only (RULES.md): `parseIdNumber` treats it
 * as valid. Any one of the four tables is enough input (`needsAny`).
 */
const ID_INVALID: CodeRule = {
  kind: 'code',
  id: 'TR-ID-INVALID',
  title: '证件号码不合法',
  family: 'training',
  subject: 'person',
  severity: 'medium',
  needs: [],
  needsAny: ['enrollments', 'attendance', 'claim_items', 'exam_results'],
  optional: ['classes', 'sessions', 'claims', 'exams', 'institutions'],
  params: [],
  description:
    '学员名单、考勤、补贴申领明细或考试成绩中出现不符合GB 11643的证件号码（校验码错误、出生日期不存在或晚于当前、省级代码不存在）。港澳台居民居住证与合法的15位旧号码视为有效。',
  async run(ctx: RuleContext): Promise<Finding[]> {
    const ids = await ctx.db.query<{ id_number: string }>(
      `SELECT id_number FROM enrollments UNION SELECT id_number FROM attendance
        UNION SELECT id_number FROM claim_items UNION SELECT id_number FROM exam_results`,
    );
    const bad = new Map<string, IdInvalidReason>();
    for (const { id_number } of ids) {
      if (id_number == null) continue;
      const info = parseIdNumber(id_number);
      if (!info.valid) bad.set(id_number, info.reason ?? 'format');
    }
    if (!bad.size) return [];
    const hits = new Map<string, Row[]>();
    for (const part of chunks([...bad.keys()], 500)) {
      const values = part.map((id) => `(${sqlStr(id)})`).join(', ');
      const rows = await ctx.db.query(
        `WITH bad(id_number) AS (VALUES ${values}),
         hits AS (
           SELECT e.id_number, 'enrollments' AS src, e.class_id, CAST(NULL AS VARCHAR) AS exam_id,
                  c.institution_id, ${CLASS_REGION} AS region_code, c.start_date AS on_date
             FROM enrollments e JOIN bad b ON b.id_number = e.id_number
             LEFT JOIN classes c ON c.class_id = e.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id
           UNION ALL
           SELECT a.id_number, 'attendance', s.class_id, CAST(NULL AS VARCHAR), c.institution_id, ${CLASS_REGION},
                  CAST(a.checked_at AS DATE)
             FROM attendance a JOIN bad b ON b.id_number = a.id_number
             LEFT JOIN sessions s ON s.session_id = a.session_id LEFT JOIN classes c ON c.class_id = s.class_id
             LEFT JOIN institutions i ON i.institution_id = c.institution_id
           UNION ALL
           SELECT ci.id_number, 'claim_items', cl.class_id, CAST(NULL AS VARCHAR), cl.institution_id,
                  COALESCE(c.region_code, i.region_code), cl.submitted_on
             FROM claim_items ci JOIN bad b ON b.id_number = ci.id_number
             LEFT JOIN claims cl ON cl.claim_id = ci.claim_id LEFT JOIN classes c ON c.class_id = cl.class_id
             LEFT JOIN institutions i ON i.institution_id = cl.institution_id
           UNION ALL
           SELECT r.id_number, 'exam_results', CAST(NULL AS VARCHAR), r.exam_id, x.institution_id, i.region_code,
                  CAST(x.starts_at AS DATE)
             FROM exam_results r JOIN bad b ON b.id_number = r.id_number
             LEFT JOIN exams x ON x.exam_id = r.exam_id LEFT JOIN institutions i ON i.institution_id = x.institution_id
         )
         SELECT id_number, src, class_id, exam_id, institution_id, region_code, min(on_date) AS first_date, count(*) AS n
           FROM hits GROUP BY id_number, src, class_id, exam_id, institution_id, region_code
           ORDER BY id_number, first_date, src, class_id, exam_id`,
      );
      for (const r of rows) {
        const k = String(r.id_number);
        let l = hits.get(k);
        if (!l) hits.set(k, (l = []));
        l.push(r);
      }
    }
    const out: Finding[] = [];
    for (const [id, reason] of bad) {
      const rows = hits.get(id) ?? [];
      const first = rows.find((r) => r.institution_id != null) ?? rows[0];
      const srcs = [...new Set(rows.map((r) => SOURCE_ZH[String(r.src)] ?? String(r.src)))];
      const classes = rows.map((r) => r.class_id).filter((x) => x != null);
      const exams = rows.map((r) => r.exam_id).filter((x) => x != null);
      const where = [classes.length ? `培训班 ${listIds(classes)}` : '', exams.length ? `考试 ${listIds(exams)}` : '']
        .filter(Boolean)
        .join('、');
      out.push({
        subject: { type: 'person', id },
        score: reason === 'format' || reason === 'check_digit' ? 0.7 : 0.8,
        region_code: str(first?.region_code),
        institution_id: str(first?.institution_id),
        summary: `证件号码 ${maskId(id)} 不符合GB 11643（${REASON_ZH[reason]}），出现在${srcs.join('、')}中${where ? `（${where}）` : ''}`,
        evidence: {
          reason,
          rows: rows.slice(0, MAX_EVIDENCE_ROWS).map((r) => ({
            source: r.src,
            class_id: r.class_id,
            exam_id: r.exam_id,
            institution_id: r.institution_id,
            first_date: r.first_date,
            rows: r.n,
          })),
        },
        related: refs(['class', classes], ['exam', exams], ['institution', rows.map((r) => r.institution_id)]),
      });
    }
    return out;
  },
};

/**
 * Every dated act of a dead person after the date of death: a class start (enrolled), an
 * attendance (date of checked_at), a claim submission listing them (any status: even a
 * rejected claim was an attempt), an exam they appear in (absent or not). "Before" is
 * strict: an act on the day of death is not flagged.
 */
const deceasedEvents = () => `
  WITH dead AS (SELECT id_number, date_of_death FROM persons WHERE date_of_death IS NOT NULL),
  ev AS (
    SELECT dd.id_number, dd.date_of_death, 'class_start' AS kind, c.start_date AS event_date, c.class_id,
           CAST(NULL AS VARCHAR) AS ref_id, c.institution_id, ${CLASS_REGION} AS region_code
      FROM dead dd JOIN enrollments e ON e.id_number = dd.id_number JOIN classes c ON c.class_id = e.class_id
      LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE c.start_date > dd.date_of_death
    UNION ALL
    SELECT dd.id_number, dd.date_of_death, 'attendance', CAST(a.checked_at AS DATE), s.class_id, a.session_id,
           c.institution_id, ${CLASS_REGION}
      FROM dead dd JOIN attendance a ON a.id_number = dd.id_number JOIN sessions s ON s.session_id = a.session_id
      LEFT JOIN classes c ON c.class_id = s.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id
     WHERE CAST(a.checked_at AS DATE) > dd.date_of_death
    UNION ALL
    SELECT dd.id_number, dd.date_of_death, 'claim', cl.submitted_on, cl.class_id, cl.claim_id,
           cl.institution_id, COALESCE(c.region_code, i.region_code)
      FROM dead dd JOIN claim_items ci ON ci.id_number = dd.id_number JOIN claims cl ON cl.claim_id = ci.claim_id
      LEFT JOIN classes c ON c.class_id = cl.class_id LEFT JOIN institutions i ON i.institution_id = cl.institution_id
     WHERE cl.submitted_on > dd.date_of_death
    UNION ALL
    SELECT dd.id_number, dd.date_of_death, 'exam', CAST(x.starts_at AS DATE), CAST(NULL AS VARCHAR), x.exam_id,
           x.institution_id, i.region_code
      FROM dead dd JOIN exam_results r ON r.id_number = dd.id_number JOIN exams x ON x.exam_id = r.exam_id
      LEFT JOIN institutions i ON i.institution_id = x.institution_id
     WHERE CAST(x.starts_at AS DATE) > dd.date_of_death
  )`;

const KIND_ZH: Record<string, string> = { class_start: '开班', attendance: '签到', claim: '被申领补贴', exam: '参加考试' };

const DECEASED: SqlRule = {
  kind: 'sql',
  id: 'TR-DECEASED',
  title: '已死亡人员参训、签到、申领或参考',
  family: 'training',
  subject: 'person',
  severity: 'high',
  needs: ['persons'],
  needsAny: ['enrollments', 'attendance', 'claim_items', 'exam_results'],
  optional: ['classes', 'sessions', 'claims', 'exams', 'institutions'],
  params: [],
  description: '死亡日期早于其参加的培训班开班、考勤签到、列有其名的补贴申领提交或其参加的考试的人员（“死人”参训冒领）。',
  detect: () => `${deceasedEvents()},
    ranked AS (SELECT ev.*, row_number() OVER (PARTITION BY id_number ORDER BY event_date, kind, class_id, ref_id) AS rn FROM ev)
    SELECT id_number AS subject_id, max(date_of_death) AS date_of_death,
           max(CASE WHEN rn = 1 THEN institution_id END) AS institution_id,
           max(CASE WHEN rn = 1 THEN region_code END) AS region_code,
           min(event_date) AS first_date, max(event_date) AS last_date,
           count(*) FILTER (WHERE kind = 'class_start') AS n_class,
           count(*) FILTER (WHERE kind = 'attendance') AS n_attendance,
           count(*) FILTER (WHERE kind = 'claim') AS n_claim,
           count(*) FILTER (WHERE kind = 'exam') AS n_exam,
           count(*) AS n
      FROM ranked GROUP BY id_number`,
  evidence: () => `${deceasedEvents()},
    ranked AS (SELECT ev.*, row_number() OVER (PARTITION BY id_number ORDER BY event_date, kind, class_id, ref_id) AS rn FROM ev)
    SELECT id_number AS subject_id, kind, event_date, class_id, ref_id, institution_id FROM ranked
     WHERE rn <= ${MAX_EVIDENCE_ROWS} ORDER BY id_number, rn`,
  finding(row, ev) {
    const counts = (['class_start', 'attendance', 'claim', 'exam'] as const)
      .map((k) => [k, Number(row[`n_${k === 'class_start' ? 'class' : k}`])] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${KIND_ZH[k]}${n}次`);
    return {
      subject: { type: 'person', id: String(row.subject_id) },
      score: scoreCount(Number(row.n), 0.8),
      region_code: str(row.region_code),
      institution_id: str(row.institution_id),
      summary: `人员 ${maskId(row.subject_id)} 已于 ${row.date_of_death} 死亡，之后仍有${counts.join('、')}（${row.first_date} 至 ${row.last_date}，涉及 ${listIds(ev.map((e) => e.class_id ?? e.ref_id))}）`,
      evidence: {
        date_of_death: row.date_of_death,
        rows: ev.map((e) => ({ kind: e.kind, date: e.event_date, class_id: e.class_id, ref_id: e.ref_id, institution_id: e.institution_id })),
      },
      related: refs(
        ['class', ev.map((e) => e.class_id)],
        ['claim', ev.filter((e) => e.kind === 'claim').map((e) => e.ref_id)],
        ['exam', ev.filter((e) => e.kind === 'exam').map((e) => e.ref_id)],
        ['institution', ev.map((e) => e.institution_id)],
      ),
    };
  },
};

/**
 * TR-AGE. The birth date comes from the identity number (persons has no birth column);
 * numbers that do not parse as valid are skipped (TR-ID-INVALID reports them). A person's
 * classes are those they are enrolled in or claimed for. SQL narrows by year difference
 * (a necessary condition), the exact age in whole years at the class start is computed
 * here with `parseIdNumber`, so the birthday edge is exact. Bounds are inclusive:
 * 16 ≤ age ≤ 60 is fine.
 */
const AGE: CodeRule = {
  kind: 'code',
  id: 'TR-AGE',
  title: '参训人员年龄不在劳动年龄范围',
  family: 'training',
  subject: 'person',
  severity: 'medium',
  needs: ['classes'],
  needsAny: ['enrollments', 'claim_items'],
  optional: ['claims', 'institutions'],
  params: [param('min_age', 16, '最低年龄（周岁，含）', 0, 100), param('max_age', 60, '最高年龄（周岁，含）', 0, 120)],
  description: '按证件号码中的出生日期计算，开班日年龄低于最低年龄或高于最高年龄的参训（或被申领补贴）人员。',
  async run(ctx) {
    const lo = p(ctx, 'min_age');
    const hi = p(ctx, 'max_age');
    const { d } = ctx;
    const rows = await ctx.db.query(
      `WITH pc AS (
         SELECT id_number, class_id FROM enrollments
         UNION SELECT ci.id_number, cl.class_id FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id),
       x AS (
         SELECT pc.id_number, c.class_id, c.start_date, c.institution_id, ${CLASS_REGION} AS region_code,
                CASE WHEN ${d.regexMatch('pc.id_number', `'^[0-9]{17}[0-9Xx]$'`)} THEN CAST(substr(pc.id_number, 7, 4) AS INTEGER)
                     WHEN ${d.regexMatch('pc.id_number', `'^[0-9]{15}$'`)} THEN 1900 + CAST(substr(pc.id_number, 7, 2) AS INTEGER)
                END AS birth_year
           FROM pc JOIN classes c ON c.class_id = pc.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id)
       SELECT id_number, class_id, start_date, institution_id, region_code FROM x
        WHERE CAST(EXTRACT(YEAR FROM start_date) AS INTEGER) - birth_year <= ${lo}
           OR CAST(EXTRACT(YEAR FROM start_date) AS INTEGER) - birth_year >= ${hi + 1}
        ORDER BY id_number, start_date, class_id`,
    );
    const byPerson = new Map<string, { birth: string; rows: (Row & { age: number })[] }>();
    const parsed = new Map<string, string | null>();
    for (const r of rows) {
      const id = String(r.id_number);
      let birth = parsed.get(id);
      if (birth === undefined) {
        const info = parseIdNumber(id);
        birth = info.valid && info.birthDate ? info.birthDate : null;
        parsed.set(id, birth);
      }
      if (!birth) continue;
      const age = ageAt(birth, String(r.start_date));
      if (age >= lo && age <= hi) continue;
      let e = byPerson.get(id);
      if (!e) byPerson.set(id, (e = { birth, rows: [] }));
      e.rows.push({ ...r, age });
    }
    const out: Finding[] = [];
    for (const [id, { birth, rows: rs }] of byPerson) {
      const first = rs[0]!;
      const ages = rs.map((r) => r.age);
      const worst = Math.max(...ages.map((a) => (a < lo ? lo - a : a - hi)));
      out.push({
        subject: { type: 'person', id },
        score: Math.min(1, Number((0.5 + worst / 20).toFixed(4))),
        region_code: str(first.region_code),
        institution_id: str(first.institution_id),
        summary: `人员 ${maskId(id)}（出生于 ${birth}）在培训班 ${listIds(rs.map((r) => r.class_id))} 开班时年龄为 ${[...new Set(ages)].join('、')} 周岁，不在 ${lo}–${hi} 周岁劳动年龄范围内`,
        evidence: {
          birth_date: birth,
          min_age: lo,
          max_age: hi,
          rows: rs.slice(0, MAX_EVIDENCE_ROWS).map((r) => ({ class_id: r.class_id, start_date: r.start_date, age: r.age, institution_id: r.institution_id })),
        },
        related: refs(['class', rs.map((r) => r.class_id)], ['institution', rs.map((r) => r.institution_id)]),
      });
    }
    return out;
  },
};

export const IDENTITY_RULES: Rule[] = [ID_INVALID, DECEASED, AGE];
