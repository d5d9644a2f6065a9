/**
 * What a user is shown of personal data (WORKFLOW.md "Jurisdiction and roles"): for roles that
 * read it masked (masksPersonalData), identity numbers, phones and bank accounts are masked
 * wherever they appear in a response — under known keys by type, and in free text by pattern.
 * The server applies presentForActor to every /api answer as a safety net.
 */
import { appendAudit } from '../audit/index.ts';
import type { Actor } from '../auth/actor.ts';
import { masksPersonalData } from '../policies/jurisdiction.ts';
import type { Db } from '../store/db.ts';
import { maskAccount, maskIdNumber, maskPhone, scrubText } from './mask.ts';

const ID_KEY = /(^|_)id_numbers?$|^holder_id$|^id_no$/;
const PHONE_KEY = /(^|_)(phone|mobile|tel)(s)?$/;
const ACCOUNT_KEY = /(^|_)(bank_account|payee_account|account_no|bank_card)(s)?$/;
/** Identifier-like keys whose values are codes, not text (not scrubbed). */
const CODE_KEY = /(^|_)(id|ids|no|nos|code|codes|uscc|hash|token|url|sha256|version|at|on|date)$/;

const MASKED_ID = /^\d{6}\*+[\dXx]{4}$|^\*+$/;

function maskBy(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') {
    // Already masked (idempotent); comma-separated lists are masked item by item.
    if (MASKED_ID.test(v) || v.includes('*')) return v;
    return v.includes(',') ? v.split(',').map((x) => f(x.trim())).join(',') : f(v);
  }
  if (Array.isArray(v)) return v.map((x) => maskBy(x, f));
  if (typeof v === 'number') return f(String(v));
  return v;
}

function walk(v: unknown, key: string | null): unknown {
  if (v == null) return v;
  if (key !== null) {
    if (ID_KEY.test(key)) return maskBy(v, maskIdNumber);
    if (PHONE_KEY.test(key)) return maskBy(v, maskPhone);
    if (ACCOUNT_KEY.test(key)) return maskBy(v, maskAccount);
  }
  if (typeof v === 'string') return key !== null && CODE_KEY.test(key) ? v : scrubText(v);
  if (Array.isArray(v)) return v.map((x) => walk(x, key));
  if (typeof v === 'object') {
    if (v instanceof Date || Buffer.isBuffer(v)) return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = walk(x, k);
    // A reference to a person ({type:'person', id}, a clue's subject_type/subject_id) names them by identity number.
    if (o.type === 'person' && typeof o.id === 'string') out.id = maskBy(o.id, maskIdNumber);
    if (o.subject_type === 'person' && typeof o.subject_id === 'string') out.subject_id = maskBy(o.subject_id, maskIdNumber);
    if (o.target_type === 'person' && typeof o.target_id === 'string') out.target_id = maskBy(o.target_id, maskIdNumber);
    return out;
  }
  return v;
}

/**
 * The value as this actor may see it: unchanged for roles that read personal data in full,
 * else a copy with identity numbers, phones and bank accounts masked (known keys by type; any
 * other text scrubbed by pattern). Idempotent.
 */
export function presentForActor<T>(value: T, actor: Actor): T {
  if (!masksPersonalData(actor)) return value;
  return walk(value, null) as T;
}

/**
 * Record that `actor` viewed a person's full identity number (WORKFLOW.md "Audit"): action
 * `person.view_id`, target the person (the audit stores the masked number only, so the log does
 * not become a list of identity numbers; the hash of the full number identifies it).
 * Nothing is written for masking roles, who never see it in full.
 */
export async function auditIdView(db: Db, actor: Actor, id_number: string, region_code: string | null): Promise<void> {
  if (masksPersonalData(actor)) return;
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(id_number).digest('hex');
  await db.transaction(() =>
    appendAudit(db, { actor, action: 'person.view_id', target_type: 'person', target_id: maskIdNumber(id_number), region_code, after: { id_sha256: digest } }),
  );
}
