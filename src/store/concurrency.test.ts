import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, freshStore, type TestStore } from './testing.ts';

describe.each(ENGINES)('concurrent transactions on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
    await s.db.exec('CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
  });
  afterAll(async () => s?.drop());

  it('50 parallel read-modify-write transactions lose no update and do not interleave', async () => {
    await s.db.exec('DELETE FROM counter; INSERT INTO counter VALUES (1, 0)');
    // PostgreSQL isolates concurrent transactions and needs the row lock; DuckDB's are serialised.
    const lock = engine === 'postgres' ? ' FOR UPDATE' : '';
    const errors: unknown[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        s.db
          .transaction(async () => {
            const [r] = await s.db.query<{ n: number }>(`SELECT n FROM counter WHERE id = 1${lock}`);
            await new Promise((res) => setTimeout(res, i % 3)); // let other requests run in between
            await s.db.query('UPDATE counter SET n = $1 WHERE id = 1', [Number(r!.n) + 1]);
          })
          .catch((e) => errors.push(e)),
      ),
    );
    expect(errors).toEqual([]);
    const [r] = await s.db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(Number(r!.n)).toBe(50);
  });

  it('a rolled-back transaction leaves nothing, while reads outside it go on', async () => {
    await s.db.exec('DELETE FROM counter; INSERT INTO counter VALUES (1, 0)');
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const hold = new Promise<void>((r) => (finish = r));
    const tx = s.db
      .transaction(async () => {
        await s.db.query('UPDATE counter SET n = 99 WHERE id = 1');
        inside();
        await hold;
        throw new Error('abort');
      })
      .catch((e: Error) => e.message);
    await started;
    // A read outside the transaction, while it is open, sees the committed value only.
    const [seen] = await s.db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(Number(seen!.n)).toBe(0);
    finish();
    expect(await tx).toBe('abort');
    const [after] = await s.db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(Number(after!.n)).toBe(0);
  });

  it('a nested transaction joins the outer one', async () => {
    await s.db.exec('DELETE FROM counter; INSERT INTO counter VALUES (1, 0)');
    await expect(
      s.db.transaction(async () => {
        await s.db.transaction(() => s.db.query('UPDATE counter SET n = 5 WHERE id = 1'));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    const [r] = await s.db.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
    expect(Number(r!.n)).toBe(0);
  });
});
