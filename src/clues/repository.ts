/**
 * Clue store: the `clues` and `screening_runs` tables of migration 003.
 *
 * A clue's identity is a hash of (source, rule, subject type, subject id), so the same
 * rule finding the same subject again refreshes one row instead of adding another; its
 * workflow state (new/triaged/merged/dismissed) is never touched by screening.
 */
import { localTimestamp } from '../clock.ts';
import { createHash } from 'node:crypto';
import type { Db } from '../store/db.ts';
import type { Finding, Ref, Severity } from '../domain/model.ts';

export type ClueSource =
  | 'screening'
  | 'complaint'
  | 'media'
  | 'audit'
  | 'inspection'
  | 'internet_search'
  | 'onsite'
  | 'platform'
  | 'other';
export type ClueState = 'new' | 'triaged' | 'merged' | 'dismissed';

/** One clue as screening emits it: exactly the JSON Lines record of RULES.md, in its key order. */
export type ClueRecord = Omit<Finding, 'severity'> & { rule: string; severity: Severity };

/** A stored clue row (JSON columns parsed). */
export interface StoredClue {
  clue_id: string;
  source: ClueSource;
  rule: string | null;
  subject_type: string | null;
  subject_id: string | null;
  severity: Severity | null;
  score: number | null;
  region_code: string | null;
  institution_id: string | null;
  summary: string | null;
  evidence: Record<string, unknown> | null;
  related: Ref[];
  state: ClueState;
  first_seen_run: number | null;
  last_seen_run: number | null;
  active: boolean;
  inactive_since_run: number | null;
  created_at: string;
  updated_at: string;
}

/**
 * Deterministic clue id: `CL` + 24 hex digits of SHA-256 over the identity parts.
 * Other sources (complaints, media …) pass their own stable key as `subjectId`.
 */
export function clueId(source: ClueSource, rule: string | null, subjectType: string | null, subjectId: string | null): string {
  const h = createHash('sha256').update([source, rule ?? '', subjectType ?? '', subjectId ?? ''].join('\u001f')).digest('hex');
  return `CL${h.slice(0, 24)}`;
}


export interface RunRuleRecord {
  id: string;
  status: string;
  reason?: string;
  clues: number;
  ms: number;
  params?: Record<string, unknown>;
}

/**
 * Close as `interrupted` (finished now) every run still marked `running`. Only valid under
 * the store's writer lock (src/store/lock.ts): whoever holds it is the only live writer, so
 * a `running` row left then belongs to a process that died (killed, crashed, power lost).
 * Returns the ids closed.
 */
export async function closeInterruptedRuns(db: Db, at = localTimestamp()): Promise<number[]> {
  const stale = await db.query<{ id: number }>(`SELECT id FROM screening_runs WHERE status = 'running' ORDER BY id`);
  if (stale.length) {
    await db.query(`UPDATE screening_runs SET status = 'interrupted', finished_at = CAST($1 AS TIMESTAMP) WHERE status = 'running'`, [at]);
  }
  return stale.map((r) => Number(r.id));
}

/**
 * Open a screening run; returns its id (one more than the highest so far). Call it under
 * the writer lock (runScreening does): runs left `running` by dead processes are closed as
 * `interrupted` first.
 */
export async function startRun(db: Db, startedAt = localTimestamp()): Promise<number> {
  return db.transaction(async () => {
    await closeInterruptedRuns(db, startedAt);
    const [row] = await db.query<{ n: number | null }>('SELECT max(id) AS n FROM screening_runs');
    const id = Number(row?.n ?? 0) + 1;
    await db.query(`INSERT INTO screening_runs (id, started_at, status, engine) VALUES ($1, CAST($2 AS TIMESTAMP), 'running', $3)`, [
      id,
      startedAt,
      db.dialect,
    ]);
    return id;
  });
}

export interface RunTotals {
  ran: number;
  skipped: number;
  disabled: number;
  failed: number;
  clues: number;
  newClues: number;
  deactivated: number;
}

