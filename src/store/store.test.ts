import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITY_NAMES } from '../dataset/entities.ts';
import { dialectOf } from './dialect.ts';
import { listMigrations, migrate } from './migrate.ts';
import { datasetDdl } from './schema.ts';
import { ENGINES, freshStore, type TestStore } from './testing.ts';
import { openStore } from './index.ts';

describe('schema', () => {
  it('the committed 001 migration is exactly what entities.ts generates', () => {
    const file = listMigrations().find((m) => m.version === 1)!;
    expect(readFileSync(file.file, 'utf8')).toBe(datasetDdl());
  });
});

describe.each(ENGINES)('store on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());

  it('creates every entity table and records migrations once', async () => {
    for (const t of ENTITY_NAMES) {
      const rows = await s.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
      expect(rows[0]!.n).toBe(0);
    }
    expect(await migrate(s.db)).toEqual([]);
    const applied = await s.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(applied.map((r) => r.version)).toEqual(listMigrations(engine).map((m) => m.version));
  });

  it('normalises values the same way on both engines', async () => {
    await s.db.exec(
      `INSERT INTO staff (institution_id, id_number, role, "from", "to") VALUES ('I1', '11010519491231002X', 'teacher', DATE '2023-01-02', NULL)`,
    );
    await s.db.exec(
      `INSERT INTO sessions (session_id, class_id, starts_at, ends_at) VALUES ('S1', 'C1', TIMESTAMP '2023-07-05 08:30:00', TIMESTAMP '2023-07-05 10:00:00')`,
    );
    const d = dialectOf(s.dialect);
    const rows = await s.db.query(
      `SELECT s.session_id, s.starts_at, st."from" AS f, count(*) AS n, sum(CAST(90 AS BIGINT)) AS total,
              ${d.epoch('s.ends_at')} - ${d.epoch('s.starts_at')} AS secs,
              ${d.daysBetween(`DATE '2023-07-05'`, 'st."from"')} AS days,
              ${d.sha256Hex(`'abc'`)} AS h,
              ${d.regexMatch('s.session_id', `'^S[0-9]$'`)} AS m1,
              ${d.regexMatch('s.session_id', `'1'`)} AS m2,
              round(${d.distanceKm('39.9', '116.4', '31.23', '121.47')}) AS km
         FROM sessions s, staff st WHERE s.starts_at >= $1 GROUP BY s.session_id, s.starts_at, s.ends_at, st."from"`,
      ['2023-07-01 00:00:00'],
    );
    expect(rows).toEqual([
      {
        session_id: 'S1',
        starts_at: '2023-07-05 08:30:00',
        f: '2023-01-02',
        n: 1,
        total: 90,
        secs: 5400,
        days: 184,
        h: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
        m1: true,
        m2: true,
        km: 1067,
      },
    ]);
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      s.db.transaction(async () => {
        await s.db.exec(`INSERT INTO projects (project_id, name) VALUES ('P1', 'x')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await s.db.query<{ n: number }>('SELECT count(*) AS n FROM projects'))[0]!.n).toBe(0);
  });
});

describe('errors a person can act on', () => {
  it('a PostgreSQL URL that does not answer is one clear Chinese line', async () => {
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none' })).rejects.toThrow(/^无法连接 PostgreSQL 数据库/);
  });
});
