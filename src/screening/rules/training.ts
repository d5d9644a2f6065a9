import type { Rule } from '../types.ts';
import { IDENTITY_RULES } from './training/identity.ts';

/** The 19 rules of RULES.md's "Training (培训)" section, in RULES.md order. */
export const TRAINING_RULES: Rule[] = [...IDENTITY_RULES];
