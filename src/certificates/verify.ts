/**
 * Public certificate verification (API.md "Certificates (public)"): anyone holding a certificate
 * number and the holder's name learns whether the certificate is valid, void or revoked.
 *
 * The answer never carries the identity number, phone or bank account, and a wrong name answers
 * exactly like an unknown number (`{"status":"not_found"}`) so the route cannot be used to learn
 * which numbers exist. The status is read from the row itself: measures set it in their own
 * transaction (src/cases/effects.ts), so a voided certificate answers `void` at once.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { occupationName as tableOccupationName } from '../ids/occupations.ts';
import type { Db } from '../store/db.ts';
import { classificationEntries } from '../text/lexicon.ts';

export type CertificateStatus = 'valid' | 'void' | 'revoked';

/** The public answer; only `status` when not found. */
export type VerifyAnswer =
  | { status: 'not_found' }
  | {
      status: CertificateStatus;
      certificate_no: string;
      occupation_code: string | null;
      occupation_name: string | null;
      level: number | null;
      issuer: string | null;
      issued_on: string | null;
    };

let classification: Map<string, string> | undefined;
/** code → name of the 2022 classification (1,640 codes), read once from the lexicon's copy. */
function classificationName(code: string): string | undefined {
  if (!classification) {
    classification = new Map(classificationEntries().map((o) => [o.code, o.name]));
  }
  return classification.get(code);
}

/** Occupation name of a code: the product's table first, then the 2022 classification. */
export function occupationNameOf(code: string | null): string | null {
  if (!code) return null;
  return tableOccupationName(code) ?? classificationName(code) ?? null;
}

/** Names compare after trimming and removing inner spaces (a typed "张 三" is 张三). */
function normalizeName(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, '');
}

/**
 * Constant-time name equality: both sides are hashed to 32 bytes so timingSafeEqual sees equal
 * lengths and the time taken says nothing about how much of the name matched.
 */
export function sameName(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(normalizeName(s)).digest();
  return timingSafeEqual(h(a), h(b));
}

/** Map a stored status to the public one (absent = valid, DATA-FORMAT.md). */
export function publicStatus(s: string | null | undefined): CertificateStatus {
  return s === 'void' || s === 'revoked' ? s : 'valid';
}

/** A certificate row with what the answers need (holder name, issuer, region). */
export interface CertificateRow {
  certificate_no: string;
  id_number: string | null;
  holder_name: string | null;
  occupation_code: string | null;
  level: number | null;
  institution_id: string | null;
  issuer: string | null;
  region_code: string | null;
  issued_on: string | null;
  status: string | null;
}

/**
 * The certificate by number with its holder's name and issuing institution, or undefined.
 * Indexed point lookups (migration 009): on PostgreSQL one statement whose subqueries use the
 * indexes; on DuckDB two statements (the certificate, then holder
 * and issuer by constant keys), as DuckDB would hash-join whole tables for a join.
 */
export async function findCertificate(db: Db, certificateNo: string): Promise<CertificateRow | undefined> {
  if (db.dialect === 'postgres') {
    const [row] = await db.query<CertificateRow>(
      `SELECT c.certificate_no, c.id_number, c.occupation_code, c.level, c.institution_id, CAST(c.issued_on AS VARCHAR) AS issued_on, c.status,
              (SELECT p.name FROM persons p WHERE p.id_number = c.id_number LIMIT 1) AS holder_name,
              (SELECT i.name FROM institutions i WHERE i.institution_id = c.institution_id LIMIT 1) AS issuer,
              (SELECT i.region_code FROM institutions i WHERE i.institution_id = c.institution_id LIMIT 1) AS region_code
         FROM certificates c WHERE c.certificate_no = $1 LIMIT 1`,
      [certificateNo],
    );
    return row ? { ...row, level: row.level === null || row.level === undefined ? null : Number(row.level) } : undefined;
  }
  const [c] = await db.query<{ certificate_no: string; id_number: string | null; occupation_code: string | null; level: number | null; institution_id: string | null; issued_on: string | null; status: string | null }>(
    `SELECT certificate_no, id_number, occupation_code, level, institution_id, CAST(issued_on AS VARCHAR) AS issued_on, status
       FROM certificates WHERE certificate_no = $1 LIMIT 1`,
    [certificateNo],
  );
  if (!c) return undefined;
  // One statement for holder and issuer: uncorrelated scalar subqueries on constants use the indexes.
  const [x] = await db.query<{ holder_name: string | null; issuer: string | null; region_code: string | null }>(
    `SELECT (SELECT name FROM persons WHERE id_number = $1 LIMIT 1) AS holder_name,
            (SELECT name FROM institutions WHERE institution_id = $2 LIMIT 1) AS issuer,
            (SELECT region_code FROM institutions WHERE institution_id = $2 LIMIT 1) AS region_code`,
    [c.id_number ?? '', c.institution_id ?? ''],
  );
  return {
    ...c,
    level: c.level === null || c.level === undefined ? null : Number(c.level),
    holder_name: c.id_number ? (x?.holder_name ?? null) : null,
    issuer: c.institution_id ? (x?.issuer ?? null) : null,
    region_code: c.institution_id ? (x?.region_code ?? null) : null,
  };
}

/** The public content of a certificate (no personal data). */
export function publicContent(row: CertificateRow): Exclude<VerifyAnswer, { status: 'not_found' }> {
  return {
    status: publicStatus(row.status),
    certificate_no: row.certificate_no,
    occupation_code: row.occupation_code,
    occupation_name: occupationNameOf(row.occupation_code),
    level: row.level,
    issuer: row.issuer,
    issued_on: row.issued_on,
  };
}

/**
 * Verify a certificate number against the holder's name. Unknown number, missing holder or a
 * name that does not match all answer `{status:'not_found'}`; the name is compared even when the
 * number is unknown so the two cases take about the same time.
 */
export async function verifyCertificate(db: Db, certificateNo: string, name: string): Promise<VerifyAnswer> {
  const row = certificateNo ? await findCertificate(db, certificateNo) : undefined;
  const match = sameName(row?.holder_name ?? '\u0000no-holder', name);
  if (!row || !row.holder_name || !match) return { status: 'not_found' };
  return publicContent(row);
}
