/**
 * Conventions shared by the evaluation and certificate rules (EV-*):
 * - an exam's date is the date of its `starts_at`;
 * - a *passed candidate* is an exam_results row with passed = true and absent not true;
 * - a certificate with status `void`/`revoked` does not count as held (EV-ELIGIBILITY).
 * These tables are small next to attendance and online events (thousands of exams,
 * ≤ a few million results), so SQL rules with a detect and an evidence query are fine.
 */
import { text } from '../../kit/index.ts';

const LEVEL_ZH: Record<number, string> = { 5: '五级/初级工', 4: '四级/中级工', 3: '三级/高级工', 2: '二级/技师', 1: '一级/高级技师' };

/** A level in Chinese: 3 → '三级/高级工'. */
export const levelZh = (v: unknown) => LEVEL_ZH[Number(v)] ?? `${text(v)}级`;

/** SQL: the exam_results row aliased `r` is a passed candidate (passed, not absent). */
export const PASSED = `r.passed AND NOT COALESCE(r.absent, FALSE)`;
