/**
 * Test support: fresh stores on both engines. PostgreSQL tests use a throw-away database
 * on the local server (PG_TEST_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { env } from '../config/env.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Db, Dialect } from './db.ts';
import { openStore } from './index.ts';

export const PG_ADMIN_URL = env().PG_TEST_URL;

export interface TestStore {
  dialect: Dialect;
  db: Db;
  /** DuckDB file path or PostgreSQL URL of this store (to reopen it, e.g. from a CLI child). */
  target: { db?: string; databaseUrl?: string };
  /** Close and delete the store. */
  drop(): Promise<void>;
}

let counter = 0;

/** A fresh, migrated store on the given engine. */
export async function freshStore(dialect: Dialect): Promise<TestStore> {
  if (dialect === 'duckdb') {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-test-'));
    const file = join(dir, 'test.duckdb');
    const db = await openStore({ db: file });
    return {
      dialect,
      db,
      target: { db: file },
      async drop() {
        await db.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `zhili_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  const db = await openStore({ databaseUrl: url });
  return {
    dialect,
    db,
    target: { databaseUrl: url },
    async drop() {
      await db.close().catch(() => undefined);
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export const ENGINES: Dialect[] = ['duckdb', 'postgres'];
