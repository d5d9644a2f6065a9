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

/**
 * Hide the password in a connection string for messages: `postgres://user:***@host/db`.
 * The user part runs to the LAST '@' (a password may contain an unescaped '@' or '/'),
 * `password=` parameters of the query and of key=value strings are hidden as well.
 * Erring towards hiding too much is the point.
 */
export function redactUrl(url: string): string {
  let out = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)(.*)@/is, (_m, scheme: string, user: string) => {
    const colon = user.indexOf(':');
    return `${scheme}${colon < 0 ? user : `${user.slice(0, colon)}:***`}@`;
  });
  out = out.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*)/gi, '$1***');
  return out;
}

/** Remove from a driver message every password that `url` carries (drivers may echo parts of it). */
function hideSecrets(msg: string, url: string): string {
  const secrets: string[] = [];
  const user = /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is.exec(url)?.[1];
  if (user?.includes(':')) secrets.push(user.slice(user.indexOf(':') + 1));
  for (const m of url.matchAll(/password\s*=\s*('(?:[^'\\]|\\.)*'|[^&\s]*)/gi)) secrets.push(m[1]!);
  for (const s of [...secrets]) {
    try {
      secrets.push(decodeURIComponent(s)); // the driver works with the decoded password
    } catch {
      /* not percent-encoded */
    }
  }
  let out = redactUrl(msg);
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}

/** Connect to PostgreSQL; a server that does not answer is a clear error, not a stack trace. */
export async function openPostgres(url: string): Promise<Db> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5000 });
    await client.connect();
  } catch (e) {
    const msg = hideSecrets((e as Error).message || String((e as { code?: string }).code ?? e), url);
    throw zerr('store.pg_unreachable', `无法连接 PostgreSQL 数据库 ${redactUrl(url)}：${msg}`, `cannot connect to PostgreSQL at ${redactUrl(url)}`);
  }
  // Connection errors after connect must not crash the process with an unhandled event.
  client.on('error', () => undefined);
  await client.query(`SET TIME ZONE 'Asia/Shanghai'; SET client_min_messages = warning`);
  return new PgDb(client, redactUrl(url));
}

class PgDb implements Db {
  readonly dialect = 'postgres' as const;
  private inTx = false;
  constructor(
    /** The underlying client, for engine-specific bulk paths (COPY). */
    readonly client: pg.Client,
    readonly location: string,
  ) {}

  async exec(sql: string): Promise<void> {
    await this.client.query(sql);
  }

  async query<T = Row>(sql: string, params?: unknown[]): Promise<T[]> {
    const res = await this.client.query(sql, params as unknown[]);
    return res.rows as T[];
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inTx) throw new Error('nested transaction');
    this.inTx = true;
    await this.client.query('BEGIN');
    try {
      const out = await fn();
      await this.client.query('COMMIT');
      return out;
    } catch (e) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      this.inTx = false;
    }
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export type { PgDb };
