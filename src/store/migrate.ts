import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The migration files (`NNN_name.sql`), in order. */
export function listMigrations(): { version: number; name: string; file: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.slice(4, -4), file: join(MIGRATIONS_DIR, f) }));
}

/**
 * Apply the migrations not yet recorded in `schema_migrations`, each in its own
 * transaction together with its record, so a crash never leaves one half-applied.
 * Returns the versions applied now.
 */
export async function migrate(db: Db): Promise<number[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)',
  );
  const done = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const applied: number[] = [];
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue;
    const sql = readFileSync(m.file, 'utf8');
    await db.transaction(async () => {
      await db.exec(sql);
      await db.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CAST(CURRENT_TIMESTAMP AS TIMESTAMP))', [m.version, m.name]);
    });
    applied.push(m.version);
  }
  return applied;
}
