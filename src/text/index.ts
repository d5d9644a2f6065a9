/**
 * Prohibited-wording scanner (RULES.md "Adverts, certificates' wording and platform
 * listings"): `scanText(text, { kind })` → hits with spans on the original text.
 */
export { scan, scanText, MAX_GAP, MAX_HITS, CHUNK } from './scan.ts';
export type { Hit, HitContext, ScanKind, ScanOptions, ScanResult, Via, RuleId, Severity } from './scan.ts';
export { normalize } from './normalize.ts';
export type { Normalized, NormUnit, CharVia } from './normalize.ts';
export { lexicon } from './lexicon.ts';
