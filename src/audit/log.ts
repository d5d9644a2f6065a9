/**
 * Hash-chained audit log. hash(n) = SHA-256(hash(n−1) ‖ canonical fields of n); the first entry
 * chains from 64 zeros. Appends are serialised (PostgreSQL: a transaction-scoped advisory lock;
 * DuckDB: one writing process, and the caller's transaction), so two appends never share a
 * predecessor. Nothing updates or deletes rows of audit_log.
 */
import { createHash } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { localTimestamp } from '../clock.ts';
import type { Db } from '../store/db.ts';

export const GENESIS = '0'.repeat(64);
/** Advisory-lock key of the audit chain (PostgreSQL). */
const AUDIT_LOCK = 7_246_001;

export interface AuditInput {
  actor: Actor;
  /** Dotted verb, e.g. `case.transition`, `measure.approve`, `person.view_id`, `user.add`. */
  action: string;
  target_type: string;
  target_id: string | null;
  /** Region of the target, for jurisdiction-filtered listing. */
  region_code?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  region_code: string | null;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

/** Stable JSON: object keys sorted, so the same content always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

type Stored = Omit<AuditEntry, 'before' | 'after'> & { before_json: string | null; after_json: string | null };

function entryHash(prev: string, e: Omit<Stored, 'hash' | 'prev_hash'>): string {
  const body = canonicalJson([e.seq, e.at, e.actor, e.actor_role, e.action, e.target_type, e.target_id, e.region_code, e.before_json, e.after_json]);
  return createHash('sha256').update(prev).update('\n').update(body).digest('hex');
}

/**
 * Append one entry. Call inside the transaction of the change it records (so both commit or
 * neither). Returns the stored entry.
 */
export async function appendAudit(db: Db, input: AuditInput): Promise<AuditEntry> {
  if (db.dialect === 'postgres') await db.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const last = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
  const prev = last[0]?.hash ?? GENESIS;
  const seq = (last[0] ? Number(last[0].seq) : 0) + 1;
  const row: Omit<Stored, 'hash' | 'prev_hash'> = {
    seq,
    at: localTimestamp(),
    actor: input.actor.username,
    actor_role: input.actor.role,
    action: input.action,
    target_type: input.target_type,
    target_id: input.target_id,
    region_code: input.region_code ?? null,
    before_json: input.before === undefined ? null : canonicalJson(input.before),
    after_json: input.after === undefined ? null : canonicalJson(input.after),
  };
  const hash = entryHash(prev, row);
  await db.query(
    `INSERT INTO audit_log (seq, logged_at, actor, actor_role, action, target_type, target_id, region_code, before_json, after_json, prev_hash, hash)
     VALUES ($1, CAST($2 AS TIMESTAMP), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [seq, row.at, row.actor, row.actor_role, row.action, row.target_type, row.target_id, row.region_code, row.before_json, row.after_json, prev, hash],
  );
  return toEntry({ ...row, prev_hash: prev, hash });
}

function toEntry(r: Stored): AuditEntry {
  return {
    seq: Number(r.seq),
    at: String(r.at).slice(0, 19),
    actor: r.actor,
    actor_role: r.actor_role,
    action: r.action,
    target_type: r.target_type,
    target_id: r.target_id,
    region_code: r.region_code,
    before: r.before_json == null ? null : JSON.parse(r.before_json),
    after: r.after_json == null ? null : JSON.parse(r.after_json),
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

export type VerifyResult = { ok: true; entries: number } | { ok: false; entries: number; seq: number; reason: string };

/**
 * Walk the chain in order and name the first bad entry: a hash that does not match its content
 * (edited), a prev_hash that does not match the previous entry (inserted or deleted), or a gap
 * in the sequence (deleted).
 */
export async function verifyAudit(db: Db, batch = 10_000): Promise<VerifyResult> {
  let prev = GENESIS;
  let expectSeq = 1;
  let n = 0;
  for (;;) {
    const rows = await db.query<Stored>(
      `SELECT seq, CAST(logged_at AS VARCHAR) AS at, actor, actor_role, action, target_type, target_id, region_code, before_json, after_json, prev_hash, hash
       FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT ${batch}`,
      [expectSeq],
    );
    if (rows.length === 0) {
      const later = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE seq < $1', [expectSeq]);
      if (Number(later[0]?.n ?? 0) !== n) return { ok: false, entries: n, seq: expectSeq, reason: '序号重复或被插入 / duplicate or inserted sequence number' };
      return { ok: true, entries: n };
    }
    for (const r of rows) {
      const seq = Number(r.seq);
      if (seq !== expectSeq) return { ok: false, entries: n, seq: expectSeq, reason: `缺少第 ${expectSeq} 条（被删除） / entry ${expectSeq} missing (deleted)` };
      if (r.prev_hash !== prev) return { ok: false, entries: n, seq, reason: '与前一条的哈希不衔接（插入或删除） / prev_hash does not match the previous entry' };
      const at = String(r.at).slice(0, 19);
      const h = entryHash(prev, { ...r, seq, at });
      if (h !== r.hash) return { ok: false, entries: n, seq, reason: '内容与哈希不符（被修改） / content does not match its hash (edited)' };
      prev = r.hash;
      expectSeq++;
      n++;
    }
  }
}

/** Entries for a target (or all), newest first. Jurisdiction filtering is the caller's (policies). */
export async function listAudit(db: Db, opts: { target_type?: string; target_id?: string; whereSql?: string; params?: unknown[]; limit?: number; offset?: number } = {}): Promise<AuditEntry[]> {
  const params: unknown[] = [...(opts.params ?? [])];
  const conds: string[] = [opts.whereSql ?? 'TRUE'];
  if (opts.target_type) {
    params.push(opts.target_type);
    conds.push(`target_type = $${params.length}`);
  }
  if (opts.target_id) {
    params.push(opts.target_id);
    conds.push(`target_id = $${params.length}`);
  }
  const rows = await db.query<Stored>(
    `SELECT seq, CAST(logged_at AS VARCHAR) AS at, actor, actor_role, action, target_type, target_id, region_code, before_json, after_json, prev_hash, hash
     FROM audit_log WHERE ${conds.join(' AND ')} ORDER BY seq DESC LIMIT ${Math.min(opts.limit ?? 50, 500)} OFFSET ${opts.offset ?? 0}`,
    params,
  );
  return rows.map(toEntry);
}
