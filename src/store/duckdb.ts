import { AsyncLocalStorage } from 'node:async_hooks';
import { env } from '../config/env.ts';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { zerr } from '../errors.ts';
import type { Db, Row } from './db.ts';

const NUMERIC_STRING_TYPES = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL)/;

/** Open (creating if needed) a DuckDB file, or ':memory:'. */
export async function openDuckDb(path: string): Promise<Db> {
  let instance: DuckDBInstance;
  try {
    // Extensions other than the built-in ones would need a download, which fails offline.
    instance = await DuckDBInstance.create(path, {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      // DuckDB's default (80 % of RAM) let scale-50 screening reach 14 GB RSS; past this
      // limit it spills sorts and joins to disk instead (ZHILI_DUCKDB_MEMORY overrides).
      memory_limit: env().ZHILI_DUCKDB_MEMORY,
    });
  } catch (e) {
    const msg = (e as Error).message;
    if (/lock/i.test(msg)) {
      throw zerr('store.locked', `数据库文件 ${path} 正被另一个进程占用（例如正在运行的 zhili 服务），请先停止该进程或通过服务的接口操作`, `the DuckDB file ${path} is held by another process`);
    }
    throw zerr('store.open_failed', `无法打开数据库文件 ${path}：${msg.split('\n')[0]}`, `cannot open DuckDB file ${path}`);
  }
  const conn = await instance.connect();
  return new DuckDb(instance, conn, path);
}

/**
 * Concurrency (a server runs many requests at once on one store):
 * - Transactions are serialised (DuckDB has one writer; serialising them in-process means two
 *   requests never hit DuckDB's write-write conflict) and run on the main connection. Every
 *   `query`/`exec` in the transaction's async context (AsyncLocalStorage) goes to it; a nested
 *   `transaction()` in that context joins it.
 * - Statements outside any transaction run on the main connection while no transaction holds it,
 *   else on a second connection (which sees committed data only), so reads go on during a write.
 *   A transaction starts only when the main connection's running statements have finished.
 * Without concurrency everything runs on the main connection as before (temp tables, `conn`).
 */
class DuckDb implements Db {
  readonly dialect = 'duckdb' as const;
  private readonly tx = new AsyncLocalStorage<DuckDBConnection>();
  /** Tail of the queue of transactions. */
  private txTail: Promise<void> = Promise.resolve();
  /** A transaction holds the main connection. */
  private txActive = false;
  /** Statements outside transactions running on the main connection, and who waits for none. */
  private mainBusy = 0;
  private idleWaiters: (() => void)[] = [];
  private side: Promise<DuckDBConnection> | null = null;
  private sideConn: DuckDBConnection | null = null;
  constructor(
    private readonly instance: DuckDBInstance,
    /** The underlying connection, for engine-specific bulk paths (appender, read_csv). */
    readonly conn: DuckDBConnection,
    readonly location: string,
  ) {}

  /** The connection for a statement outside any transaction (see the class comment). */
  private sideConnection(): Promise<DuckDBConnection> {
    this.side ??= this.instance.connect().then((c) => (this.sideConn = c));
    return this.side;
  }

  private async run<T>(f: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const own = this.tx.getStore();
    if (own) return f(own);
    if (this.txActive) return f(await this.sideConnection());
    this.mainBusy++;
    try {
      return await f(this.conn);
    } finally {
      if (--this.mainBusy === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.run((c) => c.run(sql));
  }

  async query<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    const reader = await this.run((c) => c.runAndReadAll(sql, params as never));
    const rows = reader.getRowObjectsJson() as Row[];
    const types = reader.columnTypes().map((t) => t.toString());
    const names = reader.columnNames();
    const numeric = names.filter((_, i) => NUMERIC_STRING_TYPES.test(types[i]!));
    if (numeric.length) {
      for (const r of rows) for (const n of numeric) if (r[n] !== null) r[n] = Number(r[n]);
    }
    return rows as T[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn();
    const prev = this.txTail;
    let release!: () => void;
    this.txTail = new Promise<void>((r) => (release = r));
    await prev;
    this.txActive = true;
    try {
      if (this.mainBusy > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      await this.conn.run('BEGIN TRANSACTION');
      try {
        const out = await this.tx.run(this.conn, fn);
        await this.conn.run('COMMIT');
        return out;
      } catch (e) {
        await this.conn.run('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      this.txActive = false;
      release();
    }
  }

  async close(): Promise<void> {
    this.sideConn?.closeSync();
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

export type { DuckDb };
