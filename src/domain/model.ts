/**
 * The vocabulary shared by screening (which produces findings), clues/ (which stores them)
 * and config/ (which validates rule parameters). It lives below all three so that neither
 * clues/ nor config/ imports from screening/ (ARCHITECTURE.md, "Decisions taken").
 */

/** What a clue is about: the thing an inspector opens to act on (RULES.md "subject types"). */
export type SubjectType = 'person' | 'institution' | 'class' | 'claim' | 'exam' | 'certificate' | 'device' | 'ad' | 'listing';
export type Severity = 'high' | 'medium' | 'low';

/** A reference to a subject: its type and id (id_number, class_id, …). */
export interface Ref {
  type: SubjectType;
  id: string;
}

export type ParamValue = number | string | boolean;

/** One threshold or setting of a rule, with its default. */
export interface ParamDef {
  name: string;
  default: ParamValue;
  /** Chinese description, with unit, for docs and settings errors. */
  description: string;
  min?: number;
  max?: number;
  /**
   * Extra check of a configured value at start (settings file, --set): return a Chinese
   * explanation when the value is unusable (e.g. a condition table that does not parse).
   */
  validate?: (value: ParamValue) => string | undefined;
}

/** What settings need to know of a rule: its id and parameters. */
export interface ConfigurableRule {
  id: string;
  params: ParamDef[];
}

/** One clue's content, as a rule produces it (the engine adds identity, runs, state). */
export interface Finding {
  subject: Ref;
  /** 0..1, how strong the signal is (e.g. how far past the threshold). */
  score: number;
  /** Region of the subject when known, else null (never ''). */
  region_code: string | null;
  /** Institution of the subject when known, else null (never ''). */
  institution_id: string | null;
  /** One Chinese sentence with the concrete facts: who, which classes/exams, when, how much. */
  summary: string;
  /** Structured, bounded evidence: the triggering rows (ids, times, places, amounts). */
  evidence: Record<string, unknown>;
  related: Ref[];
  /** Overrides the rule's default severity for this finding. */
  severity?: Severity;
}
