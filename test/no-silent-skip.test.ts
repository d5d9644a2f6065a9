/**
 * CI guard: no test in src/ or test/ skips silently. Every conditional skip goes through
 * requireOrSkip (test/prereq.ts), which fails under CI; unconditional skips, `.todo` and
 * `.only` are not allowed at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireOrSkip } from './prereq.ts';

const ROOT = new URL('..', import.meta.url).pathname;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(p));
    else if (/\.test\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('no silent skips', () => {
  it('requireOrSkip runs when the prerequisite holds, skips locally, throws under CI', () => {
    expect(requireOrSkip(true, 'x', true)).toBe(false);
    expect(requireOrSkip(false, 'x', false)).toBe(true);
    expect(() => requireOrSkip(false, '参考文件 x', true)).toThrow(/参考文件 x/);
  });

  it('every skipIf/runIf in src/ and test/ goes through requireOrSkip; no .skip, .todo or .only', () => {
    const files = [...testFiles(join(ROOT, 'src')), ...testFiles(join(ROOT, 'test'))];
    expect(files.length).toBeGreaterThan(20);
    const bad: string[] = [];
    for (const f of files) {
      if (f.endsWith('no-silent-skip.test.ts')) continue;
      readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
        const where = `${relative(ROOT, f)}:${i + 1}: ${line.trim()}`;
        if (/\b(it|test|describe|suite)\.(skip|todo|only)\b/.test(line)) bad.push(where);
        if (/\.(skipIf|runIf)\(/.test(line) && !/\.skipIf\(requireOrSkip\(/.test(line)) bad.push(where);
        if (/\b(ctx|context|t)\.skip\(/.test(line)) bad.push(where);
      });
    }
    expect(bad).toEqual([]);
  });
});
