/**
 * `zhili demo` — the main job on the embedded default: generate a demo province with planted
 * fraud, import it into the DuckDB store, print the import report, screen it and print the
 * clue counts per rule with a few example summaries. Deterministic: running it again changes
 * nothing (the same files are recognised by their hash, the same clues keep their identity).
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { zerr } from '../errors.ts';
import { formatImportSummary } from './import.ts';
import { formatReportTable } from './screen.ts';

/** Same as DEFAULT_DB_FILE of src/store/index.ts (not imported: the store loads the database drivers). */
const DEMO_DB_FILE = '.zhili/zhili.duckdb';

export interface DemoOptions {
  dir: string;
  scale: number;
  seed: number;
  db: string;
  examples: number;
  /** After screening, create the demo accounts and serve the console (the CLI's default; `--no-serve`). */
  serve?: boolean;
  host?: string;
  port?: number;
}

/** Run the demo and return what it printed (also written to stdout as it goes). */
export async function runDemo(o: DemoOptions, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  // Loaded on demand so `zhili --help` and the other commands start without them.
  const [{ generate }, { openStore }, { importDataset }, { runScreening }, { createDemoUsers }, { startServer }, { runDeadlines }, { runDirectiveDeadlines }] = await Promise.all([
    import('../synth/generate.ts'),
    import('../store/index.ts'),
    import('../importer/import.ts'),
    import('../screening/engine.ts'),
    import('../auth/demo.ts'),
    import('../server/serve.ts'),
    import('../cases/deadlines.ts'),
    import('../platforms/directives.ts'),
  ]);
  const { ROLE_ZH } = await import('../auth/actor.ts');
  const answers = `${o.dir.replace(/[\\/]+$/, '')}.answers.jsonl`;
  if (!existsSync(answers)) {
    out(`① 生成演示省份数据（规模 ${o.scale}，种子 ${o.seed}）→ ${o.dir}\n`);
    const g = await generate({ out: o.dir, scale: o.scale, seed: o.seed, variant: 'clean' });
    out(`   ${g.files} 个文件，${(g.bytes / 1048576).toFixed(1)} MB，埋点 ${g.planted} 条（答案 ${g.answers}）\n\n`);
  } else {
    out(`① 演示数据已存在：${o.dir}（删除该目录可重新生成）\n\n`);
  }
  const db = await openStore({ db: o.db });
  let serving = false;
  try {
    out(`② 导入 → ${o.db}\n`);
    const report = await importDataset(db, o.dir);
    out(`${formatImportSummary(report)}\n\n`);

    out('③ 大数据筛查\n');
    const s = await runScreening(db, {});
    out(`${formatReportTable(s)}\n`);
    const total = s.findings.length;
    out(`\n共 ${total} 条线索（本次新增 ${s.newClues} 条），用时 ${(s.ms / 1000).toFixed(1)} 秒。\n`);
    if (o.examples > 0 && total) {
      out('\n线索示例：\n');
      const seen = new Set<string>();
      for (const f of s.findings) {
        const family = f.rule.split('-')[0]!;
        if (seen.has(family)) continue;
        seen.add(family);
        out(`  [${f.rule}] ${f.summary}\n`);
        if (seen.size >= o.examples) break;
      }
    }
    out(`\n下一步：npx zhili screen --out clues.xlsx 导出线索；npx zhili scan "全国通用职业资格证书 包过" 试用违规用语扫描。\n`);
    if (o.serve) {
      const accounts = await createDemoUsers(db);
      // The server owns the store from here and closes it on SIGTERM/SIGINT.
      const s = await startServer({ db, host: o.host ?? '127.0.0.1', port: o.port ?? 8080, handleSignals: true, scheduled: [() => runDeadlines(db), () => runDirectiveDeadlines(db)] });
      serving = true;
      out(`\n④ 控制台已启动：${s.url}/ （接口文档 ${s.url}/docs；Ctrl+C 停止）\n演示账号（密码只显示这一次）：\n`);
      for (const a of accounts) out(`  ${a.username.padEnd(16)} ${a.password}  ${ROLE_ZH[a.role]}，区域 ${a.region_code}${a.platform ? `，平台 ${a.platform}` : ''}\n`);
    }
  } finally {
    if (!serving) await db.close();
  }
}

/** Register `zhili demo` on the program. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('演示主流程：生成演示省份 → 导入 → 筛查 → 启动服务（演示账号） / the main job: generate a demo province, import it, screen it, serve it with demo accounts')
    .option('--dir <dir>', '演示数据目录 / demo dataset directory', '.zhili/demo')
    .option('--scale <s>', '规模（1 ≈ 300 个机构、2 万人）/ scale', '0.1')
    .option('--seed <n>', '随机种子 / seed', '2023')
    .option('--db <file>', 'DuckDB 数据库文件 / DuckDB store file', DEMO_DB_FILE)
    .option('--examples <n>', '示例线索条数 / example clues to print', '4')
    .option('--no-serve', '筛查后不启动服务 / do not start the server after screening')
    .option('--port <port>', '服务端口 / server port', '8080')
    .action(async (o: { dir: string; scale: string; seed: string; db: string; examples: string; serve: boolean; port: string }) => {
      const scale = Number(o.scale);
      if (!(scale > 0)) throw zerr('demo.scale', `规模无效：${o.scale}`, `invalid scale: ${o.scale}`);
      await runDemo({ dir: o.dir, scale, seed: Number(o.seed), db: o.db, examples: Number(o.examples), serve: o.serve, port: Number(o.port) });
    });
}
