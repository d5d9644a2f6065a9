/**
 * Prohibited-wording scanner (RULES.md "Adverts, certificates' wording and platform
 * listings"): `scanText(text, { kind })` → hits with spans on the original text.
 */
export { scanText, MAX_GAP } from './scan.ts';
export type { Hit, HitContext, ScanKind, ScanOptions, Via, RuleId, Severity } from './scan.ts';
export { normalize } from './normalize.ts';
export type { Normalized, NormUnit, CharVia } from './normalize.ts';
export { lexicon } from './lexicon.ts';
