/**
 * Scores of findings (0..1): how far past a threshold, how many times.
 */

export const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Score for "value above threshold" (counts, amounts): 0.5 just past the threshold,
 * approaching 1 as value grows (2× threshold → 0.75). A threshold ≤ 0 yields 0.75.
 */
export function scoreAbove(value: number, threshold: number): number {
  if (!(threshold > 0)) return value > 0 ? 0.75 : 0.5;
  if (value <= threshold) return 0.5;
  return clamp01(Number((1 - (0.5 * threshold) / value).toFixed(4)));
}

/**
 * Score for "value below threshold" (rates, hours): 0.5 just below, 1 at zero,
 * linear in between.
 */
export function scoreBelow(value: number, threshold: number): number {
  if (!(threshold > 0)) return 0.5;
  if (value >= threshold) return 0.5;
  return clamp01(Number((0.5 + (0.5 * (threshold - Math.max(0, value))) / threshold).toFixed(4)));
}

/** Score for a yes/no violation that grows with how many times it happened: 1 → 0.6, 5+ → ~1. */
export function scoreCount(n: number, base = 0.6): number {
  const k = Math.max(1, Number(n) || 1);
  return clamp01(Number((1 - (1 - base) / Math.sqrt(k)).toFixed(4)));
}

/** Clamp a score into [lo, 1], rounded to 3 decimals. */
export function clampScore(x: number, lo = 0.3): number {
  return Math.round(Math.min(1, Math.max(lo, x)) * 1000) / 1000;
}
