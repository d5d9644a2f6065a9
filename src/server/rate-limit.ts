/**
 * In-process per-address sliding-window rate limit (public certificate verification).
 * One process serves the API (docs/ARCHITECTURE.md), so a map is enough; no shared store.
 */

/** A limiter allowing `limit` hits per key within `windowMs`; `limit` 0 turns it off. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;
  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Record a hit for `key` at `at` (ms, monotonic); false when the key is over its limit. */
  hit(key: string, at: number = performance.now()): boolean {
    if (this.limit <= 0) return true;
    const from = at - this.windowMs;
    this.sweep(at);
    let list = this.hits.get(key);
    if (!list) this.hits.set(key, (list = []));
    while (list.length > 0 && list[0]! <= from) list.shift();
    if (list.length >= this.limit) return false;
    list.push(at);
    return true;
  }

  /** Drop keys with no hit inside the window, at most once a window, so the map stays small. */
  private sweep(at: number): void {
    if (at - this.lastSweep < this.windowMs) return;
    this.lastSweep = at;
    for (const [k, list] of this.hits) if (list.length === 0 || list[list.length - 1]! <= at - this.windowMs) this.hits.delete(k);
  }
}