/** Close a run with its per-rule outcome and totals. */
export async function finishRun(db: Db, runId: number, rules: RunRuleRecord[], t: RunTotals, status: 'finished' | 'failed' = 'finished'): Promise<void> {
  await db.query(
    `UPDATE screening_runs SET finished_at = CAST($2 AS TIMESTAMP), status = $3, rules_ran = $4, rules_skipped = $5, rules_disabled = $6,
       rules_failed = $7, clues_total = $8, clues_new = $9, clues_deactivated = $10, rules = $11 WHERE id = $1`,
    [runId, localTimestamp(), status, t.ran, t.skipped, t.disabled, t.failed, t.clues, t.newClues, t.deactivated, JSON.stringify(rules)],
  );
}

export interface ScreeningRunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: string;
  engine: string | null;
  rules_ran: number | null;
  rules_skipped: number | null;
  rules_disabled: number | null;
  rules_failed: number | null;
  clues_total: number | null;
  clues_new: number | null;
  clues_deactivated: number | null;
  rules: RunRuleRecord[];
}

/** One screening run, or undefined. */
export async function getRun(db: Db, runId: number): Promise<ScreeningRunRow | undefined> {
  const [r] = await db.query<Record<string, unknown>>('SELECT * FROM screening_runs WHERE id = $1', [runId]);
  if (!r) return undefined;
  return { ...(r as unknown as ScreeningRunRow), rules: r.rules ? (JSON.parse(String(r.rules)) as RunRuleRecord[]) : [] };
}

/**
 * A standard SQL literal (both engines: '' doubles a quote, backslashes are plain with
 * PostgreSQL's default standard_conforming_strings). Literals, not parameters, for the
 * staging rows: DuckDB binds thousands of parameters per statement slowly (4 s vs 1 s for 20k clues).
 */
function sqlLiteral(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  // NUL cannot be stored in PostgreSQL text; drop it rather than fail the run.
  return `'${v.replace(/\u0000/g, '').replace(/'/g, "''")}'`;
}

const STAGE_COLS = ['clue_id', 'rule', 'subject_type', 'subject_id', 'severity', 'score', 'region_code', 'institution_id', 'summary', 'evidence', 'related'] as const;
const CONTENT_COLS = ['severity', 'score', 'region_code', 'institution_id', 'summary', 'evidence', 'related'] as const;
const BATCH = 500;

export interface UpsertResult {
  /** Clues not stored before this run. */
  inserted: number;
  /** Clues of the ran rules that this run no longer produced (now inactive). */
  deactivated: number;
}

/**
 * Store one run's screening clues, in one transaction: insert new ones (state `new`),
 * refresh the content, last-seen run and activity of known ones (state untouched), and
 * mark inactive the active clues of `ranRules` that this run did not produce.
 * Rules that were skipped, disabled or failed keep their clues as they were.
 * `records` must hold at most one record per (rule, subject).
 *
 * Set-based through a staging table rather than INSERT … ON CONFLICT: the latter is the
 * same SQL on both engines but several times slower on DuckDB.
 */
