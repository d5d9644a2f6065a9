import { env } from '../config/env.ts';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from './db.ts';
import { openDuckDb } from './duckdb.ts';
import { migrate } from './migrate.ts';
import { openPostgres } from './postgres.ts';

export type { Db, Dialect, Row } from './db.ts';
export { dialectOf, type SqlDialect } from './dialect.ts';
export { withWriterLock, WRITER_WAIT_MESSAGE, type WriterLockOptions } from './lock.ts';
export { redactUrl } from './postgres.ts';

/** Default embedded store file, relative to the working directory. */
export const DEFAULT_DB_FILE = '.zhili/zhili.duckdb';

export interface StoreOptions {
  /** DuckDB file (default `.zhili/zhili.duckdb`), or ':memory:'. */
  db?: string;
  /** PostgreSQL URL; wins over `db`. Falls back to env DATABASE_URL when neither is given. */
  databaseUrl?: string;
}

/** Open the configured store and bring its schema up to date. */
export async function openStore(opts: StoreOptions = {}): Promise<Db> {
  const url = opts.databaseUrl ?? (opts.db ? undefined : env().DATABASE_URL);
  let db: Db;
  if (url) {
    db = await openPostgres(url);
  } else {
    const file = opts.db ?? DEFAULT_DB_FILE;
    // The store's directory is private (0700) when zhili creates it; an existing one is left as is.
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    db = await openDuckDb(file);
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
  return db;
}
