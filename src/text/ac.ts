/**
 * A small Aho–Corasick automaton over code points.
 *
 * Why not the libraries (ARCHITECTURE.md stack notes, measured in bench/text.ts):
 *  - modern-ahocorasick matches grapheme clusters through Intl.Segmenter; that costs more per
 *    character than this whole scanner and goes superlinear past ~65k characters on Node 20;
 *  - mint-filter misses matches that end where a longer one ends (we need every output:
 *    a term, its context word and its allow-list name often end at the same character);
 *  - neither can be fed a normalised stream one code point at a time while noise is skipped,
 *    which is what keeps spans exact without building a second string.
 * The root's transitions are a dense table over the BMP (most characters of a text start
 * nothing); deeper states' transitions live in one open-addressing hash table keyed by
 * (state, code point) — with the occupation names the alphabet covers most common
 * characters, so the automaton is often off the root and a Map lookup per character cost
 * ~20 % of the scanner's throughput. All lexicon patterns are BMP after normalisation.
 */
export class CodePointAC {
  /** Next state from the root for each BMP code point (0 = stay at root). */
  readonly root = new Int32Array(0x10000);
  /** 1 when the code point occurs in some pattern: anything else sends the automaton home. */
  readonly alpha = new Uint8Array(0x10000);
  readonly next: Map<number, number>[] = [new Map()];
  fail: Int32Array = new Int32Array(1);
  /** Pattern ids that end in each state (own and through failure links), or null. */
  out: (Int32Array | null)[] = [null];
  /** Length of each pattern, in code points. */
  readonly lengths: number[] = [];
  /** Transition hash table (non-root states): state, code point, next state; state −1 = empty. */
  hState: Int32Array = new Int32Array(0);
  hCp: Int32Array = new Int32Array(0);
  hNext: Int32Array = new Int32Array(0);
  /** 32 − log2(table size): the hash's shift. */
  hShift = 32;

  /** Build from patterns given as code point arrays; pattern id = index in the array. */
  constructor(patterns: readonly (readonly number[])[]) {
    const own: number[][] = [[]];
    patterns.forEach((p, id) => {
      if (p.length === 0) throw new Error(`empty pattern #${id}`);
      let s = 0;
      for (const cp of p) {
        if (cp > 0xffff) throw new Error(`pattern #${id} has a non-BMP character`);
        this.alpha[cp] = 1;
        let t = this.next[s]!.get(cp);
        if (t === undefined) {
          t = this.next.length;
          this.next.push(new Map());
          own.push([]);
          this.next[s]!.set(cp, t);
        }
        s = t;
      }
      own[s]!.push(id);
      this.lengths[id] = p.length;
    });
    const n = this.next.length;
    this.fail = new Int32Array(n);
    this.out = new Array(n).fill(null);
    const queue: number[] = [];
    for (const [cp, t] of this.next[0]!) {
      this.root[cp] = t;
      queue.push(t);
    }
    let edges = 0;
    for (let s = 1; s < n; s++) edges += this.next[s]!.size;
    let bits = 4;
    while (1 << bits < edges * 2) bits++;
    const size = 1 << bits;
    this.hShift = 32 - bits;
    this.hState = new Int32Array(size).fill(-1);
    this.hCp = new Int32Array(size);
    this.hNext = new Int32Array(size);
    for (let s = 1; s < n; s++) {
      for (const [cp, t] of this.next[s]!) {
        let h = hashOf(s, cp, this.hShift);
        while (this.hState[h] !== -1) h = (h + 1) & (size - 1);
        this.hState[h] = s;
        this.hCp[h] = cp;
        this.hNext[h] = t;
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const outs = [...own[s]!, ...(this.out[this.fail[s]!] ?? [])];
      this.out[s] = outs.length ? Int32Array.from(outs) : null;
      for (const [cp, t] of this.next[s]!) {
        let f = this.fail[s]!;
        while (f !== 0 && !this.next[f]!.has(cp)) f = this.fail[f]!;
        const g = f === 0 ? this.root[cp]! : this.next[f]!.get(cp)!;
        this.fail[t] = g === t ? 0 : g;
        queue.push(t);
      }
    }
  }

  /** The state after reading `cp` in state `s` (the scanner inlines this loop). */
  step(s: number, cp: number): number {
    if (cp > 0xffff || this.alpha[cp] === 0) return 0;
    for (;;) {
      if (s === 0) return this.root[cp]!;
      const t = this.goto(s, cp);
      if (t !== 0) return t;
      s = this.fail[s]!;
    }
  }

  /** Transition of a non-root state, 0 when there is none. */
  goto(s: number, cp: number): number {
    const mask = this.hState.length - 1;
    for (let h = hashOf(s, cp, this.hShift); ; h = (h + 1) & mask) {
      const hs = this.hState[h]!;
      if (hs === -1) return 0;
      if (hs === s && this.hCp[h] === cp) return this.hNext[h]!;
    }
  }

  get stateCount(): number {
    return this.next.length;
  }
}

/** Slot of (state, code point) in the transition table. */
export function hashOf(s: number, cp: number, shift: number): number {
  return Math.imul(Math.imul(s, 0x9e3779b1) ^ cp, 0x85ebca6b) >>> shift;
}
