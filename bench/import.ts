/**
 * Import benchmark: rows/s per entity and overall for `zhili import` into DuckDB, next to
 * DuckDB's own `read_csv` of the same files into a table of a DuckDB file (the physical
 * limit of this engine for loading a store), and peak RSS. Target: import ≥ 50 % of read_csv throughput, validation on.
 *
 * Run alone: `npx tsx bench/import.ts DATASET_DIR [DB_FILE]`.
 */
import { existsSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { listDatasetFiles } from '../src/dataset/files.ts';
import { importDataset } from '../src/importer/import.ts';
import { openStore } from '../src/store/index.ts';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Acc {
  rows: number;
  ms: number;
}

function add(m: Map<string, Acc>, k: string, rows: number, ms: number): void {
  const a = m.get(k) ?? { rows: 0, ms: 0 };
  a.rows += rows;
  a.ms += ms;
  m.set(k, a);
}

const rate = (a: Acc | undefined) => (a && a.ms > 0 ? Math.round((a.rows / a.ms) * 1000) : 0);

/**
 * Import `dir` into a fresh DuckDB file `db` (deleted first) and print the comparison.
 * Only CSV/.csv.gz/Parquet files have a read_csv/read_parquet reference; XLSX is left out
 * of the reference column.
 */
export async function benchImport(opts: { dir: string; db: string }): Promise<void> {
  const files = listDatasetFiles(opts.dir);

  // Reference: DuckDB's own reader into a table of a DuckDB file (what the store is),
  // types auto-detected, nothing validated.
  const ref = new Map<string, Acc>();
  const refFile = `${opts.db}.ref.duckdb`;
  for (const suffix of ['', '.wal']) if (existsSync(refFile + suffix)) rmSync(refFile + suffix);
  const inst = await DuckDBInstance.create(refFile);
  const conn = await inst.connect();
  for (const f of files) {
    if (f.kind === 'xlsx') continue;
    const src = f.kind === 'parquet' ? `read_parquet(${lit(f.path)})` : `read_csv(${lit(f.path)})`;
    const t = performance.now();
    await conn.run(`CREATE OR REPLACE TABLE ref AS SELECT * FROM ${src}`);
    const ms = performance.now() - t;
    const r = await conn.runAndReadAll('SELECT count(*) AS n FROM ref');
    add(ref, f.entity!.name, Number((r.getRowObjectsJson()[0] as { n: string }).n), ms);
    await conn.run('DROP TABLE ref');
  }
  conn.closeSync();
  inst.closeSync();
  for (const suffix of ['', '.wal']) if (existsSync(refFile + suffix)) rmSync(refFile + suffix);

  // zhili import, timed per file through the progress callback.
  for (const suffix of ['', '.wal']) if (existsSync(opts.db + suffix)) rmSync(opts.db + suffix);
  const db = await openStore({ db: opts.db });
  const imp = new Map<string, Acc>();
  const entityOf = new Map<string, string>();
  let last = performance.now();
  const t0 = last;
  const report = await importDataset(db, opts.dir, {
    onProgress: ({ file, rows }) => {
      const now = performance.now();
      entityOf.set(file, file);
      const e = files.find((f) => f.name === file)?.entity?.name ?? file.split('#')[1] ?? file;
      add(imp, e, rows, now - last);
      last = now;
    },
  });
  const totalMs = performance.now() - t0;
  await db.close();

  const entities = [...new Set([...ref.keys(), ...imp.keys()])];
  const rows: string[][] = [['实体', '行数', 'import 行/秒', 'read_csv 行/秒', '比例']];
  let refAll: Acc = { rows: 0, ms: 0 };
  let impAll: Acc = { rows: 0, ms: 0 };
  for (const e of entities) {
    const i = imp.get(e);
    const r = ref.get(e);
    if (r) refAll = { rows: refAll.rows + r.rows, ms: refAll.ms + r.ms };
    if (i) impAll = { rows: impAll.rows + i.rows, ms: impAll.ms + i.ms };
    rows.push([e, String(i?.rows ?? r?.rows ?? 0), String(rate(i)), String(rate(r)), r && i ? `${Math.round((rate(i) / rate(r)) * 100)}%` : '-']);
  }
  const overallImp = { rows: impAll.rows, ms: totalMs };
  rows.push(['合计', String(overallImp.rows), String(rate(overallImp)), String(rate(refAll)), `${Math.round((rate(overallImp) / Math.max(1, rate(refAll))) * 100)}%`]);
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((v, c) => (c === 0 ? v.padEnd(w[c]!) : v.padStart(w[c]!))).join('  '));
  const q = report.files.reduce((n, f) => n + f.quarantined, 0);
  console.log(`隔离 ${q} 行；合计耗时 ${(totalMs / 1000).toFixed(1)} 秒（含人员补建）；峰值内存 RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, db = 'scratch/bench-import.duckdb'] = process.argv.slice(2);
  if (!dir) {
    console.error('用法：npx tsx bench/import.ts 数据集目录 [数据库文件]');
    process.exit(2);
  }
  await benchImport({ dir, db });
}
