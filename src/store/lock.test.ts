import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { getRun } from '../clues/repository.ts';
import { ZhiliError } from '../errors.ts';
import { importDataset } from '../importer/import.ts';
import { runScreening } from '../screening/engine.ts';
import type { Db } from './db.ts';
import { openStore, redactUrl } from './index.ts';
import { listMigrations } from './migrate.ts';
import { WRITER_WAIT_MESSAGE, withWriterLock } from './lock.ts';
import { ENGINES, PG_ADMIN_URL, freshStore, type TestStore } from './testing.ts';

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** An empty database on the local server, dropped by the returned function. */
async function emptyPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `zhili_lock_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** A small dataset: persons and two attendance files. */
function smallDataset(): string {
  const d = mkdtempSync(join(tmpdir(), 'zhili-lock-ds-'));
  const persons = ['id_number,name'];
  for (let i = 0; i < 200; i++) persons.push(`1101051990010${String(i).padStart(5, '0')},人员${i}`);
  writeFileSync(join(d, 'persons.csv'), persons.join('\n'));
  for (let f = 1; f <= 2; f++) {
    const lines = ['session_id,id_number,checked_at,face_score'];
    for (let i = 0; i < 3000; i++) lines.push(`S${f}-${Math.floor(i / 100)},1101051990010${String(i % 200).padStart(5, '0')},2023-07-0${1 + (i % 9)} 08:00:00,0.9`);
    writeFileSync(join(d, `attendance-${f}.csv`), lines.join('\n'));
  }
  return d;
}

const count = async (db: Db, t: string) => Number((await db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`))[0]!.n);

describe('writer lock on PostgreSQL (two connections to one database)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('a second writer waits, says so once, and runs after the first ends', async () => {
    const s = await freshStore('postgres');
    cleanup.push(() => s.drop());
    const b = await openStore(s.target);
    cleanup.push(() => b.close());
    const gate = deferred();
    const order: string[] = [];
    const first = withWriterLock(s.db, async () => {
      order.push('A start');
      await gate.promise;
      order.push('A end');
    });
    await tick();
    const waits: string[] = [];
    const second = withWriterLock(b, async () => void order.push('B'), { onWait: (m) => waits.push(m) });
    await tick(300);
    expect(order).toEqual(['A start']);
    expect(waits).toEqual([WRITER_WAIT_MESSAGE]);
    // wait: false refuses at once with a clear error.
    await expect(withWriterLock(b, async () => undefined, { wait: false })).rejects.toMatchObject({ id: 'store.busy' });
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(['A start', 'A end', 'B']);
  });

  it('two imports of one dataset at once end with the rows of one import', async () => {
    const dir = smallDataset();
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const s = await freshStore('postgres');
    cleanup.push(() => s.drop());
    const b = await openStore(s.target);
    cleanup.push(() => b.close());
    const [r1, r2] = await Promise.all([importDataset(s.db, dir), importDataset(b, dir, {})]);
    expect(await count(s.db, 'attendance')).toBe(6000);
    expect(await count(s.db, 'persons')).toBe(200);
    expect(await count(s.db, 'import_files')).toBe(3);
    // One of them loaded everything, the other found every file already imported.
    expect([r1.alreadyImported.length, r2.alreadyImported.length].sort()).toEqual([0, 3]);
  });

  it('a screening run waits for a writer in progress instead of reading half its data', async () => {
    const s = await freshStore('postgres');
    cleanup.push(() => s.drop());
    const b = await openStore(s.target);
    cleanup.push(() => b.close());
    const gate = deferred();
    const importing = withWriterLock(s.db, () => gate.promise);
    await tick();
    const screening = runScreening(b, { rules: ['TR-*'] });
    await tick(500);
    // Nothing recorded yet: the run has not started while the other writer holds the store.
    expect(await count(s.db, 'screening_runs')).toBe(0);
    gate.resolve();
    await importing;
    const rep = await screening;
    expect((await getRun(s.db, rep.runId))?.status).toBe('finished');
  });

  it('migrations of a brand-new database opened by several connections at once apply once', async () => {
    for (let round = 0; round < 3; round++) {
      const fresh = await emptyPgDatabase();
      cleanup.push(fresh.drop);
      const dbs = await Promise.all([1, 2, 3, 4].map(() => openStore({ databaseUrl: fresh.url })));
      try {
        const rows = await dbs[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(listMigrations('postgres').map((m) => m.version));
      } finally {
        for (const d of dbs) await d.close();
      }
    }
  });
});

