import type { Rule } from '../types.ts';
import { AD_RULES } from './ads.ts';
import { EVALUATION_RULES } from './evaluation/index.ts';
import { ONLINE_RULES } from './online/index.ts';
import { TRAINING_RULES } from './training.ts';

/** The rule catalog, in RULES.md order. */
export const RULES: Rule[] = [...TRAINING_RULES, ...ONLINE_RULES, ...EVALUATION_RULES, ...AD_RULES];
