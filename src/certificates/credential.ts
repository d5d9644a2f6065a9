/**
 * Signed certificate credentials (API.md "Certificates (public)"): an EdDSA (Ed25519) compact
 * JWS of the certificate's content with the key's `kid` in the header, a QR code of the
 * verification link, and the checks of a presented token — offline (signature, against a JWKS)
 * and on the server (signature, content against the store, current status).
 */
import { assertCan } from '../policies/permissions.ts';
import { inJurisdiction } from '../policies/jurisdiction.ts';
import type { Actor } from '../auth/actor.ts';
import { notFound } from '../errors.ts';
import { maskIdNumber } from '../privacy/mask.ts';
import type { Db } from '../store/db.ts';
import { currentKey, jwks } from './keys.ts';
import { findCertificate, occupationNameOf, publicStatus, type CertificateRow, type CertificateStatus } from './verify.ts';

/** What a credential states (no full identity number; the holder's name is on the certificate). */
export interface CredentialClaims {
  certificate_no: string;
  holder_name: string | null;
  id_number_masked: string;
  occupation_code: string | null;
  occupation_name: string | null;
  level: number | null;
  issuer: string | null;
  issued_on: string | null;
}

/** Media type in the JWS header, so a credential is not taken for another kind of token. */
export const CREDENTIAL_TYP = 'zhili-certificate+jws';

function claimsOf(row: CertificateRow): CredentialClaims {
  return {
    certificate_no: row.certificate_no,
    holder_name: row.holder_name,
    id_number_masked: maskIdNumber(row.id_number),
    occupation_code: row.occupation_code,
    occupation_name: occupationNameOf(row.occupation_code),
    level: row.level,
    issuer: row.issuer,
    issued_on: row.issued_on,
  };
}

/**
 * Issue a credential for a certificate in the actor's jurisdiction (the issuing institution's
 * region); 404 outside it or when absent. `origin` is the public site (`https://host`).
 */
export async function issueCredential(db: Db, actor: Actor, certificateNo: string, origin: string): Promise<{ token: string; qr_png_base64: string; verify_url: string }> {
  assertCan(actor, 'certificate.credential');
  const row = await findCertificate(db, certificateNo);
  if (!row || !inJurisdiction(actor, row.region_code)) throw notFound();
  const key = await currentKey(db);
  const { CompactSign, importJWK } = await import('jose');
  const priv = await importJWK(key.private_jwk, 'EdDSA');
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claimsOf(row))))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: CREDENTIAL_TYP })
    .sign(priv);
  const verify_url = `${origin.replace(/\/+$/, '')}/verify?token=${token}`;
  const QRCode = (await import('qrcode')).default;
  const png = await QRCode.toBuffer(verify_url, { type: 'png', errorCorrectionLevel: 'M' });
  return { token, qr_png_base64: png.toString('base64'), verify_url };
}

/** Check a token's signature against a JWKS; the claims when authentic, else null. */
export async function verifySignature(token: string, keys: { keys: JsonWebKey[] }): Promise<{ kid: string; claims: CredentialClaims } | null> {
  const { compactVerify, createLocalJWKSet } = await import('jose');
  try {
    const set = createLocalJWKSet(keys as Parameters<typeof createLocalJWKSet>[0]);
    const r = await compactVerify(token, set, { algorithms: ['EdDSA'] });
    if (r.protectedHeader.typ !== CREDENTIAL_TYP) return null;
    return { kid: String(r.protectedHeader.kid), claims: JSON.parse(new TextDecoder().decode(r.payload)) as CredentialClaims };
  } catch {
    return null;
  }
}

/** The server's answer to a presented credential. */
export interface CredentialCheck {
  valid_signature: boolean;
  content_matches: boolean;
  status: CertificateStatus | 'not_found';
  claims: CredentialClaims | null;
}

/**
 * Verify a presented token: signature (any of the store's keys, old ones included), content
 * equal to what the store says now, and the certificate's current status — a credential of a
 * certificate voided after issue is authentic but `void`.
 */
export async function verifyCredential(db: Db, token: string): Promise<CredentialCheck> {
  const sig = await verifySignature(token, await jwks(db));
  if (!sig) return { valid_signature: false, content_matches: false, status: 'not_found', claims: null };
  const row = await findCertificate(db, String(sig.claims.certificate_no));
  if (!row) return { valid_signature: true, content_matches: false, status: 'not_found', claims: sig.claims };
  const now = claimsOf(row);
  const content_matches = (Object.keys(now) as (keyof CredentialClaims)[]).every((k) => now[k] === sig.claims[k]) && Object.keys(sig.claims).length === Object.keys(now).length;
  return { valid_signature: true, content_matches, status: publicStatus(row.status), claims: sig.claims };
}
