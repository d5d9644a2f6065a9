import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DIST_DIR, distIsFresh, newestSource } from '../bin/dist.mjs';
import { DEFAULT_DB_FILE } from '../src/store/index.ts';
import { registerDemo } from '../src/cli/demo.ts';
import { Command } from 'commander';
import { ROOT, zhili } from './cli-bin.ts';

describe('zhili start-up', () => {
  it('rejects an invalid environment variable with one line and exit 1 before the command runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-env-'));
    for (const [name, value] of [
      ['ZHILI_LOG_LEVEL', 'loud'],
      ['ZHILI_NOW', 'tomorrow'],
      ['DATABASE_URL', 'mysql://x'],
    ] as const) {
      // `generate` would write DIR if it ran.
      const r = await zhili(['generate', '--out', join(dir, name), '--scale', '0.01'], { [name]: value });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^错误 / error: 环境变量 ${name} 无效：.+ / invalid environment variable ${name}: .+`));
    }
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('prints help and the version; `help screen` shows the --set examples from the rule catalog', async () => {
    const help = await zhili(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['demo', 'generate', 'import', 'screen', 'scan']) expect(help.stdout).toContain(c);
    expect((await zhili(['--version'])).stdout.trim()).toBe('0.1.0');
    for (const args of [['help', 'screen'], ['screen', '--help']]) {
      const r = await zhili(args);
      expect(r.code).toBe(0);
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/--set <rule\.param=value> 覆盖规则参数或启停（可重复，如 TR-[A-Z-]+\.\w+=/);
    }
  });

  it('scans a text from the compiled bundle (lexicon files found at run time)', async () => {
    const r = await zhili(['scan', '--json', '全国通用职业资格证书 包过']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).hits.map((h: { term: string }) => h.term)).toContain('包过');
  });

  it('starts without loading any command module: the static import graph of dist/main.js holds only commander, env and errors', () => {
    if (!distIsFresh()) expect(spawnSync(process.execPath, ['bin/build.mjs'], { cwd: ROOT }).status).toBe(0);
    const meta = JSON.parse(readFileSync(join(DIST_DIR, 'meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }>;
    };
    const byName = new Map(Object.entries(meta.outputs).map(([k, v]) => [k.replace(/.*\//, ''), v]));
    const inputs = new Set<string>();
    const packages = new Set<string>();
    const seen = new Set<string>();
    const walk = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const out = byName.get(name)!;
      for (const i of Object.keys(out.inputs)) inputs.add(i);
      for (const imp of out.imports) {
        if (imp.kind !== 'import-statement') continue; // dynamic imports load on demand
        if (imp.external) packages.add(imp.path);
        else walk(imp.path.replace(/.*\//, ''));
      }
    };
    walk('main.js');
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
    const src = [...inputs].filter((i) => i.startsWith('src/')).sort();
    expect(src.filter((i) => !i.startsWith('src/cli/'))).toEqual(['src/config/env.ts', 'src/errors.ts']);
  });

  it("demo's default store file is the store's default (kept apart so that registering loads no driver)", () => {
    const program = new Command('zhili');
    registerDemo(program);
    const db = program.commands[0]!.options.find((o) => o.long === '--db')!;
    expect(db.defaultValue).toBe(DEFAULT_DB_FILE);
  });

  it('counts a source changed after the build as newer (bin/zhili.mjs then runs the sources)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-src-'));
    writeFileSync(join(dir, 'a.ts'), '');
    writeFileSync(join(dir, 'a.test.ts'), '');
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(dir, 'a.ts'), old, old);
    utimesSync(dir, old, old);
    const built = newestSource(dir);
    expect(built).toBe(old.getTime());
    const later = new Date('2021-01-01T00:00:00Z');
    utimesSync(join(dir, 'a.test.ts'), later, later); // tests are not part of the bundle
    expect(newestSource(dir)).toBe(built);
    utimesSync(join(dir, 'a.ts'), later, later);
    expect(newestSource(dir)).toBeGreaterThan(built);
  });
});
