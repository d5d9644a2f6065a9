import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zerr } from '../errors.ts';
import type { Db, Dialect } from './db.ts';
import { withMigrationLock } from './lock.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * The migration files in order: `NNN_name.sql` for both engines, `NNN_name.postgres.sql` or
 * `NNN_name.duckdb.sql` for one engine only (e.g. indexes that PostgreSQL needs for point lookups
 * and that would only slow DuckDB's bulk loads). With `dialect`, only those that apply to it.
 */
export function listMigrations(dialect?: Dialect): { version: number; name: string; file: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .map((f) => ({ f, m: /^(\d{3})_([a-z0-9_]+)(?:\.(postgres|duckdb))?\.sql$/.exec(f) }))
    .filter((x): x is { f: string; m: RegExpExecArray } => x.m !== null && (!dialect || !x.m[3] || x.m[3] === dialect))
    .sort((a, b) => a.f.localeCompare(b.f))
    .map(({ f, m }) => ({ version: Number(m[1]), name: m[2]!, file: join(MIGRATIONS_DIR, f) }));
}

/**
 * Refuse a database that is not a zhili store, before anything is created in it: one that
 * has tables but no `schema_migrations`, or whose `schema_migrations` is not zhili's (another
 * tool's table of that name, or other names for zhili's versions). An empty database is
 * fine: it becomes a store. On PostgreSQL only the current schema counts, and tables that
 * belong to extensions (PostGIS's spatial_ref_sys …) are not the user's.
 */
export async function assertZhiliStore(db: Db): Promise<void> {
  const tables = (
    await db.query<{ t: string }>(
      db.dialect === 'duckdb'
        ? `SELECT table_name AS t FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY 1`
        : `SELECT c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') ORDER BY 1`,
    )
  ).map((r) => r.t);
  const foreign = (why: string, en: string) =>
    zerr('store.not_zhili', `${db.location} 不是 zhili 的数据库（${why}）；为免改动其中的数据，zhili 不会使用它，请换一个新文件或空数据库`, `${db.location} is not a zhili store (${en})`);
  if (!tables.includes('schema_migrations')) {
    if (tables.length) {
      const some = tables.slice(0, 3).join('、') + (tables.length > 3 ? ' 等' : '');
      throw foreign(`其中已有 ${tables.length} 个别的表，如 ${some}，但没有 zhili 的迁移记录`, 'it has other tables and no schema_migrations');
    }
    return;
  }
  const known = new Map(listMigrations().map((m) => [m.version, m.name]));
  let rows: { version: unknown; name: unknown }[];
  try {
    rows = await db.query('SELECT version, name FROM schema_migrations');
  } catch {
    throw foreign('schema_migrations 表不是 zhili 的', 'schema_migrations is not zhili\'s');
  }
  for (const r of rows) {
    const name = known.get(Number(r.version));
    if (name !== undefined && name !== r.name) throw foreign('schema_migrations 表不是 zhili 的', 'schema_migrations is not zhili\'s');
  }
}

/**
 * Apply the migrations not yet recorded in `schema_migrations`, each in its own
 * transaction together with its record, so a crash never leaves one half-applied.
 * Runs under the migration lock (two processes opening a new PostgreSQL database at once
 * apply each migration once) and refuses databases that are not zhili stores.
 * Returns the versions applied now.
 */
export async function migrate(db: Db): Promise<number[]> {
  return withMigrationLock(db, async () => {
    await assertZhiliStore(db);
    await db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
    );
    const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of listMigrations(db.dialect)) {
      if (done.has(m.version)) continue;
      const sql = readFileSync(m.file, 'utf8');
      await db.transaction(async () => {
        await db.exec(sql);
        await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CAST(CURRENT_TIMESTAMP AS TIMESTAMP))', [m.version, m.name]);
      });
      applied.push(m.version);
    }
    return applied;
  });
}
