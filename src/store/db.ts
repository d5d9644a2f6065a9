/**
 * The store's engine-neutral handle. SQL is written once in the subset both DuckDB and
 * PostgreSQL run; placeholders are `$1, $2 …` on both. Rows come back as plain objects
 * normalised the same way on both engines so results can be compared:
 *   integers and decimals → number; DATE → 'YYYY-MM-DD'; TIMESTAMP → 'YYYY-MM-DD HH:MM:SS[.f]';
 *   BOOLEAN → boolean; NULL → null; VARCHAR → string.
 */
export type Dialect = 'duckdb' | 'postgres';
export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: Dialect;
  /** Where the data lives, for messages (file path or URL without password). */
  readonly location: string;
  /** Run one or more statements without parameters. */
  exec(sql: string): Promise<void>;
  /** Run one statement with positional parameters and return its rows. */
  query<T = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * Run `fn` inside BEGIN … COMMIT; ROLLBACK on error. Safe under concurrency: every query in
   * fn's async context runs on the transaction's connection; a nested call joins the outer one.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
