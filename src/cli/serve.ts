/**
 * `zhili serve [--db FILE | --database-url URL] [--host 127.0.0.1] [--port 8080]` (API.md "Server").
 */
import type { Command } from 'commander';
import { zerr } from '../errors.ts';

/** Register `zhili serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('启动服务：接口 /api、控制台 /、接口文档 /docs / serve the API, the console and the OpenAPI docs')
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb）/ DuckDB store file')
    .option('--database-url <url>', 'PostgreSQL 连接串（优先于 --db；也可用环境变量 DATABASE_URL）/ PostgreSQL URL')
    .option('--host <host>', '监听地址 / listen address', '127.0.0.1')
    .option('--port <port>', '端口（0 = 任选）/ port (0 = any free port)', '8080')
    .action(async (o: { db?: string; databaseUrl?: string; host: string; port: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw zerr('serve.port', `端口无效：${o.port}`, `invalid port: ${o.port}`);
      // Loaded on demand so `zhili --help` and the other commands start without them.
      const [{ runDeadlines }, { startServer }, { openStore }, { runDirectiveDeadlines }] = await Promise.all([
        import('../cases/deadlines.ts'),
        import('../server/serve.ts'),
        import('../store/index.ts'),
        import('../platforms/directives.ts'),
      ]);
      const db = await openStore({ db: o.db, databaseUrl: o.databaseUrl });
      const s = await startServer({ db, host: o.host, port, logger: true, handleSignals: true, scheduled: [() => runDeadlines(db), () => runDirectiveDeadlines(db)] });
      process.stdout.write(`zhili 服务已启动 / listening: ${s.url}  （接口文档 ${s.url}/docs）\n`);
    });
}
