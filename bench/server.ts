/**
 * `npm run bench -- server [--seconds 60]`: the clue inbox and case page latency (p50/p99) with
 * 200k clues and 20k cases in the store, then 20 concurrent inspectors doing mixed reads and
 * writes for --seconds: requests/s, p99, errors, lost updates. DuckDB and PostgreSQL.
 * Stores are built with set-based SQL (generate_series) in bench-out/.
 */
import { rmSync, mkdirSync } from 'node:fs';
import pg from 'pg';
import { CLI_ACTOR } from '../src/auth/actor.ts';
import { addUser, createToken } from '../src/auth/users.ts';
import { setClock } from '../src/clock.ts';
import { env } from '../src/config/env.ts';
import { startServer } from '../src/server/serve.ts';
import type { Db } from '../src/store/db.ts';
import { openStore } from '../src/store/index.ts';

const CLUES = 200_000;
const CASES = 20_000;
const CITIES = 20;

async function seed(db: Db): Promise<void> {
  const city = (g: string) => `'44' || lpad(CAST(1 + (${g} % ${CITIES}) AS VARCHAR), 2, '0') || '06'`;
  await db.exec(`INSERT INTO institutions (institution_id, name, uscc, kind, region_code)
    SELECT 'I' || CAST(g AS VARCHAR), '机构' || CAST(g AS VARCHAR), 'U' || CAST(g AS VARCHAR), 'training', ${city('g')} FROM generate_series(1, 2000) AS t(g)`);
  await db.exec(`INSERT INTO clues (clue_id, source, rule, subject_type, subject_id, severity, score, region_code, institution_id, summary, evidence, related, state,
      first_seen_run, last_seen_run, active, inactive_since_run, created_at, updated_at, version)
    SELECT 'CL' || lpad(CAST(g AS VARCHAR), 24, '0'), 'screening',
      CASE g % 4 WHEN 0 THEN 'TR-HOURS' WHEN 1 THEN 'TR-OVERLAP' WHEN 2 THEN 'ON-SPEED' ELSE 'EV-NO-EXAM' END,
      'class', 'C' || CAST(g AS VARCHAR), 'high', 0.7, ${city('g')}, 'I' || CAST(1 + g % 2000 AS VARCHAR), '规则命中 ' || CAST(g AS VARCHAR),
      '{"n":1}', '[]', CASE WHEN g % 3 = 0 THEN 'new' WHEN g % 3 = 1 THEN 'triaged' ELSE 'merged' END, 1, 1, TRUE, NULL,
      CAST('2023-07-01 00:00:00' AS TIMESTAMP) + (g % 90) * INTERVAL '1 day', CAST('2023-07-01 00:00:00' AS TIMESTAMP), 1
    FROM generate_series(1, ${CLUES}) AS t(g)`);
  await db.exec(`INSERT INTO cases (case_id, subject_type, subject_id, institution_id, region_code, topic, state, major, major_reason, deadline, rectification_verified_on,
      transferred_discipline, opened_at, opened_by, closed_at, updated_at, version)
    SELECT 'AJ' || lpad(CAST(g AS VARCHAR), 8, '0'), 'institution', 'I' || CAST(g AS VARCHAR), 'I' || CAST(g AS VARCHAR), ${city('g')}, NULL,
      CASE g % 4 WHEN 0 THEN 'open' WHEN 1 THEN 'investigating' WHEN 2 THEN 'rectifying' ELSE 'closed' END, FALSE, NULL, NULL, NULL, FALSE,
      CAST('2023-08-01 00:00:00' AS TIMESTAMP) + (g % 60) * INTERVAL '1 day', 'bench', NULL, CAST('2023-08-01 00:00:00' AS TIMESTAMP), 1
    FROM generate_series(1, ${CASES}) AS t(g)`);
  await db.exec(`UPDATE clues SET case_id = 'AJ' || lpad(CAST(1 + CAST(substr(clue_id, 3) AS INTEGER) % ${CASES} AS VARCHAR), 8, '0') WHERE state = 'merged'`);
  await addUser(db, CLI_ACTOR, { username: 'bench-gz', role: 'city_inspector', region_code: '4401', platform: null, password: 'bench-password-1' });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function timed(url: string, token: string, n: number): Promise<{ p50: number; p99: number; items: number }> {
  const ms: number[] = [];
  let items = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const j = (await r.json()) as { items?: unknown[] };
    ms.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${url} → ${r.status} ${JSON.stringify(j)}`);
    items = j.items?.length ?? 1;
  }
  return { p50: pct(ms, 50), p99: pct(ms, 99), items };
}

async function load(base: string, token: string, seconds: number, workers: number) {
  const auth = { authorization: `Bearer ${token}` };
  // Cases in the inspector's city (4401: g % 20 == 0) that writes toggle.
  const pool = Array.from({ length: 200 }, (_, i) => `AJ${String((i + 1) * CITIES).padStart(8, '0')}`);
  const wins = new Map<string, number>();
  const lat: number[] = [];
  let ok = 0;
  let conflicts = 0;
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  let seq = 0;
  async function worker() {
    while (performance.now() < until) {
      const k = seq++ % 10;
      const t = performance.now();
      try {
        if (k < 4) {
          const r = await fetch(`${base}/api/clues?page=${1 + (seq % 50)}&state=new`, { headers: auth });
          await r.arrayBuffer();
          if (r.status !== 200) errors++;
          else ok++;
        } else if (k < 7) {
          const r = await fetch(`${base}/api/cases/${pool[seq % pool.length]}`, { headers: auth });
          await r.arrayBuffer();
          if (r.status !== 200) errors++;
          else ok++;
        } else {
          const id = pool[seq % pool.length]!;
          const cur = (await (await fetch(`${base}/api/cases/${id}`, { headers: auth })).json()) as { version: number; major: boolean };
          const r = await fetch(`${base}/api/cases/${id}/major`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ major: !cur.major, reason: '压测', version: cur.version }),
          });
          await r.arrayBuffer();
          if (r.status === 200) {
            ok++;
            wins.set(id, (wins.get(id) ?? 0) + 1);
          } else if (r.status === 409) conflicts++;
          else errors++;
        }
      } catch {
        errors++;
      }
      lat.push(performance.now() - t);
    }
  }
  const t0 = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  const secs = (performance.now() - t0) / 1000;
  // Lost updates: every accepted write bumped the version by exactly one.
  let lost = 0;
  for (const id of pool) {
    const r = (await (await fetch(`${base}/api/cases/${id}`, { headers: auth })).json()) as { version: number };
    if (r.version - 1 !== (wins.get(id) ?? 0)) lost++;
  }
  return { rps: (ok + conflicts) / secs, p50: pct(lat, 50), p99: pct(lat, 99), ok, conflicts, errors, lost, secs };
}

/** Run the server benchmark on both engines. */
export async function benchServer(opts: { seconds: number }): Promise<void> {
  setClock('2023-10-01T09:00:00+08:00');
  mkdirSync('bench-out', { recursive: true });
  for (const engine of ['duckdb', 'postgres'] as const) {
    let db: Db;
    if (engine === 'duckdb') {
      rmSync('bench-out/server.duckdb', { force: true });
      rmSync('bench-out/server.duckdb.wal', { force: true });
      db = await openStore({ db: 'bench-out/server.duckdb' });
    } else {
      const url = env().BENCH_PG_URL.replace(/\/[^/]*$/, '/zhili_bench_server');
      const admin = new pg.Client({ connectionString: env().BENCH_PG_URL.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      await admin.query('DROP DATABASE IF EXISTS zhili_bench_server WITH (FORCE)');
      await admin.query('CREATE DATABASE zhili_bench_server');
      await admin.end();
      db = await openStore({ databaseUrl: url });
    }
    const t = performance.now();
    await seed(db);
    console.log(`\n== ${engine}: ${CLUES} 条线索、${CASES} 个案件（造数 ${((performance.now() - t) / 1000).toFixed(1)} s）`);
    const token = await createToken(db, CLI_ACTOR, 'bench-gz');
    const s = await startServer({ db, port: 0, logger: false });
    const base = s.url.replace('localhost', '127.0.0.1');
    const rows: [string, string][] = [
      ['线索列表 第1页（市级）', `${base}/api/clues?page=1`],
      ['线索列表 第200页（市级）', `${base}/api/clues?page=200`],
      ['线索列表 筛选 state=new&rule=TR-HOURS 第1页', `${base}/api/clues?state=new&rule=TR-HOURS`],
      ['线索列表 逾期 第1页', `${base}/api/clues?overdue=true`],
      ['案件列表 第1页', `${base}/api/cases?page=1`],
      ['案件详情', `${base}/api/cases/AJ${String(20).padStart(8, '0')}`],
    ];
    await timed(rows[0]![1], token, 20); // warm-up
    for (const [name, url] of rows) {
      const r = await timed(url, token, 200);
      console.log(`${name.padEnd(36)} p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  （${r.items} 条/页）`);
    }
    const l = await load(base, token, opts.seconds, 20);
    console.log(
      `20 个检查员并发读写 ${l.secs.toFixed(0)} s：${l.rps.toFixed(0)} 请求/秒，p50 ${l.p50.toFixed(1)} ms，p99 ${l.p99.toFixed(1)} ms；成功 ${l.ok}，版本冲突 409 ${l.conflicts}，错误 ${l.errors}，丢失更新 ${l.lost}`,
    );
    await s.close();
  }
  setClock(null);
}
