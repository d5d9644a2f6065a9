/**
 * The screening engine: runs the enabled rules of the catalog over the store, reports
 * each rule as ran / skipped (inputs absent) / disabled / failed, and stores the clues.
 * It knows no rule by name: everything comes from the rule metadata.
 */
import { ENTITIES, type EntityName } from '../dataset/entities.ts';
import { effectiveRuleConfig, loadSettings, mergeSettings, parseSetOptions, validateSettings, type Settings } from '../config/settings.ts';
import { ingestComplaints } from '../clues/intake.ts';
import { finishRun, startRun, upsertScreeningClues, type ClueRecord, type RunRuleRecord } from '../clues/repository.ts';
import { zerr } from '../errors.ts';
import { log as defaultLog } from '../log.ts';
import { scrubText } from '../privacy/mask.ts';
import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import { dialectOf } from '../store/dialect.ts';
import { withWriterLock } from '../store/lock.ts';
import { evaluateRule } from './evaluate.ts';
import { RULES } from './rules/index.ts';
import type { Finding, Params, Rule, RunScope } from './types.ts';

export type RuleStatus = 'ran' | 'skipped' | 'disabled' | 'failed';

export interface RuleReport {
  id: string;
  title: string;
  status: RuleStatus;
  /** Chinese reason for skipped / disabled / failed. */
  reason?: string;
  clues: number;
  ms: number;
  /** Effective parameters the rule ran with. */
  params: Params;
}

export interface ScreeningReport {
  runId: number;
  rules: RuleReport[];
  /** All clues produced, in catalog order then subject id. */
  findings: ClueRecord[];
  /** Clues stored for the first time by this run. */
  newClues: number;
  /** Previously active clues of the ran rules that this run no longer produced. */
  deactivated: number;
  ms: number;
}

export interface ScreeningOptions {
  /** Rule ids or globs (`TR-*`); default: the whole catalog. */
  rules?: string[];
  /** Already validated settings (e.g. from `loadSettings`); validated again here. */
  settings?: Settings;
  /** A settings file to read (instead of `settings`); `zhili.settings.json` is not looked up here. */
  settingsFile?: string;
  /** `RULE.param=value` overrides. */
  set?: string[];
  /** Called before rule i (0-based) of n starts. */
  onRule?: (id: string, i: number, n: number) => void;
  /** The rule catalog; default the registry (tests pass their own). */
  catalog?: readonly Rule[];
  /** Where structured events go (default the process logger `log`; tests pass their own). */
  logger?: Logger;
}

const globRe = (g: string) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/**
 * The rules a selection names, in catalog order. Each item is an id or a glob (`*`, `?`);
 * items may also be comma-separated. An item that matches no rule is an error.
 */
export function selectRules(catalog: readonly Rule[], patterns?: readonly string[]): Rule[] {
  const items = (patterns ?? []).flatMap((p) => p.split(/[,，\s]+/)).filter(Boolean);
  if (!items.length) return [...catalog];
  const chosen = new Set<Rule>();
  const unknown: string[] = [];
  for (const item of items) {
    const re = globRe(item);
    const hits = catalog.filter((r) => re.test(r.id));
    if (!hits.length) unknown.push(item);
    for (const h of hits) chosen.add(h);
  }
  if (unknown.length) {
    throw zerr('screening.unknown_rule', `未知规则：${unknown.join('、')}（可用规则见 docs/RULES.md）`, `unknown rule(s): ${unknown.join(', ')}`);
  }
  return catalog.filter((r) => chosen.has(r));
}

/**
 * Which entities are present in the store: the table has rows, or an import recorded a
 * file for it (the department has the entity, it is just empty: rules run and find nothing).
 * The importer's bookkeeping (`import_files`, migration 002) is used when it exists.
 */
