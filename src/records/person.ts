/**
 * A person's record (GET /api/persons/{id_number}): enrollments, claims, results, certificates
 * and clues. Visible when the person's registered region, or an institution that trained,
 * examined or certified them, lies in the caller's region; the records listed are those of
 * institutions in that region. Identity numbers, phones and bank accounts are masked for masking
 * roles by the presenter; for the roles that read them in full, the view is audited.
 */
import type { Actor } from '../auth/actor.ts';
import { notFound } from '../errors.ts';
import { assertCan } from '../policies/permissions.ts';
import { clueScopeSql } from '../policies/cases.ts';
import { regionFilterSql } from '../policies/jurisdiction.ts';
import { auditIdView } from '../privacy/present.ts';
import type { Db, Row } from '../store/db.ts';


export async function personRecord(db: Db, actor: Actor, idNumber: string) {
  assertCan(actor, 'record.person.read');
  const id = String(idNumber ?? '').toUpperCase();
  const [person] = await db.query<Row>('SELECT id_number, name, phone, bank_account, region_code, date_of_death, is_public_official, employer_uscc FROM persons WHERE id_number = $1 LIMIT 1', [id]);
  if (!person) throw notFound('人员');
  const scope = (col: string, params: unknown[]) => regionFilterSql(actor, col, params);
  const q = async (sql: (w: string) => string) => {
    const params: unknown[] = [id];
    return db.query<Row>(sql(scope('i.region_code', params)), params);
  };
  const [enrollments, claims, results, certificates] = await Promise.all([
    q((w) => `SELECT e.class_id, c.institution_id, i.name AS institution_name, c.start_date, c.end_date, e.completed, e.completed_hours, e.employed
      FROM enrollments e JOIN classes c ON c.class_id = e.class_id LEFT JOIN institutions i ON i.institution_id = c.institution_id WHERE e.id_number = $1 AND ${w} ORDER BY c.start_date`),
    q((w) => `SELECT ci.claim_id, cl.class_id, cl.institution_id, cl.submitted_on, cl.status, ci.amount AS amount_fen
      FROM claim_items ci JOIN claims cl ON cl.claim_id = ci.claim_id LEFT JOIN institutions i ON i.institution_id = cl.institution_id WHERE ci.id_number = $1 AND ${w} ORDER BY cl.submitted_on`),
    q((w) => `SELECT r.exam_id, x.institution_id, x.occupation_code, x.level, x.starts_at, r.theory_score, r.practical_score, r.passed, r.absent, r.basis, r.prior_certificate_no
      FROM exam_results r JOIN exams x ON x.exam_id = r.exam_id LEFT JOIN institutions i ON i.institution_id = x.institution_id WHERE r.id_number = $1 AND ${w} ORDER BY x.starts_at`),
    q((w) => `SELECT c.certificate_no, c.occupation_code, c.level, c.institution_id, c.exam_id, c.issued_on, COALESCE(c.status, 'valid') AS status, c.uploaded_on
      FROM certificates c LEFT JOIN institutions i ON i.institution_id = c.institution_id WHERE c.id_number = $1 AND ${w} ORDER BY c.issued_on`),
  ]);
  const ownRegion = regionFilterSql(actor, 'x', []) === 'TRUE' || String(person.region_code ?? '').startsWith(actor.region_code);
  if (!ownRegion && enrollments.length + claims.length + results.length + certificates.length === 0) throw notFound('人员');
  const cp: unknown[] = [id];
  const clues = await db.query<Row>(
    `SELECT clue_id, source, rule, severity, state, summary, region_code, institution_id, case_id FROM clues c WHERE c.subject_type = 'person' AND c.subject_id = $1 AND ${clueScopeSql(actor, cp, 'c')} ORDER BY c.created_at DESC`,
    cp,
  );
  await auditIdView(db, actor, id, (person.region_code as string | null) ?? null);
  return { person, enrollments, claims, results, certificates, clues };
}
