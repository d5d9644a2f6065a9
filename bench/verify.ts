/**
 * `npm run bench -- verify [--seconds 60]`: public certificate verification next to /api/health
 * on the same server in the same run — 50 concurrent connections each, requests/s and p50/p99 —
 * with 100k certificates in the store (rate limit off). DuckDB and PostgreSQL.
 * Target (issue 9): verify ≥ 50 % of health's throughput, p99 < 20 ms.
 */
import { mkdirSync, rmSync } from 'node:fs';
import pg from 'pg';
import { env, resetEnv } from '../src/config/env.ts';
import { startServer } from '../src/server/serve.ts';
import type { Db } from '../src/store/db.ts';
import { openStore } from '../src/store/index.ts';

const CERTS = 100_000;
const CONNECTIONS = 50;

async function seed(db: Db): Promise<void> {
  await db.exec(`INSERT INTO institutions (institution_id, name, uscc, kind, region_code)
    SELECT 'I' || CAST(g AS VARCHAR), '鉴定机构' || CAST(g AS VARCHAR), 'U' || CAST(g AS VARCHAR), 'evaluation', '440106' FROM generate_series(1, 500) AS t(g)`);
  await db.exec(`INSERT INTO persons (id_number, name, phone, bank_account, region_code)
    SELECT '4401061990' || lpad(CAST(g AS VARCHAR), 8, '0'), '持证人' || CAST(g AS VARCHAR), '138' || lpad(CAST(g AS VARCHAR), 8, '0'), '6222' || lpad(CAST(g AS VARCHAR), 15, '0'), '440106'
    FROM generate_series(1, ${CERTS}) AS t(g)`);
  await db.exec(`INSERT INTO certificates (certificate_no, id_number, occupation_code, level, institution_id, issued_on, status)
    SELECT 'ZS' || lpad(CAST(g AS VARCHAR), 10, '0'), '4401061990' || lpad(CAST(g AS VARCHAR), 8, '0'), '4-03-02-01', 1 + g % 5, 'I' || CAST(1 + g % 500 AS VARCHAR),
      CAST('2023-01-01' AS DATE) + CAST(g % 300 AS INTEGER), CASE WHEN g % 50 = 0 THEN 'void' ELSE 'valid' END
    FROM generate_series(1, ${CERTS}) AS t(g)`);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** CONNECTIONS fetch loops on `url(i)` for `seconds`: requests/s, p50, p99, non-200 answers. */
async function load(url: (i: number) => string, seconds: number) {
  const lat: number[] = [];
  let ok = 0;
  let errors = 0;
  let seq = 0;
  const until = performance.now() + seconds * 1000;
  async function worker() {
    while (performance.now() < until) {
      const t = performance.now();
      try {
        const r = await fetch(url(seq++));
        await r.arrayBuffer();
        if (r.status === 200) ok++;
        else errors++;
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const secs = (performance.now() - t0) / 1000;
  return { rps: ok / secs, p50: pct(lat, 50), p99: pct(lat, 99), ok, errors };
}

/** Run the verification benchmark on both engines. */
export async function benchVerify(opts: { seconds: number }): Promise<void> {
  process.env.ZHILI_VERIFY_RATE_LIMIT = '0';
  resetEnv();
  mkdirSync('bench-out', { recursive: true });
  for (const engine of ['duckdb', 'postgres'] as const) {
    let db: Db;
    if (engine === 'duckdb') {
      for (const f of ['bench-out/verify.duckdb', 'bench-out/verify.duckdb.wal']) rmSync(f, { force: true });
      db = await openStore({ db: 'bench-out/verify.duckdb' });
    } else {
      const admin = new pg.Client({ connectionString: env().BENCH_PG_URL.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query('DROP DATABASE IF EXISTS zhili_bench_verify WITH (FORCE)');
      await admin.query('CREATE DATABASE zhili_bench_verify');
      await admin.end();
      db = await openStore({ databaseUrl: env().BENCH_PG_URL.replace(/\/[^/]*$/, '/zhili_bench_verify') });
    }
    await seed(db);
    const s = await startServer({ db, port: 0, logger: false, scheduled: [] });
    const base = s.url.replace('localhost', '127.0.0.1');
    const verifyUrl = (i: number) => {
      const g = 1 + ((i * 7919) % CERTS);
      // Every tenth asks with a wrong name (the not_found path).
      const name = i % 10 === 0 ? '某人' : `持证人${g}`;
      return `${base}/api/certificates/verify?certificate_no=ZS${String(g).padStart(10, '0')}&name=${encodeURIComponent(name)}`;
    };
    const sample = (await (await fetch(verifyUrl(1))).json()) as { status: string };
    if (sample.status !== 'valid') throw new Error(`verify sample answered ${JSON.stringify(sample)}`);
    await load(() => `${base}/api/health`, 1); // warm-up
    await load(verifyUrl, 1);
    const health = await load(() => `${base}/api/health`, opts.seconds);
    const verify = await load(verifyUrl, opts.seconds);
    console.log(`\n== ${engine}: ${CERTS} 张证书，${CONNECTIONS} 个并发连接，各 ${opts.seconds} s`);
    for (const [name, r] of [['/api/health', health], ['/api/certificates/verify', verify]] as const) {
      console.log(`${name.padEnd(28)} ${r.rps.toFixed(0).padStart(6)} 请求/秒  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  错误 ${r.errors}`);
    }
    console.log(`查验吞吐为健康检查的 ${((100 * verify.rps) / health.rps).toFixed(0)} %（目标 ≥ 50 %），查验 p99 ${verify.p99.toFixed(1)} ms（目标 < 20 ms）`);
    await s.close();
  }
  delete process.env.ZHILI_VERIFY_RATE_LIMIT;
  resetEnv();
}
