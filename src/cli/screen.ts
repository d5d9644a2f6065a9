/**
 * `zhili screen`: run the rule catalog over the store, store the clues, optionally write them
 * to a file, and print one line per rule (clues, time, skipped reason).
 */
import type { Command } from 'commander';
import type { ScreeningReport } from '../screening/engine.ts';

/** Display width of a string in a terminal: CJK and full-width characters take two columns. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      c >= 0x20000
        ? 2
        : 1;
  }
  return w;
}

const pad = (s: string, w: number, right = false) => {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
};

const STATUS_ZH: Record<string, string> = { ran: '完成', skipped: '跳过', disabled: '停用', failed: '失败' };

/** The per-rule table: 规则 | 名称 | 线索数 | 用时 | 状态/跳过原因. */
export function formatReportTable(report: ScreeningReport): string {
  const head = ['规则', '名称', '线索数', '用时', '状态/跳过原因'];
  const rows = report.rules.map((r) => [
    r.id,
    r.title,
    r.status === 'ran' ? String(r.clues) : '—',
    r.status === 'ran' || r.status === 'failed' ? `${(r.ms / 1000).toFixed(2)} s` : '—',
    r.reason ? `${STATUS_ZH[r.status]}：${r.reason}` : STATUS_ZH[r.status]!,
  ]);
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]!))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!, i === 2 || i === 3)))
      .join(' | ')
      .trimEnd();
  return [line(head), widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 20) : w)).join('-|-'), ...rows.map(line)].join('\n');
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Register `zhili screen` on the program. */
export function registerScreen(program: Command): void {
  const SET_HELP = (examples: string) => `覆盖规则参数或启停（可重复${examples}）/ override a setting`;
  // The rule catalog loads on demand; its --set examples are filled in when `screen` is about to
  // parse (run or show its help), so `zhili --help` and the other commands start without it.
  program.hook('preSubcommand', async (_program, sub) => {
    if (sub.name() !== 'screen') return;
    const [{ RULES }, { settingExamples }] = await Promise.all([import('../screening/rules/index.ts'), import('../config/settings.ts')]);
    const set = sub.options.find((opt) => opt.long === '--set');
    if (set) set.description = SET_HELP(`，如 ${settingExamples(RULES).set.join('、')}`);
  });
  program
    .command('screen')
    .description('运行筛查规则，保存线索并输出 / run the screening rules, store the clues, write them out')
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb）/ DuckDB store file')
    .option('--database-url <url>', 'PostgreSQL 连接串（优先于 --db；也可用环境变量 DATABASE_URL）/ PostgreSQL URL')
    .option('--out <file>', '线索输出文件：.jsonl、.csv 或 .xlsx / write clues to FILE.jsonl|.csv|.xlsx')
    .option('--rules <list>', '只运行这些规则（编号或通配符，逗号分隔，如 TR-*,EV-PASS-RATE）/ rule ids or globs', collect)
    .option('--set <rule.param=value>', SET_HELP(''), collect)
    .option('--settings <file>', '设置文件（JSON，默认 zhili.settings.json）/ settings file')
    .action(async (o: { db?: string; databaseUrl?: string; out?: string; rules?: string[]; set?: string[]; settings?: string }) => {
      // Loaded on demand so `zhili --help` and the other commands start without them.
      const [{ default: cliProgress }, { RULES }, { loadSettings }, { runScreening, selectRules, resolveSettings }, { checkOutFile, writeClues }, { openStore }] = await Promise.all([
        import('cli-progress'),
        import('../screening/rules/index.ts'),
        import('../config/settings.ts'),
        import('../screening/engine.ts'),
        import('../screening/output.ts'),
        import('../store/index.ts'),
      ]);
      // Fail fast, before opening the store: settings and rule selection are checked first.
      const settings = resolveSettings(RULES, { settings: loadSettings(RULES, o.settings), set: o.set });
      selectRules(RULES, o.rules);
      if (o.out) checkOutFile(o.out);
      const db = await openStore({ db: o.db, databaseUrl: o.databaseUrl });
      const tty = Boolean(process.stderr.isTTY);
      const bar = tty
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: '筛查 [{bar}] {value}/{total} {rule}', hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let report: ScreeningReport;
      try {
        let started = false;
        report = await runScreening(db, {
          rules: o.rules,
          settings,
          onRule: (id, i, n) => {
            if (!bar) return;
            if (!started) {
              bar.start(n, 0, { rule: id });
              started = true;
            }
            bar.update(i, { rule: id });
          },
        });
        if (bar && started) {
          bar.update(report.rules.length, { rule: '' });
          bar.stop();
        }
      } finally {
        bar?.stop();
        await db.close();
      }
      if (o.out) await writeClues(report.findings, o.out, RULES);
      process.stdout.write(`${formatReportTable(report)}\n\n`);
      const n = (s: string) => report.rules.filter((r) => r.status === s).length;
      process.stdout.write(
        `筛查批次 ${report.runId}：运行 ${n('ran')} 条规则，跳过 ${n('skipped')} 条，停用 ${n('disabled')} 条${n('failed') ? `，失败 ${n('failed')} 条` : ''}；` +
          `线索 ${report.findings.length} 条（新增 ${report.newClues}，失效 ${report.deactivated}），用时 ${(report.ms / 1000).toFixed(1)} s` +
          `${o.out ? `；已写入 ${o.out}` : ''}\n`,
      );
      if (n('failed')) process.exitCode = 1;
    });
}
