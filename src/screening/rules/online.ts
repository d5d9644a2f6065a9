import type { Rule } from '../types.ts';

/** Rules of RULES.md's section for this family (placeholder until they land). */
export const ONLINE_RULES: Rule[] = [];