export async function entityPresence(db: Db, entities: Iterable<EntityName>): Promise<Map<EntityName, boolean>> {
  const out = new Map<EntityName, boolean>();
  const [book] = await db.query(`SELECT 1 AS x FROM information_schema.tables WHERE table_name = 'import_files' LIMIT 1`);
  const recorded = new Set(
    book ? (await db.query<{ entity: string }>(`SELECT DISTINCT entity FROM import_files`)).map((r) => r.entity) : [],
  );
  for (const e of new Set(entities)) {
    if (recorded.has(e)) {
      out.set(e, true);
      continue;
    }
    const rows = await db.query(`SELECT 1 AS x FROM ${e} LIMIT 1`);
    out.set(e, rows.length > 0);
  }
  return out;
}

/** Chinese reason naming the missing entities: 缺少数据：online_events（线上学习记录）. */
export function missingReason(missing: readonly EntityName[]): string {
  return `缺少数据：${missing.map((e) => `${e}（${ENTITIES[e].zh}）`).join('、')}`;
}

/** Chinese reason when none of several alternative entities is present. */
export function missingAnyReason(any: readonly EntityName[]): string {
  return `缺少数据：${any.map((e) => `${e}（${ENTITIES[e].zh}）`).join('、')}（至少需要其中之一）`;
}

/**
 * A fresh {@link RunScope}: a keyed memo plus clean-ups; `end()` runs the clean-ups (in
 * reverse order, errors ignored) and forgets everything.
 */
export function createRunScope(): RunScope & { end(): Promise<void> } {
  const memo = new Map<string, Promise<unknown>>();
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    once<T>(key: string, compute: () => Promise<T>): Promise<T> {
      let p = memo.get(key) as Promise<T> | undefined;
      if (!p) {
        p = compute();
        memo.set(key, p);
        p.catch(() => memo.delete(key));
      }
      return p;
    },
    atEnd(fn) {
      cleanups.push(fn);
    },
    async end() {
      memo.clear();
      for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
    },
  };
}

/** Clamp to 0..1 and round to 3 decimals so that both engines print the same score. */
const normScore = (s: number) => (Number.isFinite(s) ? Math.round(Math.min(1, Math.max(0, s)) * 1000) / 1000 : 0);

function toRecord(rule: Rule, f: Finding): ClueRecord {
  return {
    rule: rule.id,
    subject: { type: f.subject.type, id: String(f.subject.id) },
    severity: f.severity ?? rule.severity,
    score: normScore(f.score),
    region_code: f.region_code ?? null,
    institution_id: f.institution_id ?? null,
    summary: f.summary,
    evidence: f.evidence ?? {},
    related: f.related ?? [],
  };
}

/** Resolve settings (object or file) and --set overrides into one validated settings object. */
export function resolveSettings(catalog: readonly Rule[], opts: Pick<ScreeningOptions, 'settings' | 'settingsFile' | 'set'>): Settings {
  const base = opts.settingsFile ? loadSettings(catalog, opts.settingsFile) : validateSettings(opts.settings ?? {}, catalog);
  return mergeSettings(base, parseSetOptions(opts.set ?? [], catalog));
}

/**
 * Run screening: the selected, enabled rules whose entities are present, then store the
 * clues of this run (one transaction) and record the run in `screening_runs`.
 * Settings are validated before anything touches the store.
 */
export async function runScreening(db: Db, opts: ScreeningOptions = {}): Promise<ScreeningReport> {
  // Bad settings fail at once, not after waiting for the lock; the run validates them again.
  resolveSettings(opts.catalog ?? RULES, opts);
  selectRules(opts.catalog ?? RULES, opts.rules);
  // The store's writer lock: a run never reads half an import nor overlaps another run.
  return withWriterLock(db, () => runScreeningLocked(db, opts));
}

