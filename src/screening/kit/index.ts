/**
 * The rule toolkit: everything a rule author imports besides the rule types — formatting
 * for summaries, scores, SQL fragments, evidence helpers, the overlapping-interval pairing
 * (TR-OVERLAP, TR-TEACHER-CLASH, EV-CLASH) and the one-pass rule builder.
 */
export * from './evidence.ts';
export * from './format.ts';
export * from './onepass.ts';
export * from './overlap.ts';
export * from './score.ts';
export * from './sql.ts';
