/**
 * `npm run bench [-- import|screen|text|all] [--scale S]`
 *
 *   import (default)  generate (or reuse) a province at --scale (default 10), import it into a
 *                     fresh DuckDB file, rows/s per entity and overall next to DuckDB's own
 *                     read_csv of the same files, peak RSS.
 *   screen            full screening of scale 10 and 50 provinces in DuckDB (or --scale S only),
 *                     and PostgreSQL at scale 1 with its ratio to DuckDB (needs DATABASE_URL or
 *                     the local server at 127.0.0.1:5432).
 *   text              prohibited-wording scanner MB/s on ≥ 50 MB of advert text vs baselines.
 *
 * Datasets and stores live in bench-out/ (git-ignored) and are reused between runs.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { scale: { type: 'string' }, seed: { type: 'string', default: '1' }, mb: { type: 'string', default: '50' } },
});
const what = positionals[0] ?? 'import';
const OUT = 'bench-out';
// TODO(lead): static imports once src/synth and the bench modules land.
const IMPORT_BENCH: string = './import.ts';
const SCREEN_BENCH: string = './screen.ts';
const TEXT_BENCH: string = './text.ts';
const SYNTH: string = '../src/synth/generate.ts';

/** The dataset directory for a scale, generated on first use (clean variant, fixed seed). */
export async function datasetAt(scale: number): Promise<string> {
  const dir = join(OUT, 'data', `scale-${scale}`);
  if (!existsSync(`${dir}.answers.jsonl`)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(OUT, 'data'), { recursive: true });
    const t = performance.now();
    console.log(`生成 scale ${scale} 数据集 → ${dir} …`);
    const { generate } = await import(SYNTH);
    await generate({ out: dir, scale, seed: Number(values.seed), variant: 'clean' });
    console.log(`  生成用时 ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  return dir;
}

async function imported(scale: number): Promise<string> {
  const dir = await datasetAt(scale);
  const db = join(OUT, `scale-${scale}.duckdb`);
  const { benchImport } = await import(IMPORT_BENCH);
  if (!existsSync(db)) await benchImport({ dir, db });
  return db;
}

if (what === 'import' || what === 'all') {
  const scale = Number(values.scale ?? 10);
  const dir = await datasetAt(scale);
  const db = join(OUT, `import-scale-${scale}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const { benchImport } = await import(IMPORT_BENCH);
  await benchImport({ dir, db });
}
if (what === 'screen' || what === 'all') {
  const { benchScreen } = await import(SCREEN_BENCH);
  const scales = values.scale ? [Number(values.scale)] : [10, 50];
  for (const s of scales) {
    console.log(`\n== 筛查 scale ${s} (DuckDB) ==`);
    await benchScreen({ db: await imported(s) });
  }
  const pgUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/zhili_bench';
  console.log('\n== 筛查 scale 1: DuckDB vs PostgreSQL ==');
  await benchScreen({ db: await imported(1), pgUrl, pgDataset: await datasetAt(1) });
}
if (what === 'text' || what === 'all') {
  const { benchText } = await import(TEXT_BENCH);
  await benchText({ mb: Number(values.mb) });
}