async function runScreeningLocked(db: Db, opts: ScreeningOptions): Promise<ScreeningReport> {
  const t0 = performance.now();
  const catalog = opts.catalog ?? RULES;
  const settings = resolveSettings(catalog, opts);
  const selected = selectRules(catalog, opts.rules);
  const d = dialectOf(db.dialect);
  const runId = await startRun(db);
  const logger = opts.logger ?? defaultLog;
  logger.info({ event: 'screening.start', run_id: runId, engine: db.dialect, rules: selected.length }, '筛查开始');
  const reports: RuleReport[] = [];
  // One structured event per rule outcome (id, status, clues, ms, reason); never row data.
  const report = (r: RuleReport) => {
    reports.push(r);
    const fields = { event: 'screening.rule', run_id: runId, rule: r.id, status: r.status, clues: r.clues, ms: r.ms, ...(r.reason ? { reason: r.reason } : {}) };
    if (r.status === 'failed') logger.error(fields, `规则 ${r.id} 执行出错`);
    else logger.info(fields, `规则 ${r.id}：${r.status}`);
  };
  const findings: ClueRecord[] = [];
  // Shared by the rules of this run only (see RunScope); ended in `finally`.
  const scope = createRunScope();
  try {
    const presence = await entityPresence(
      db,
      selected.flatMap((r) => [...r.needs, ...(r.needsAny ?? [])]),
    );
    for (const [i, rule] of selected.entries()) {
      opts.onRule?.(rule.id, i, selected.length);
      const cfg = effectiveRuleConfig(rule, settings);
      const base = { id: rule.id, title: rule.title, clues: 0, ms: 0, params: cfg.params };
      if (!cfg.enabled) {
        report({ ...base, status: 'disabled', reason: '已在设置中停用' });
        continue;
      }
      const missing = rule.needs.filter((e) => !presence.get(e));
      const any = rule.needsAny ?? [];
      if (missing.length || (any.length && !any.some((e) => presence.get(e)))) {
        const reasons = missing.length ? [missingReason(missing)] : [];
        if (any.length && !any.some((e) => presence.get(e))) reasons.push(missingAnyReason(any));
        report({ ...base, status: 'skipped', reason: reasons.join('；') });
        continue;
      }
      const r0 = performance.now();
      try {
        const out = await evaluateRule(rule, { db, d, params: cfg.params, run: scope });
        const seen = new Set<string>();
        let n = 0;
        for (const f of out) {
          const rec = toRecord(rule, f);
          const key = `${rec.subject.type}\u001f${rec.subject.id}`;
          // One clue per rule and subject: a rule that yields a subject twice keeps the first.
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push(rec);
          n++;
        }
        report({ ...base, status: 'ran', clues: n, ms: Math.round(performance.now() - r0) });
      } catch (e) {
        // The message may quote SQL literals: scrubbed like any logged text before it is stored or logged.
        const msg = scrubText(((e as Error).message ?? String(e)).split('\n')[0]!);
        report({ ...base, status: 'failed', reason: `执行出错：${msg}`, ms: Math.round(performance.now() - r0) });
      }
    }
    const ran = reports.filter((r) => r.status === 'ran').map((r) => r.id);
    const { inserted, deactivated } = await upsertScreeningClues(db, runId, ran, findings);
    // Imported complaints become clues by the next screening run at the latest (WORKFLOW.md).
    await ingestComplaints(db);
    const count = (s: RuleStatus) => reports.filter((r) => r.status === s).length;
    await finishRun(db, runId, reports as RunRuleRecord[], {
      ran: ran.length,
      skipped: count('skipped'),
      disabled: count('disabled'),
      failed: count('failed'),
      clues: findings.length,
      newClues: inserted,
      deactivated,
    });
    const ms = Math.round(performance.now() - t0);
    logger.info(
      { event: 'screening.end', run_id: runId, ran: ran.length, skipped: count('skipped'), disabled: count('disabled'), failed: count('failed'), clues: findings.length, new_clues: inserted, deactivated, ms },
      '筛查结束',
    );
    return { runId, rules: reports, findings, newClues: inserted, deactivated, ms };
  } catch (e) {
    logger.error({ event: 'screening.error', run_id: runId, error: scrubText(String((e as Error).message ?? e)), ms: Math.round(performance.now() - t0) }, '筛查中止');
    const count = (s: RuleStatus) => reports.filter((r) => r.status === s).length;
    await finishRun(
      db,
      runId,
      reports as RunRuleRecord[],
      { ran: count('ran'), skipped: count('skipped'), disabled: count('disabled'), failed: count('failed'), clues: 0, newClues: 0, deactivated: 0 },
      'failed',
    ).catch(() => undefined);
    throw e;
  } finally {
    await scope.end();
  }
}
