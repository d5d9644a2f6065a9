/**
 * What a screening rule is: metadata plus SQL (RULES.md, ARCHITECTURE.md "A rule is data
 * plus SQL"). The engine is generic and knows no rule by name; rules are listed in
 * `rules/index.ts`.
 */
import type { EntityName } from '../dataset/entities.ts';
import type { Db, Row } from '../store/db.ts';
import type { SqlDialect } from '../store/dialect.ts';
import type { Finding, ParamDef, ParamValue, Ref, Severity, SubjectType } from '../domain/model.ts';

// The shared vocabulary lives in src/domain/model.ts; re-exported here for rule authors.
export type { Finding, ParamDef, ParamValue, Ref, Severity, SubjectType };
export type RuleFamily = 'training' | 'online' | 'evaluation' | 'ads';

export type Params = Record<string, ParamValue>;

/**
 * State of one screening run shared by its rules (e.g. an intermediate TEMP table several
 * rules read). The engine creates one per run and ends it when the run ends, so nothing
 * outlives the run and a new run always recomputes.
 */
export interface RunScope {
  /**
   * The value for `key`, computed by the first caller in this run; later callers get the
   * same promise. A failed computation is forgotten, so the next caller tries again.
   */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Register clean-up (e.g. DROP TABLE) to run when the run ends, successful or not. */
  atEnd(fn: () => Promise<unknown>): void;
}

export interface RuleContext {
  db: Db;
  d: SqlDialect;
  /** Effective parameters: defaults overridden by settings and --set. */
  params: Params;
  /** The screening run's shared scope; absent when a rule is evaluated on its own (tests). */
  run?: RunScope;
}

interface RuleMeta {
  /** Rule id of RULES.md, e.g. 'TR-OVERLAP'. */
  id: string;
  /** Chinese title. */
  title: string;
  family: RuleFamily;
  subject: SubjectType;
  severity: Severity;
  /** Entities the rule reads; if any is absent from the dataset the rule is skipped. */
  needs: EntityName[];
  /**
   * Entities of which at least one must be present (for rules that read any of several
   * tables); if none is, the rule is skipped. Checked in addition to `needs`.
   */
  needsAny?: EntityName[];
  /**
   * Entities the rule reads when present but does not need: lookups that attach a region,
   * institution or date to the rows of `needs`/`needsAny`, or the input of one of several
   * sub-checks. When absent the rule still runs; those fields stay null or that sub-check
   * finds nothing. Every table a rule reads is in `needs`, `needsAny` or `optional`
   * (checked mechanically by rules/needs.test.ts).
   */
  optional?: EntityName[];
  params: ParamDef[];
  /** What it flags, in Chinese (one or two sentences; goes to docs/RULES.md). */
  description: string;
}

/**
 * A SQL rule. `detect` returns one row per subject with at least `subject_id` and whatever
 * facts the summary needs (and `region_code`, `institution_id` where known). `evidence`,
 * if given, returns rows with a `subject_id` column; the engine keeps at most
 * MAX_EVIDENCE_ROWS per subject and hands them to `finding`.
 * SQL must run on both engines: use `ctx.d` for dialect differences, `ctx.params` for thresholds
 * (inline numbers with Number(), never string-concatenate text params without quoting).
 */
export interface SqlRule extends RuleMeta {
  kind: 'sql';
  detect(ctx: RuleContext): string;
  evidence?(ctx: RuleContext): string;
  finding(row: Row, evidence: Row[], ctx: RuleContext): Finding;
}

/** A rule evaluated in code (e.g. text scanning of adverts), still reading only the store. */
export interface CodeRule extends RuleMeta {
  kind: 'code';
  run(ctx: RuleContext): Promise<Finding[]>;
}

export type Rule = SqlRule | CodeRule;

export const MAX_EVIDENCE_ROWS = 50;
