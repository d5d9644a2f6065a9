import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { P1, P2, P3, PEOPLE, ids, insertEvents, plus, session, type Ev, useOnlineStore } from './testkit.ts';

describe.each(ENGINES)('ON-BOT on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-BOT: 100 heartbeats with near-constant intervals flagged; 99, or std-dev ≥ 0.5 s, or split sessions are not', async () => {
    const regular = (n: number, f: (i: number) => number) => {
      const out: number[] = [];
      let t = 10;
      for (let i = 0; i < n; i++) out.push((t += f(i)));
      return out;
    };
    await insertEvents(store.db, [
      ...session(P1, 'C1', '2023-08-01 09:00:00', regular(100, (i) => (i % 2 ? 30 : 30.5))), // sd ≈ 0.25
      ...session(P2, 'C1', '2023-08-01 09:00:00', regular(99, () => 30)),
      ...session(P3, 'C1', '2023-08-01 09:00:00', regular(100, (i) => (i % 2 ? 30 : 31))), // sd ≈ 0.5025
      ...session(PEOPLE[0], 'C1', '2023-08-01 09:00:00', regular(60, () => 30)),
      ...session(PEOPLE[0], 'C1', '2023-08-01 10:00:00', regular(60, () => 30)), // new login → new session
    ]);
    const f = await run('ON-BOT');
    expect(f.map((x) => x.subject.id)).toEqual([P1]);
    const row = (f[0].evidence.rows as { heartbeats: number; stddev_s: number }[])[0];
    expect(row.heartbeats).toBe(100);
    expect(row.stddev_s).toBeGreaterThan(0.2);
    expect(row.stddev_s).toBeLessThan(0.3);
    expect((await run('ON-BOT', { max_stddev_seconds: 0.51 })).map((x) => x.subject.id)).toEqual([P1, P3]);
  });

  it('ON-BOT: heartbeats are timed per device — a second device interleaving irregular heartbeats and a logout does not hide the bot', async () => {
    const evs: Ev[] = session(P1, 'C1', '2023-08-01 09:00:00', Array.from({ length: 100 }, (_, i) => 10 + i * 30), { dev: 'A' });
    // Device B in the same class: irregular heartbeats between A's, and a logout half-way.
    evs.push({ p: P1, c: 'C1', at: '2023-08-01 09:00:07', type: 'login', dev: 'B' });
    for (let i = 0; i < 40; i++) evs.push({ p: P1, c: 'C1', at: plus('2023-08-01 09:00:20', i * 37 + (i % 3) * 4), type: 'heartbeat', dev: 'B' });
    evs.push({ p: P1, c: 'C1', at: '2023-08-01 09:25:03', type: 'logout', dev: 'B' });
    await insertEvents(store.db, evs);
    const f = await run('ON-BOT');
    expect(ids(f)).toEqual([P1]);
    expect(f[0].evidence.rows).toEqual([expect.objectContaining({ device_id: 'A', heartbeats: 100, stddev_s: 0 })]);
  });
});
