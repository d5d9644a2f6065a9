/**
 * `npm run bench [-- import|screen|text|cli|server|verify|all] [--scale S] [--seed N] [--mb M] [--runs N] [--seconds S]`
 *
 *   import (default)  generate (or reuse) a province at --scale (default 10), import it into a
 *                     fresh DuckDB file, rows/s per entity and overall next to DuckDB's own
 *                     read_csv of the same files, peak RSS.
 *   screen            full screening of scale 10 and 50 provinces in DuckDB, then scale 1 on
 *                     DuckDB and PostgreSQL with the ratio (--scale S: that scale only; PostgreSQL from
 *                     BENCH_PG_URL, default the local server, database zhili_bench, created if missing).
 *   text              prohibited-wording scanner MB/s on ≥ --mb MB (default 50) of advert text
 *                     vs mint-filter and modern-ahocorasick.
 *   cli               CLI start-up: `zhili --help`, `--version`, `scan TEXT` spawned --runs times
 *                     (default 15), median / p90 of wall and CPU time; not part of `all`.
 *   server            clue inbox and case page p50/p99 with 200k clues and 20k cases, then 20
 *                     concurrent inspectors for --seconds (default 60): requests/s, p99, errors,
 *                     lost updates; DuckDB and PostgreSQL; not part of `all`.
 *   verify            public certificate verification next to /api/health on the same server,
 *                     50 concurrent connections for --seconds each: requests/s, p99; DuckDB and
 *                     PostgreSQL; not part of `all`.
 *
 * Datasets (bench-out/data/scale-S) and stores (bench-out/scale-S.duckdb) live in bench-out/
 * (git-ignored) and are reused between runs; delete them to start over.
 */
import { env } from '../src/config/env.ts';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { generate } from '../src/synth/generate.ts';
import { benchCli } from './cli.ts';
import { benchImport } from './import.ts';
import { benchScreen } from './screen.ts';
import { benchServer } from './server.ts';
import { benchVerify } from './verify.ts';
import { benchText } from './text.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { scale: { type: 'string' }, seed: { type: 'string', default: '1' }, mb: { type: 'string', default: '50' }, runs: { type: 'string', default: '15' }, seconds: { type: 'string', default: '60' } },
});
const what = positionals[0] ?? 'import';
const OUT = 'bench-out';

/** The dataset directory for a scale, generated on first use (clean variant, fixed seed). */
async function datasetAt(scale: number): Promise<string> {
  const dir = join(OUT, 'data', `scale-${scale}`);
  if (!existsSync(`${dir}.answers.jsonl`)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(OUT, 'data'), { recursive: true });
    const t = performance.now();
    console.log(`生成 scale ${scale} 数据集 → ${dir} …`);
    await generate({ out: dir, scale, seed: Number(values.seed), variant: 'clean' });
    console.log(`  生成用时 ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return dir;
}

const storeAt = (scale: number) => join(OUT, `scale-${scale}.duckdb`);

/** A DuckDB store holding the dataset of a scale, imported on first use. */
async function importedAt(scale: number): Promise<string> {
  const db = storeAt(scale);
  if (!existsSync(db)) await benchImport({ dir: await datasetAt(scale), db });
  return db;
}

/** The benchmark's PostgreSQL database (created if missing). */
async function pgBenchUrl(): Promise<string> {
  const url = env().BENCH_PG_URL;
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
  return url;
}

if (what === 'import' || what === 'all') {
  const scale = Number(values.scale ?? 10);
  const dir = await datasetAt(scale);
  await benchImport({ dir, db: storeAt(scale) });
}
if (what === 'screen' || what === 'all') {
  const scales = values.scale ? [Number(values.scale)] : [10, 50, 1];
  for (const s of scales) {
    if (s === 1) {
      console.log('\n== 筛查 scale 1: DuckDB vs PostgreSQL ==');
      await benchScreen({ db: await importedAt(1), pgUrl: await pgBenchUrl(), pgDataset: await datasetAt(1) });
    } else {
      console.log(`\n== 筛查 scale ${s} (DuckDB) ==`);
      await benchScreen({ db: await importedAt(s) });
    }
  }
}
if (what === 'text' || what === 'all') {
  await benchText({ mb: Number(values.mb) });
}
if (what === 'cli') {
  await benchCli({ runs: Number(values.runs) });
}
if (what === 'server') {
  await benchServer({ seconds: Number(values.seconds) });
}
if (what === 'verify') {
  await benchVerify({ seconds: Number(values.seconds) });
}
if (!['import', 'screen', 'text', 'cli', 'server', 'verify', 'all'].includes(what)) {
  console.error(`未知的基准 / unknown benchmark: ${what}（import | screen | text | cli | server | verify | all）`);
  process.exitCode = 1;
}
