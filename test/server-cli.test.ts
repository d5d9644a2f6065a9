/**
 * `zhili serve`, `zhili user …` and `zhili audit verify` as processes: graceful shutdown with a
 * request in flight, the user commands and a tampered audit chain, on both engines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/index.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const PW = 'correct horse battery';

function zhili(args: string[], stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/zhili.mjs', ...args], { cwd: ROOT, env: { ...process.env, ZHILI_LOG_LEVEL: 'silent' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
    p.stdin.end(stdin ?? '');
  });
}

describe.each(ENGINES)('server CLI on %s', (engine) => {
  const dir = mkdtempSync(join(tmpdir(), 'zhili-cli-'));
  let pgStore: TestStore | undefined;
  let store: string[] = [];
  afterAll(async () => {
    await pgStore?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function target(): Promise<string[]> {
    if (store.length) return store;
    if (engine === 'duckdb') store = ['--db', join(dir, 'z.duckdb')];
    else {
      pgStore = await freshStore('postgres');
      store = ['--database-url', pgStore.target.databaseUrl!];
    }
    return store;
  }
  /** DuckDB allows one process on the file: open it only while no child holds it. */
  async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
    const t = await target();
    const db = await openStore(t[0] === '--db' ? { db: t[1] } : { databaseUrl: t[1] });
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }

  it('zhili user add / list / token / token --revoke / disable, each audited; audit verify ok', async () => {
    const t = await target();
    const add = await zhili(['user', 'add', 'gd_admin', '--role', 'province_admin', '--region', '44', '--password-stdin', ...t], `${PW}\n`);
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
    expect((await zhili(['user', 'add', 'op', '--role', 'platform_operator', '--region', '00', '--platform', '淘宝', '--password-stdin', ...t], PW)).code).toBe(0);

    const tok = await zhili(['user', 'token', 'gd_admin', ...t]);
    expect(tok.code).toBe(0);
    expect(tok.out.trim()).toMatch(/^zhl_[\w-]{40,}$/);
    const list = await zhili(['user', 'list', ...t]);
    expect(list.out).toMatch(/gd_admin\tprovince_admin\t44\t\t令牌 1/);
    expect(list.out).toMatch(/op\tplatform_operator\t00\t淘宝/);
    expect((await zhili(['user', 'token', 'gd_admin', '--revoke', ...t])).out).toContain('已撤销 gd_admin 的 1 个令牌');
    expect((await zhili(['user', 'disable', 'op', ...t])).code).toBe(0);
    expect((await zhili(['user', 'list', ...t])).out).toMatch(/op\tplatform_operator.*已停用/);

    const actions = await withDb((db) => db.query<{ action: string; actor: string }>('SELECT action, actor FROM audit_log ORDER BY seq'));
    expect(actions.map((a) => a.action)).toEqual(['user.add', 'user.add', 'user.token_create', 'user.token_revoke', 'user.disable']);
    expect(new Set(actions.map((a) => a.actor))).toEqual(new Set(['cli']));
    const ok = await zhili(['audit', 'verify', ...t]);
    expect(ok.out.trim()).toBe('ok 5 entries');
    expect(ok.code).toBe(0);
  }, 300_000);

  it('zhili audit verify names the first tampered entry and exits 1', async () => {
    const t = await target();
    await withDb((db) => db.exec(`UPDATE audit_log SET target_id = 'someone_else' WHERE seq = 3`));
    const bad = await zhili(['audit', 'verify', ...t]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^bad entry 3: /);
  }, 300_000);

  it('zhili serve finishes an in-flight request after SIGTERM, closes the store and exits 0', async () => {
    const t = await target();
    const p = spawn(process.execPath, ['bin/zhili.mjs', 'serve', '--port', '0', ...t], { cwd: ROOT, env: { ...process.env, ZHILI_LOG_LEVEL: 'silent' } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
    for (let i = 0; i < 300 && !/listening: (\S+)/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    const url = new URL(/listening: (\S+)/.exec(out)![1]!);
    // A login whose body arrives in two parts, SIGTERM in between: the request is in flight.
    const body = JSON.stringify({ username: 'gd_admin', password: PW });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/api/auth/login', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: b }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        p.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 700);
      }, 400);
    });
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).user.username).toBe('gd_admin');
    expect(await exited).toBe(0);
    // The store was closed cleanly: it opens again (DuckDB: the file lock is released).
    const n = await withDb((db) => db.query<{ n: number }>('SELECT COUNT(*) AS n FROM users'));
    expect(Number(n[0]!.n)).toBe(2);
  }, 300_000);
});
