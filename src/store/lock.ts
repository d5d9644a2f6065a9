/**
 * The store's writer lock: one write job (an import, a screening run) at a time per store,
 * whichever process or connection it comes from.
 *
 * - PostgreSQL: a session-level advisory lock (`pg_advisory_lock`) on the store's own
 *   connection, held from the start to the end of the job across its many transactions.
 *   PostgreSQL releases it when the session ends, so a killed writer never leaves it behind.
 * - DuckDB: the database file is already locked by the one process that opened it; only
 *   jobs inside that process need excluding.
 * - Both: an in-process queue per store handle, because one handle (one connection) must
 *   not interleave two jobs either (the advisory lock is re-entrant within a session).
 *
 * A second writer waits (and says so once: WRITER_WAIT_MESSAGE), or with `wait: false`
 * refuses with `store.busy`. Nested calls in the same job (the demo importing then
 * screening, a screening entry point wrapped twice) re-enter instead of deadlocking.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { zerr } from '../errors.ts';
import type { Db } from './db.ts';

/** First key of zhili's advisory locks ('ZHLI'); the second names the lock. */
export const LOCK_NAMESPACE = 0x5a484c49;
/** Second advisory-lock keys: the writer lock, and the lock migrations run under. */
export const LOCK_KEYS = { writer: 1, migrate: 2 } as const;

/** Printed (once) when a write job has to wait for another one. */
export const WRITER_WAIT_MESSAGE = '另一个导入或筛查正在写入该数据库，等待中…';

export interface WriterLockOptions {
  /** Wait for the other writer (default), or refuse at once with `store.busy`. */
  wait?: boolean;
  /** Told once when the job has to wait; default: a line on stderr. */
  onWait?: (message: string) => void;
}

/** Stores whose writer lock the current async context holds (for re-entry). */
const held = new AsyncLocalStorage<ReadonlySet<Db>>();

interface LocalState {
  locked: boolean;
  waiters: (() => void)[];
}
const local = new WeakMap<Db, LocalState>();

function busy(db: Db) {
  return zerr('store.busy', `另一个导入或筛查正在写入数据库 ${db.location}，请等它结束后再试`, `another import or screening is writing to ${db.location}`);
}

async function acquireLocal(db: Db, wait: boolean, warn: () => void): Promise<void> {
  let s = local.get(db);
  if (!s) local.set(db, (s = { locked: false, waiters: [] }));
  if (!s.locked) {
    s.locked = true;
    return;
  }
  if (!wait) throw busy(db);
  warn();
  // Ownership is handed over by releaseLocal: `locked` stays true.
  await new Promise<void>((r) => s.waiters.push(r));
}

function releaseLocal(db: Db): void {
  const s = local.get(db)!;
  const next = s.waiters.shift();
  if (next) next();
  else s.locked = false;
}

const advisory = (fn: string, key: number) => `SELECT ${fn}(${LOCK_NAMESPACE}, ${key}) AS ok`;

/**
 * Run `fn` as the store's only writer. Every job that writes the store takes this lock
 * (importDataset, runScreening), so two imports never both load a file and a screening
 * run never reads half an import.
 */
export async function withWriterLock<T>(db: Db, fn: () => Promise<T>, opts: WriterLockOptions = {}): Promise<T> {
  const mine = held.getStore();
  if (mine?.has(db)) return fn();
  const wait = opts.wait ?? true;
  let warned = false;
  const warn = () => {
    if (warned) return;
    warned = true;
    (opts.onWait ?? ((m: string) => process.stderr.write(`${m}\n`)))(WRITER_WAIT_MESSAGE);
  };
  await acquireLocal(db, wait, warn);
  let pgHeld = false;
  try {
    if (db.dialect === 'postgres') {
      const [r] = await db.query<{ ok: boolean }>(advisory('pg_try_advisory_lock', LOCK_KEYS.writer));
      if (!r?.ok) {
        if (!wait) throw busy(db);
        warn();
        await db.query(advisory('pg_advisory_lock', LOCK_KEYS.writer));
      }
      pgHeld = true;
    }
    return await held.run(new Set([...(mine ?? []), db]), fn);
  } finally {
    // A dead connection has released the advisory lock with its session already.
    if (pgHeld) await db.query(advisory('pg_advisory_unlock', LOCK_KEYS.writer)).catch(() => undefined);
    releaseLocal(db);
  }
}

/**
 * Run `fn` (the migrations) under a PostgreSQL advisory lock, so two processes opening a
 * brand-new database at once do not both create the tables. DuckDB needs none: only one
 * process can open the file.
 */
export async function withMigrationLock<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn();
  await db.query(advisory('pg_advisory_lock', LOCK_KEYS.migrate));
  try {
    return await fn();
  } finally {
    await db.query(advisory('pg_advisory_unlock', LOCK_KEYS.migrate)).catch(() => undefined);
  }
}
