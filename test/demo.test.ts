import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../src/cli/demo.ts';
import { RULES } from '../src/screening/rules/index.ts';

describe('zhili demo (the main job)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhili-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { dir: join(dir, 'demo'), scale: 0.02, seed: 7, db: join(dir, 'zhili.duckdb'), examples: 3, serve: false };

  it('generates, imports and screens the demo province, then changes nothing on a second run', async () => {
    let first = '';
    await runDemo(opts, (s) => (first += s));
    expect(first).toContain('① 生成演示省份数据');
    expect(first).toMatch(/合计\s+19 个文件/);
    for (const r of RULES) expect(first).toContain(r.id);
    expect(first).not.toMatch(/\| 跳过|\| 失败/);
    const total = Number(/共 (\d+) 条线索（本次新增 (\d+) 条）/.exec(first)?.[1]);
    expect(total).toBeGreaterThanOrEqual(5 * RULES.length);
    expect(first).toMatch(/线索示例：\n {2}\[TR-/);
    // Summaries mask identity numbers.
    expect(first).not.toMatch(/\d{17}[\dX]/);

    let second = '';
    await runDemo(opts, (s) => (second += s));
    expect(second).toContain('演示数据已存在');
    expect(second).toContain(`共 ${total} 条线索（本次新增 0 条）`);
  });
});
