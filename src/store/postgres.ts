import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { zerr } from '../errors.ts';
import type { Db, Row } from './db.ts';

// Normalise values the way DuckDB rows are normalised (see db.ts): dates and timestamps
// stay as the server's text, 64-bit integers and numerics become numbers.
const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMP: 1114 } as const;
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === OID.INT8 || oid === OID.NUMERIC) return (v: string) => Number(v);
    if (oid === OID.DATE || oid === OID.TIMESTAMP) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Per-connection settings (main client and pooled ones). */
const SESSION_SETUP = `SET TIME ZONE 'Asia/Shanghai'; SET client_min_messages = warning`;

/** Hide the password in a connection URL for messages. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Connect to PostgreSQL; a server that does not answer is a clear error, not a stack trace. */
export async function openPostgres(url: string): Promise<Db> {
  const client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    const msg = (e as Error).message || String((e as { code?: string }).code ?? e);
    throw zerr('store.pg_unreachable', `无法连接 PostgreSQL 数据库 ${redactUrl(url)}：${msg}`, `cannot connect to PostgreSQL at ${redactUrl(url)}`);
  }
  // Connection errors after connect must not crash the process with an unhandled event.
  client.on('error', () => undefined);
  await client.query(SESSION_SETUP);
  return new PgDb(client, redactUrl(url), url);
}

/**
 * Concurrency (a server runs many requests at once on one store): a transaction runs on its own
 * client — the main one when it is free, else one from a pool — and every `query`/`exec` in the
 * transaction's async context (AsyncLocalStorage) goes to that client; a nested `transaction()`
 * in that context joins it. Statements outside transactions run on the main client while no
 * transaction holds it, else on the pool. PostgreSQL itself isolates the transactions; services
 * guard read-modify-write with versions or `SELECT … FOR UPDATE`.
 * Without concurrency everything runs on the main client as before (`client`, COPY).
 */
class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  private readonly tx = new AsyncLocalStorage<pg.ClientBase>();
  /** A transaction holds the main client. */
  private mainHeld = false;
  private pool: pg.Pool | null = null;
  constructor(
    /** The underlying client, for engine-specific bulk paths (COPY). */
    readonly client: pg.Client,
    readonly location: string,
    private readonly url: string,
  ) {}

  private getPool(): pg.Pool {
    if (!this.pool) {
      this.pool = new pg.Pool({ connectionString: this.url, types, connectionTimeoutMillis: 5000, max: 10 });
      this.pool.on('connect', (c) => {
        c.on('error', () => undefined);
        void c.query(SESSION_SETUP).catch(() => undefined);
      });
      this.pool.on('error', () => undefined);
    }
    return this.pool;
  }

  private runner(): { query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> } {
    const own = this.tx.getStore();
    if (own) return own;
    return this.mainHeld ? this.getPool() : this.client;
  }

  async exec(sql: string): Promise<void> {
    await this.runner().query(sql);
  }

  async query<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    const res = await this.runner().query(sql, params as unknown[]);
    return res.rows as T[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.tx.getStore()) return fn();
    let c: pg.ClientBase;
    let pooled: pg.PoolClient | null = null;
    if (!this.mainHeld) {
      this.mainHeld = true;
      c = this.client;
    } else {
      pooled = await this.getPool().connect();
      c = pooled;
    }
    try {
      await c.query('BEGIN');
      try {
        const out = await this.tx.run(c, fn);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      if (pooled) pooled.release();
      else this.mainHeld = false;
    }
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.end().catch(() => undefined);
    await this.client.end();
  }
}

export type { PgDb };
