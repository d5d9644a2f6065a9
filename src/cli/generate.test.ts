import { describe, it, expect } from 'vitest';
import { Command } from 'commander';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGenerate } from './generate.ts';

describe('zhili generate', () => {
  it('writes the dataset, the answer key and the manifest for the given options', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'zhili-gen-')), 'prov');
    const program = new Command('zhili').exitOverride();
    registerGenerate(program);
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'zhili', 'generate', '--out', out, '--scale', '0.01', '--seed', '5', '--variant', 'messy']);
    } finally {
      process.stdout.write = write;
    }
    expect(existsSync(join(out, 'online_events.parquet'))).toBe(true);
    const manifest = JSON.parse(readFileSync(out + '.manifest.json', 'utf8'));
    expect(manifest).toMatchObject({ seed: 5, scale: 0.01, variant: 'messy' });
    expect(readFileSync(out + '.answers.jsonl', 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(190);
    expect(lines.join('')).toContain('埋点');
    expect(lines.join('')).not.toMatch(/\d{17}[\dXx]/); // no identity numbers on the console
  });

  it('rejects a bad variant, scale or seed with a Chinese message', async () => {
    for (const args of [['--variant', 'dirty'], ['--scale', '0'], ['--seed', 'x']]) {
      const program = new Command('zhili').exitOverride();
      registerGenerate(program);
      await expect(program.parseAsync(['node', 'zhili', 'generate', '--out', join(tmpdir(), 'never'), ...args])).rejects.toThrow(/[\u4e00-\u9fff]/);
    }
  });
});
