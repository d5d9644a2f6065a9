/**
 * Screening benchmark: full screening of an imported DuckDB store (per-rule time, total,
 * peak RSS, rows per entity) and, optionally, the same dataset on PostgreSQL with the ratio.
 * Called by bench/run.ts (`npm run bench -- screen`).
 */
import pg from 'pg';
import { ENTITY_NAMES } from '../src/dataset/entities.ts';
import { displayWidth } from '../src/cli/screen.ts';
import { importDataset } from '../src/importer/import.ts';
import { runScreening, type ScreeningReport } from '../src/screening/engine.ts';
import type { Db } from '../src/store/db.ts';
import { openStore } from '../src/store/index.ts';
import { redactUrl } from '../src/store/postgres.ts';


const pad = (s: string, w: number, right = false) => {
  const fill = ' '.repeat(Math.max(0, w - displayWidth(s)));
  return right ? fill + s : s + fill;
};
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Row count of every entity table. */
async function entityRows(db: Db): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const e of ENTITY_NAMES) {
    const [r] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${e}`);
    out.set(e, Number(r?.n ?? 0));
  }
  return out;
}

function printRows(rows: Map<string, number>): void {
  const nonEmpty = [...rows].filter(([, n]) => n > 0);
  console.log(`  实体行数：${nonEmpty.map(([e, n]) => `${e} ${n.toLocaleString('en-US')}`).join(' · ')}`);
  const total = nonEmpty.reduce((a, [, n]) => a + n, 0);
  console.log(`  合计 ${total.toLocaleString('en-US')} 行`);
}

function printReport(rep: ScreeningReport, other?: ScreeningReport, otherName = 'PostgreSQL'): void {
  const w = Math.max(6, ...rep.rules.map((r) => r.id.length));
  const head = other ? `  ${pad('规则', w)} | 线索 |   DuckDB | ${pad(otherName, 10, true)} | 倍数` : `  ${pad('规则', w)} | 线索 |     用时 | 状态`;
  console.log(head);
  for (const r of rep.rules) {
    const t = r.status === 'ran' ? `${(r.ms / 1000).toFixed(2)} s` : '—';
    if (other) {
      const o = other.rules.find((x) => x.id === r.id);
      const ot = o?.status === 'ran' ? `${(o.ms / 1000).toFixed(2)} s` : '—';
      const ratio = o?.status === 'ran' && r.status === 'ran' && r.ms > 0 ? `${(o.ms / r.ms).toFixed(1)}×` : '—';
      console.log(`  ${pad(r.id, w)} | ${pad(String(r.clues), 4, true)} | ${pad(t, 8, true)} | ${pad(ot, 10, true)} | ${ratio}`);
    } else {
      console.log(`  ${pad(r.id, w)} | ${pad(String(r.clues), 4, true)} | ${pad(t, 8, true)} | ${r.status === 'ran' ? '' : `${r.status} ${r.reason ?? ''}`}`);
    }
  }
  const ruleMs = rep.rules.reduce((a, r) => a + r.ms, 0);
  console.log(`  规则合计 ${(ruleMs / 1000).toFixed(1)} s；含保存线索共 ${(rep.ms / 1000).toFixed(1)} s；线索 ${rep.findings.length} 条`);
}

/** Make sure the PostgreSQL database of `url` exists (bench only; creates it through the `postgres` database). */
async function ensurePgDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/?]*(\?|$)/, '/postgres$1') });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!r.rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
}

const clueKeys = (rep: ScreeningReport) => new Set(rep.findings.map((f) => `${f.rule}\u001f${f.subject.type}\u001f${f.subject.id}\u001f${f.summary}`));

/**
 * Screen the DuckDB store `db` with every rule and print the figures; with `pgUrl`, also
 * screen the same dataset on PostgreSQL (importing `pgDataset` there first if its tables
 * are empty) and print the PostgreSQL/DuckDB time ratio per rule and overall.
 */
export async function benchScreen(opts: { db: string; pgUrl?: string; pgDataset?: string }): Promise<void> {
  const duck = await openStore({ db: opts.db });
  let rep: ScreeningReport;
  try {
    console.log(`DuckDB ${opts.db}`);
    printRows(await entityRows(duck));
    rep = await runScreening(duck);
  } finally {
    await duck.close();
  }
  printReport(rep);
  console.log(`  峰值内存 (max RSS) ${mb(process.resourceUsage().maxRSS)}`);
  if (!opts.pgUrl) return;
  await ensurePgDatabase(opts.pgUrl);
  const pgDb = await openStore({ databaseUrl: opts.pgUrl });
  let prep: ScreeningReport;
  try {
    const rows = await entityRows(pgDb);
    if ([...rows.values()].every((n) => n === 0) && opts.pgDataset) {
      console.log(`导入 ${opts.pgDataset} → PostgreSQL ${redactUrl(opts.pgUrl)} …`);
      const t = performance.now();
      await importDataset(pgDb, opts.pgDataset);
      console.log(`  导入用时 ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    console.log(`PostgreSQL ${redactUrl(opts.pgUrl)}`);
    printRows(await entityRows(pgDb));
    prep = await runScreening(pgDb);
  } finally {
    await pgDb.close();
  }
  console.log('PostgreSQL / DuckDB');
  printReport(rep, prep);
  const a = clueKeys(rep);
  const b = clueKeys(prep);
  const same = a.size === b.size && [...a].every((k) => b.has(k));
  console.log(
    `  总用时 DuckDB ${(rep.ms / 1000).toFixed(1)} s，PostgreSQL ${(prep.ms / 1000).toFixed(1)} s，倍数 ${(prep.ms / Math.max(1, rep.ms)).toFixed(1)}×；` +
      `线索集合${same ? '一致' : `不一致（DuckDB ${a.size}，PostgreSQL ${b.size}）`}；峰值内存 (max RSS) ${mb(process.resourceUsage().maxRSS)}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [db, pgUrl, pgDataset] = process.argv.slice(2);
  if (!db) {
    console.error('用法 / usage: npx tsx bench/screen.ts STORE.duckdb [PG_URL [DATASET_DIR]]');
    process.exit(1);
  }
  await benchScreen({ db, pgUrl, pgDataset });
}
