/**
 * `zhili audit verify [--db FILE | --database-url URL]` (API.md "Audit"): `ok N entries`, exit 0;
 * or the first bad entry, exit 1.
 */
import type { Command } from 'commander';

/** Register `zhili audit`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('审计日志 / audit log');
  audit
    .command('verify')
    .description('校验审计日志哈希链 / verify the audit log hash chain')
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb）/ DuckDB store file')
    .option('--database-url <url>', 'PostgreSQL 连接串（优先于 --db）/ PostgreSQL URL')
    .action(async (o: { db?: string; databaseUrl?: string }) => {
      const [{ verifyAudit }, { openStore }] = await Promise.all([import('../audit/index.ts'), import('../store/index.ts')]);
      const db = await openStore({ db: o.db, databaseUrl: o.databaseUrl });
      try {
        const r = await verifyAudit(db);
        if (r.ok) {
          process.stdout.write(`ok ${r.entries} entries\n`);
          return;
        }
        process.stdout.write(`bad entry ${r.seq}: ${r.reason}（此前 ${r.entries} 条完好 / ${r.entries} good entries before it）\n`);
        process.exitCode = 1;
      } finally {
        await db.close();
      }
    });
}
