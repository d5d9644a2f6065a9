/**
 * `zhili deadlines run [--db FILE | --database-url URL]` (WORKFLOW.md "Time"): the same deadline
 * check the server runs at start and periodically, for cron. Prints what changed.
 */
import type { Command } from 'commander';

/** Register `zhili deadlines`. */
export function registerDeadlines(program: Command): void {
  const d = program.command('deadlines').description('期限检查 / deadline checks');
  d.command('run')
    .description('检查整改期限：逾期未验收的案件转为逾期并建议升级措施 / turn cases past their rectification deadline overdue and propose the next measure')
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb）/ DuckDB store file')
    .option('--database-url <url>', 'PostgreSQL 连接串（优先于 --db）/ PostgreSQL URL')
    .action(async (o: { db?: string; databaseUrl?: string }) => {
      const [{ runDeadlines }, { MEASURES }, { localTimestamp }, { openStore }] = await Promise.all([
        import('../cases/deadlines.ts'),
        import('../cases/model.ts'),
        import('../clock.ts'),
        import('../store/index.ts'),
      ]);
      const db = await openStore({ db: o.db, databaseUrl: o.databaseUrl });
      try {
        const r = await runDeadlines(db);
        process.stdout.write(`期限检查（${localTimestamp()}）：${r.overdue.length} 个案件逾期，建议升级措施 ${r.proposed.length} 项 / ${r.overdue.length} overdue, ${r.proposed.length} proposed\n`);
        for (const c of r.overdue) process.stdout.write(`  逾期 ${c}\n`);
        for (const p of r.proposed) process.stdout.write(`  待审批 ${p.case_id} ${MEASURES[p.type].zh}（${p.measure_id}）\n`);
      } finally {
        await db.close();
      }
    });
}
