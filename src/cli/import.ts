/**
 * `zhili import DIR [--db FILE | --database-url URL] [--report FILE.json]`: load a dataset
 * into the store and print, per file, rows read / loaded / quarantined.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { zerr } from '../errors.ts';
import type { ImportReport } from '../importer/import.ts';

/** Display width of a string in a terminal (CJK characters take two columns). */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
const padStart = (s: string, n: number) => ' '.repeat(Math.max(0, n - width(s))) + s;

/** The printed summary: a table per file, totals, then the first quarantine reasons. */
export function formatImportSummary(r: ImportReport, maxReasons = 20): string {
  const head = ['文件', '实体', '读取', '载入', '隔离'];
  const rows = r.files.map((f) => [f.file, f.entity, String(f.read), String(f.loaded), String(f.quarantined)]);
  const sum = (k: 'read' | 'loaded' | 'quarantined') => String(r.files.reduce((n, f) => n + f[k], 0));
  const total = ['合计', `${r.files.length} 个文件`, sum('read'), sum('loaded'), sum('quarantined')];
  const all = [head, ...rows, total];
  const w = head.map((_, c) => Math.max(...all.map((row) => width(row[c]!))));
  const line = (row: string[]) => row.map((v, c) => (c < 2 ? padEnd(v, w[c]!) : padStart(v, w[c]!))).join('  ');
  const out = [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line), w.map((n) => '-'.repeat(n)).join('  '), line(total)];
  const extras = r.files.filter((f) => f.extraColumns.length);
  if (extras.length) {
    out.push('', '未知列（已随行保留在 extra 中）：');
    for (const f of extras) out.push(`  ${f.file}：${f.extraColumns.join('、')}`);
  }
  if (r.alreadyImported?.length) {
    out.push('', `其中 ${r.alreadyImported.length} 个文件此前已以相同内容导入，本次跳过，数据库未改变（表中为当时的计数）。`);
  }
  if (r.refused?.length) {
    out.push('', '未读取的文件：');
    for (const f of r.refused) out.push(`  ${f.file}：${f.reason}`);
  }
  if (r.createdPersons) out.push('', `被引用但人员表中没有的人员：已按证件号补建 ${r.createdPersons} 人`);
  if (r.quarantine.length) {
    const total = r.files.reduce((n, f) => n + f.quarantined, 0);
    out.push('', `隔离原因（前 ${Math.min(maxReasons, r.quarantine.length)} 条，共 ${total} 行；每个文件保留前 ${r.quarantineDetailLimit} 行明细，按原因计数见报告 quarantineCounts）：`);
    for (const q of r.quarantine.slice(0, maxReasons)) {
      out.push(`  ${q.file} 第 ${q.line ?? '?'} 行${q.column ? ` 「${q.column}」` : ''}：${q.reason}`);
    }
  }
  return out.join('\n');
}

/** Register the `import` command on the zhili program. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description('导入数据集目录（CSV、.csv.gz、XLSX、Parquet）到数据库，无法载入的行隔离并说明原因 / import a dataset directory; rows that cannot be loaded are quarantined with file, line, column and reason')
    .argument('<dir>', '数据集目录 / dataset directory')
    .option('--db <file>', 'DuckDB 数据库文件（默认 .zhili/zhili.duckdb，首次使用时创建）/ DuckDB store file, created on first use')
    .option('--database-url <url>', 'PostgreSQL 连接串（给出时使用 PostgreSQL；也可用环境变量 DATABASE_URL）/ PostgreSQL URL')
    .option('--report <file>', '把导入报告写成 JSON 文件 / write the import report as JSON')
    .action(async (dir: string, opts: { db?: string; databaseUrl?: string; report?: string }) => {
      if (opts.db && opts.databaseUrl) {
        throw zerr('cli.conflicting_options', '--db 与 --database-url 只能给出一个', 'give either --db or --database-url, not both');
      }
      // Loaded on demand so `zhili --help` and the other commands start without them.
      const [{ default: cliProgress }, { listDatasetFiles }, { importDataset }, { openStore }, { checkWritableFile }] = await Promise.all([
        import('cli-progress'),
        import('../dataset/files.ts'),
        import('../importer/import.ts'),
        import('../store/index.ts'),
        import('../screening/output.ts'),
      ]);
      // Directory problems first: they need no database. The bar advances by bytes, so
      // that a big file weighs what it costs; it shows rows and rows/s of the files done.
      const sizes = new Map(listDatasetFiles(dir).map((f) => [f.name, f.size]));
      // An unwritable --report must fail now, not after the whole import.
      if (opts.report) checkWritableFile(opts.report, '导入报告文件');
      const total = [...sizes.values()].reduce((a, b) => a + b, 0);
      const db = await openStore({ db: opts.db, databaseUrl: opts.databaseUrl });
      const tty = process.stderr.isTTY === true;
      const bar = tty
        ? new cliProgress.SingleBar(
            { format: '导入 {bar} {percentage}% | {rows} 行 | {rate} 行/秒 | 已完成 {file}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
            cliProgress.Presets.shades_classic,
          )
        : null;
      const t0 = Date.now();
      let rows = 0;
      let bytes = 0;
      try {
        if (bar) bar.start(total, 0, { rows: 0, rate: 0, file: '' });
        const report = await importDataset(db, dir, {
          onProgress: ({ file, rows: n }) => {
            rows += n;
            const book = file.split('#')[0]!;
            bytes += sizes.get(book) ?? 0;
            sizes.delete(book); // a workbook's sheets count its bytes once
            if (bar) {
              const secs = Math.max(0.001, (Date.now() - t0) / 1000);
              bar.update(Math.min(bytes, total), { rows, rate: Math.round(rows / secs), file });
            }
          },
        });
        bar?.stop();
        if (opts.report) {
          // The report names files and lines of personal data: readable by its owner only.
          writeFileSync(opts.report, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
          chmodSync(opts.report, 0o600);
        }
        console.log(formatImportSummary(report));
        console.log(`\n数据库：${db.location}；用时 ${((Date.now() - t0) / 1000).toFixed(1)} 秒`);
      } finally {
        bar?.stop();
        await db.close();
      }
    });
}
