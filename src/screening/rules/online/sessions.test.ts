import { describe, expect, it } from 'vitest';
import type { Db } from '../../../store/db.ts';
import { ENGINES } from '../../../store/testing.ts';
import { createRunScope, runScreening } from '../../engine.ts';
import { ONLINE_RULES } from './index.ts';
import { P1, insertEvents, session, mins, useOnlineStore } from './testkit.ts';

describe('createRunScope', () => {
  it('computes a key once, forgets a failure, runs clean-ups at the end in reverse order', async () => {
    const scope = createRunScope();
    let n = 0;
    const a = await Promise.all([scope.once('k', async () => ++n), scope.once('k', async () => ++n)]);
    expect(a).toEqual([1, 1]);
    expect(await scope.once('other', async () => ++n)).toBe(2);
    await expect(scope.once('bad', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await scope.once('bad', async () => 'retried')).toBe('retried');
    const order: string[] = [];
    scope.atEnd(async () => order.push('first'));
    scope.atEnd(async () => Promise.reject(new Error('ignored')));
    scope.atEnd(async () => order.push('last'));
    await scope.end();
    expect(order).toEqual(['last', 'first']);
    // After the end nothing is remembered.
    expect(await scope.once('k', async () => ++n)).toBe(3);
  });
});

/** The online temp tables present on the connection. */
async function tempTables(db: Db): Promise<string[]> {
  const rows = await db.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.tables WHERE table_name LIKE 'zhili_tmp_online%'`);
  return rows.map((r) => r.t);
}

describe.each(ENGINES)('online session pass per screening run on %s', (engine) => {
  const store = useOnlineStore(engine);

  it('is built once per run and shared by its rules, dropped at the end; the next run recomputes', async () => {
    // P1 learns in C1 and C2 at once from "two" devices that are, at first, the same one.
    await insertEvents(store.db, [
      ...session(P1, 'C1', '2023-08-01 09:00:00', mins(1, 20), { dev: 'D1' }),
      ...session(P1, 'C2', '2023-08-01 09:00:00', mins(1, 20), { dev: 'D1' }),
    ]);
    // Count the session tables built (the real store underneath; only exec is observed).
    const db = store.db;
    let builds = 0;
    const counted: Db = Object.create(db, {
      exec: { value: (sql: string) => ((builds += /CREATE TEMP TABLE zhili_tmp_online_sessions/.test(sql) ? 1 : 0), db.exec(sql)) },
    });
    // The check below sees temp tables of this connection.
    await db.exec('CREATE TEMP TABLE zhili_tmp_online_probe (x INTEGER)');
    expect(await tempTables(db)).toEqual(['zhili_tmp_online_probe']);
    await db.exec('DROP TABLE zhili_tmp_online_probe');
    const rules = ['ON-NO-VERIFY', 'ON-CONCURRENT', 'ON-SPEED', 'ON-BOT'];
    const rep1 = await runScreening(counted, { catalog: ONLINE_RULES, rules });
    expect(rep1.rules.map((r) => r.status)).toEqual(['ran', 'ran', 'ran', 'ran']);
    expect(builds).toBe(1);
    expect(rep1.findings).toEqual([]);
    expect(await tempTables(db)).toEqual([]);
    // An edit the old fingerprint cache could not see (counts, times and sums unchanged):
    // the second stream moves to another device. A new run must see it.
    await db.exec(`UPDATE online_events SET device_id = 'D2' WHERE class_id = 'C2'`);
    const rep2 = await runScreening(counted, { catalog: ONLINE_RULES, rules });
    expect(builds).toBe(2);
    expect(rep2.findings.map((f) => [f.rule, f.subject.id])).toEqual([['ON-CONCURRENT', P1]]);
    // A rule with a different session gap gets its own table within the run.
    await runScreening(counted, { catalog: ONLINE_RULES, rules, set: ['ON-BOT.session_gap_minutes=40'] });
    expect(builds).toBe(4);
    expect(await tempTables(db)).toEqual([]);
  });
});