describe.each(ENGINES)('writer lock within one process on %s', (engine) => {
  let s: TestStore;
  afterAll(async () => s?.drop());

  it('serialises jobs on one handle and lets a job re-enter its own lock', async () => {
    s = await freshStore(engine);
    const order: string[] = [];
    const gate = deferred();
    const waits: string[] = [];
    const a = withWriterLock(s.db, async () => {
      order.push('a');
      // Nested: the same job takes the lock again (the demo imports, then screens).
      await withWriterLock(s.db, async () => void order.push('a nested'));
      await gate.promise;
      order.push('a end');
    });
    await tick();
    const b = withWriterLock(s.db, async () => void order.push('b'), { onWait: (m) => waits.push(m) });
    await tick(100);
    expect(order).toEqual(['a', 'a nested']);
    expect(waits).toEqual([WRITER_WAIT_MESSAGE]);
    gate.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'a nested', 'a end', 'b']);
  });

  it('a run left running by a dead process is closed as interrupted when the next run starts', async () => {
    await s.db.exec(`INSERT INTO screening_runs (id, started_at, status, engine) VALUES (41, TIMESTAMP '2023-07-01 09:00:00', 'running', '${engine}')`);
    const rep = await runScreening(s.db, { rules: ['TR-*'] });
    const old = await getRun(s.db, 41);
    expect(old?.status).toBe('interrupted');
    expect(old?.finished_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(rep.runId).toBe(42);
    expect((await getRun(s.db, 42))?.status).toBe('finished');
  });
});

describe('stores that are not zhili stores are refused untouched', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zhili-foreign-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const refused = async (file: string) => {
    const e = await openStore({ db: file }).then(
      (db) => db.close().then(() => undefined),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(ZhiliError);
    expect((e as ZhiliError).id).toBe('store.not_zhili');
    expect((e as ZhiliError).message).toMatch(/^[^\n]*不是 zhili 的数据库[^\n]*$/);
  };

  it('a text file, an empty file and a directory', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, '这是一份笔记\n');
    await refused(text);
    expect(readFileSync(text, 'utf8')).toBe('这是一份笔记\n');
    const empty = join(dir, 'empty.duckdb');
    writeFileSync(empty, '');
    await refused(empty);
    expect(statSync(empty).size).toBe(0);
    await refused(dir);
  });

  it('a DuckDB database of another application: no zhili table is created in it', async () => {
    const other = join(dir, 'other.duckdb');
    const inst = await DuckDBInstance.create(other);
    const c = await inst.connect();
    await c.run(`CREATE TABLE inventory (item VARCHAR, qty INTEGER); INSERT INTO inventory VALUES ('笔', 3)`);
    c.closeSync();
    inst.closeSync();
    await refused(other);
    const again = await DuckDBInstance.create(other);
    const c2 = await again.connect();
    const tables = (await c2.runAndReadAll(`SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()`)).getRowObjectsJson();
    c2.closeSync();
    again.closeSync();
    expect(tables.map((t) => t.table_name)).toEqual(['inventory']);
  });

  it('another tool\'s schema_migrations table is not taken for zhili\'s', async () => {
    const rails = join(dir, 'rails.duckdb');
    const inst = await DuckDBInstance.create(rails);
    const c = await inst.connect();
    await c.run(`CREATE TABLE schema_migrations (version VARCHAR PRIMARY KEY); INSERT INTO schema_migrations VALUES ('20230101000000')`);
    c.closeSync();
    inst.closeSync();
    await refused(rails);
  });

  it('an existing zhili store opens again', async () => {
    const f = join(dir, 'zhili.duckdb');
    await (await openStore({ db: f })).close();
    const db = await openStore({ db: f });
    await db.close();
  });
});

describe('privacy of what the store creates', () => {
  it('a new DuckDB store is 0600 in a 0700 directory, whatever the umask', async () => {
    const old = process.umask(0o022);
    const root = mkdtempSync(join(tmpdir(), 'zhili-mode-'));
    try {
      const file = join(root, 'store', 'z.duckdb');
      const db = await openStore({ db: file });
      await db.close();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(root, 'store')).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(old);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('connection strings are shown without their password', async () => {
    expect(redactUrl('postgres://zhili:s3cret@db.example:5432/zhili')).toBe('postgres://zhili:***@db.example:5432/zhili');
    expect(redactUrl('postgresql://zhili:p@ss/w0rd@db/zhili')).toBe('postgresql://zhili:***@db/zhili');
    expect(redactUrl('postgres://:s3cret@db/zhili')).toBe('postgres://:***@db/zhili');
    expect(redactUrl('postgres://db/zhili?user=z&password=s3cret&sslmode=require')).toBe('postgres://db/zhili?user=z&password=***&sslmode=require');
    expect(redactUrl('postgres://zhili@db/zhili')).toBe('postgres://zhili@db/zhili');
    const e = (await openStore({ databaseUrl: 'postgres://zhili:s3cret@127.0.0.1:1/zhili' }).catch((x: unknown) => x)) as Error;
    expect(e.message).toContain('postgres://zhili:***@127.0.0.1:1/zhili');
    expect(e.message).not.toContain('s3cret');
    const bad = (await openStore({ databaseUrl: 'postgres://zhili:s3cret@127.0.0.1:notaport/zhili' }).catch((x: unknown) => x)) as Error;
    expect(bad).toBeInstanceOf(ZhiliError);
    expect(bad.message).not.toContain('s3cret');
  });
});