export async function upsertScreeningClues(db: Db, runId: number, ranRules: readonly string[], records: readonly ClueRecord[]): Promise<UpsertResult> {
  const now = localTimestamp();
  return db.transaction(async () => {
    await db.exec(`DROP TABLE IF EXISTS clue_stage`);
    await db.exec(
      `CREATE TEMPORARY TABLE clue_stage (clue_id VARCHAR, rule VARCHAR, subject_type VARCHAR, subject_id VARCHAR, severity VARCHAR,
        score DOUBLE PRECISION, region_code VARCHAR, institution_id VARCHAR, summary VARCHAR, evidence VARCHAR, related VARCHAR)`,
    );
    for (let i = 0; i < records.length; i += BATCH) {
      const tuples = records.slice(i, i + BATCH).map((r) =>
        [
          clueId('screening', r.rule, r.subject.type, r.subject.id),
          r.rule,
          r.subject.type,
          r.subject.id,
          r.severity,
          r.score,
          r.region_code,
          r.institution_id,
          r.summary,
          JSON.stringify(r.evidence),
          JSON.stringify(r.related),
        ].map(sqlLiteral),
      );
      await db.exec(`INSERT INTO clue_stage (${STAGE_COLS.join(', ')}) VALUES ${tuples.map((t) => `(${t.join(', ')})`).join(', ')}`);
    }
    const changed = CONTENT_COLS.map((c) => `clues.${c} IS DISTINCT FROM s.${c}`).join(' OR ');
    await db.query(
      `UPDATE clues SET ${CONTENT_COLS.map((c) => `${c} = s.${c}`).join(', ')}, last_seen_run = $1, active = TRUE, inactive_since_run = NULL,
         updated_at = CASE WHEN ${changed} OR NOT clues.active THEN CAST($2 AS TIMESTAMP) ELSE clues.updated_at END
       FROM clue_stage s WHERE clues.clue_id = s.clue_id`,
      [runId, now],
    );
    const [fresh] = await db.query<{ n: number }>(
      `SELECT count(*) AS n FROM clue_stage s WHERE NOT EXISTS (SELECT 1 FROM clues c WHERE c.clue_id = s.clue_id)`,
    );
    await db.query(
      `INSERT INTO clues (${STAGE_COLS.join(', ')}, source, state, first_seen_run, last_seen_run, active, inactive_since_run, created_at, updated_at)
       SELECT ${STAGE_COLS.map((c) => `s.${c}`).join(', ')}, 'screening', 'new', $1, $1, TRUE, NULL, CAST($2 AS TIMESTAMP), CAST($2 AS TIMESTAMP)
         FROM clue_stage s WHERE NOT EXISTS (SELECT 1 FROM clues c WHERE c.clue_id = s.clue_id)`,
      [runId, now],
    );
    await db.exec(`DROP TABLE clue_stage`);
    let deactivated = 0;
    if (ranRules.length) {
      // Placeholders: $1 = run id, rule ids from $first.
      const where = (first: number) =>
        `source = 'screening' AND active AND rule IN (${ranRules.map((_, i) => `$${i + first}`).join(', ')}) AND (last_seen_run IS NULL OR last_seen_run <> $1)`;
      const [n] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM clues WHERE ${where(2)}`, [runId, ...ranRules]);
      deactivated = Number(n?.n ?? 0);
      if (deactivated) {
        await db.query(`UPDATE clues SET active = FALSE, inactive_since_run = $1, updated_at = CAST($2 AS TIMESTAMP) WHERE ${where(3)}`, [
          runId,
          now,
          ...ranRules,
        ]);
      }
    }
    return { inserted: Number(fresh?.n ?? 0), deactivated };
  });
}

function toStored(r: Record<string, unknown>): StoredClue {
  return {
    ...(r as unknown as StoredClue),
    evidence: r.evidence == null ? null : (JSON.parse(String(r.evidence)) as Record<string, unknown>),
    related: r.related == null ? [] : (JSON.parse(String(r.related)) as Ref[]),
  };
}

export interface ClueFilter {
  rule?: string;
  source?: ClueSource;
  active?: boolean;
  state?: ClueState;
}

/** Stored clues matching the filter, ordered by rule then subject. */
export async function listClues(db: Db, f: ClueFilter = {}): Promise<StoredClue[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.rule !== undefined) add('rule = ?', f.rule);
  if (f.source !== undefined) add('source = ?', f.source);
  if (f.active !== undefined) add('active = ?', f.active);
  if (f.state !== undefined) add('state = ?', f.state);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT * FROM clues ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rule, subject_type, subject_id, clue_id`,
    params,
  );
  return rows.map(toStored);
}

/** One clue by id, or undefined. */
export async function getClue(db: Db, id: string): Promise<StoredClue | undefined> {
  const [r] = await db.query<Record<string, unknown>>('SELECT * FROM clues WHERE clue_id = $1', [id]);
  return r ? toStored(r) : undefined;
}
