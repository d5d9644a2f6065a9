/**
 * Bulk loading for the importer, the one place that knows how each engine takes many rows
 * at once, so that src/importer/ is engine-agnostic.
 *
 * Files are parsed and staged in DuckDB on both engines: in the store itself for a DuckDB
 * store, in a private in-memory DuckDB for PostgreSQL. Rows then go into the store with
 * `INSERT … SELECT` (DuckDB) or through a CSV that DuckDB writes and `COPY … FROM STDIN`
 * (PostgreSQL, pg-copy-streams), so both engines receive the values of one parse.
 */
import { chmodSync, createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Db } from './db.ts';
import type { DuckDb } from './duckdb.ts';
import type { PgDb } from './postgres.ts';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Bulk access to a store for loading; see the module comment. */
export interface BulkLoader {
  /** The DuckDB connection where files are parsed and staged. */
  readonly duck: DuckDBConnection;
  /**
   * A relation on `duck` with the given columns of the store rows of `table` matching
   * `where` (PostgreSQL: copied once into a temporary table, kept current by `remember`).
   */
  storeRows(table: string, columns: { name: string; sqlType: string }[], where: string): Promise<string>;
  /** After loading rows into `table`, add the rows of `selectSql` (on `duck`) to its `storeRows` copy. */
  remember(table: string, selectSql: string): Promise<void>;
  /** Append the rows of `selectSql` (run on `duck`) to `table` (`columns` in order). Call inside `db.transaction`. */
  insertSelect(table: string, columns: string[], selectSql: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Open the bulk loader of `db`; `tmp` is a private (0700) directory for the PostgreSQL
 * path's intermediate CSV files and DuckDB's spill files.
 */
export async function openBulk(db: Db, tmp: string): Promise<BulkLoader> {
  if (db.dialect === 'duckdb') return new DuckBulk((db as unknown as DuckDb).conn);
  const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await inst.connect();
  // An in-memory DuckDB spills large stages only when it has somewhere to put them.
  await conn.run(`SET temp_directory = ${lit(join(tmp, 'duckdb-spill'))}`);
  return new PgBulk(db as unknown as PgDb, inst, conn, tmp);
}

class DuckBulk implements BulkLoader {
  constructor(readonly duck: DuckDBConnection) {}
  async storeRows(table: string, columns: { name: string }[], where: string): Promise<string> {
    return `(SELECT ${columns.map((c) => q(c.name)).join(', ')} FROM ${table} WHERE ${where})`;
  }
  async remember(): Promise<void> {}
  async insertSelect(table: string, columns: string[], selectSql: string): Promise<void> {
    await this.duck.run(`INSERT INTO ${table} (${columns.map(q).join(', ')}) ${selectSql}`);
  }
  async close(): Promise<void> {}
}

class PgBulk implements BulkLoader {
  private readonly mirrors = new Map<string, string>();
  private n = 0;
  constructor(
    private readonly db: PgDb,
    private readonly inst: DuckDBInstance,
    readonly duck: DuckDBConnection,
    private readonly tmp: string,
  ) {}

  private file(): string {
    return join(this.tmp, `bulk-${this.n++}.csv`);
  }

  async storeRows(table: string, columns: { name: string; sqlType: string }[], where: string): Promise<string> {
    const have = this.mirrors.get(table);
    if (have) return have;
    const mirror = `_zm_${table}`;
    await this.duck.run(`CREATE OR REPLACE TEMP TABLE ${mirror} (${columns.map((c) => `${q(c.name)} ${c.sqlType}`).join(', ')})`);
    const file = this.file();
    await pipeline(
      this.db.client.query(copyTo(`COPY (SELECT ${columns.map((c) => q(c.name)).join(', ')} FROM ${table} WHERE ${where}) TO STDOUT WITH (FORMAT csv)`)),
      createWriteStream(file, { mode: 0o600 }),
    );
    const cols = columns.map((c) => `${lit(c.name)}: ${lit(c.sqlType)}`).join(', ');
    await this.duck.run(
      `INSERT INTO ${mirror} SELECT * FROM read_csv(${lit(file)}, header = false, auto_detect = false, allow_quoted_nulls = false, delim = ',', quote = '"', escape = '"', columns = {${cols}})`,
    );
    this.mirrors.set(table, mirror);
    return mirror;
  }

  async remember(table: string, selectSql: string): Promise<void> {
    const mirror = this.mirrors.get(table);
    if (mirror) await this.duck.run(`INSERT INTO ${mirror} ${selectSql}`);
  }

  async insertSelect(table: string, columns: string[], selectSql: string): Promise<void> {
    const file = this.file();
    await this.duck.run(`COPY (${selectSql}) TO ${lit(file)} (FORMAT csv, HEADER false)`);
    chmodSync(file, 0o600);
    await this.bulkLoadCsv(table, columns, file);
  }

  /** `COPY table (columns) FROM STDIN` of a headerless CSV file. */
  async bulkLoadCsv(table: string, columns: string[], file: string): Promise<void> {
    await pipeline(createReadStream(file), this.db.client.query(copyFrom(`COPY ${table} (${columns.map(q).join(', ')}) FROM STDIN WITH (FORMAT csv)`)));
  }

  async close(): Promise<void> {
    this.duck.closeSync();
    this.inst.closeSync();
  }
}
