import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodePointAC } from './ac.ts';
import { normalize, normalizeTerm } from './normalize.ts';

describe('normalize', () => {
  it('folds width, case, traditional forms, Kangxi radicals, compatibility ideographs and variants', () => {
    expect(normalize('ＢＧ職業資格').text).toBe('bg职业资格');
    expect(normalize('⼈⼒').text).toBe('人力'); // Kangxi radicals U+2F08, U+2F12
    expect(normalize('\uF900').text).toBe('岂'); // CJK compatibility ideograph 豈 → 豈 → 岂
    expect(normalize('囯圀').text).toBe('国国');
    expect(normalize('⻔').text).toBe('门'); // CJK radicals supplement, untouched by NFKC
    expect(normalize('Ⓑⓖ').text).toBe('bg'); // circled letters
  });

  it('keeps Chinese numerals as characters and drops noise from the content', () => {
    expect(normalize('一二三 四').text).toBe('一二三四');
    expect(normalize('包\u3000\u200b\u00a0-🔥\ufe0f\u0336过').text).toBe('包过');
  });

  it('labels how each character was changed', () => {
    const u = normalize('國Ａ囯a').units;
    expect(u.map((x) => x.via)).toEqual([['traditional'], ['width'], ['variant'], []]);
  });

  it('maps expansions back to their one original character', () => {
    const { text, units } = normalize('x㍿y');
    expect(text).toBe('x株式会社y');
    expect(units.slice(1, 5).every((u) => u.start === 1 && u.end === 2)).toBe(true);
  });

  it('property: every unit spans a non-empty, increasing slice of the original, astral characters whole', () => {
    const chars = fc.constantFrom('包', '過', 'Ａ', 'b', ' ', '\u200b', '😀', '𠀀', '㍿', '。', '\n', '⼈', '１');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 40 }), (arr) => {
        const s = arr.join('');
        const { units } = normalize(s);
        let prev = { start: -1, end: 0 };
        for (const u of units) {
          // One original code point per unit (surrogate pairs whole); expansions repeat a span.
          expect([...s.slice(u.start, u.end)]).toHaveLength(1);
          if (!(u.start === prev.start && u.end === prev.end)) expect(u.start).toBeGreaterThanOrEqual(prev.end);
          prev = u;
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('normalises lexicon terms the same way as texts', () => {
    expect(String.fromCodePoint(...normalizeTerm('職業 資格'))).toBe('职业资格');
  });
});

describe('CodePointAC', () => {
  it('reports every pattern ending at a position, including ones that end where a longer one ends', () => {
    const pats = ['职业资格', '资格', '业资', '格'].map((p) => [...p].map((c) => c.codePointAt(0)!));
    const ac = new CodePointAC(pats);
    const found: [number, number][] = [];
    let s = 0;
    [...'国家职业资格证'].forEach((ch, i) => {
      s = ac.step(s, ch.codePointAt(0)!);
      for (const id of ac.out[s] ?? []) found.push([id, i]);
    });
    expect(found.sort()).toEqual([[0, 5], [1, 5], [2, 4], [3, 5]].sort());
  });
});
