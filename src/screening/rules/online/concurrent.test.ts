import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { P1, P2, P3, PEOPLE, insertEvents, plus, session, mins, ids, useOnlineStore, type Ev } from './testkit.ts';

describe.each(ENGINES)('ON-CONCURRENT on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-CONCURRENT: exactly 5 minutes of overlap on two devices is flagged, 4 minutes is not', async () => {
    await insertEvents(store.db, [
      // P1: D1 in C1 09:00–09:10, D2 in C2 09:05–09:15 → 5 min overlap.
      ...session(P1, 'C1', '2023-08-01 09:00:00', mins(1, 10), { dev: 'D1' }),
      ...session(P1, 'C2', '2023-08-01 09:05:00', mins(1, 10), { dev: 'D2' }),
      // P2: D2 starts 09:06 → 4 min overlap.
      ...session(P2, 'C1', '2023-08-01 09:00:00', mins(1, 10), { dev: 'D1' }),
      ...session(P2, 'C2', '2023-08-01 09:06:00', mins(1, 10), { dev: 'D2' }),
      // P3: the same device in two classes at once is not "two devices".
      ...session(P3, 'C1', '2023-08-01 09:00:00', mins(1, 20), { dev: 'D5' }),
      ...session(P3, 'C2', '2023-08-01 09:00:00', mins(1, 20), { dev: 'D5' }),
    ]);
    const f = await run('ON-CONCURRENT');
    const p1 = f.filter((x) => x.subject.id === P1);
    expect(p1).toHaveLength(1);
    const devRows = (p1[0].evidence.rows as { dim: string; overlap_s: number; key_a: string; key_b: string }[]).filter((r) => r.dim === 'device');
    expect(devRows).toEqual([expect.objectContaining({ key_a: 'D1', key_b: 'D2', overlap_s: 300 })]);
    expect(f.some((x) => x.subject.id === P2 && (x.evidence.rows as { dim: string }[]).some((r) => r.dim === 'device'))).toBe(false);
    // P3's one device in two classes is not two devices (and its events carry no course item).
    expect(f.map((x) => x.subject.id)).toEqual([P1]);
  });

  it('ON-CONCURRENT: interleaved course items on one device overlap; sequential ones do not', async () => {
    const evs: Ev[] = [{ p: P1, c: 'C1', at: '2023-08-01 09:00:00', type: 'login' }];
    for (let m = 0; m <= 10; m++) evs.push({ p: P1, c: 'C1', at: plus('2023-08-01 09:00:30', m * 60), type: 'progress', item: m % 2 ? 'K2' : 'K1', pos: m * 30 });
    evs.push({ p: P2, c: 'C1', at: '2023-08-01 09:00:00', type: 'login' });
    for (let m = 0; m <= 20; m++) evs.push({ p: P2, c: 'C1', at: plus('2023-08-01 09:00:30', m * 60), type: 'progress', item: m < 10 ? 'K1' : 'K2', pos: m * 60 });
    await insertEvents(store.db, evs);
    const f = await run('ON-CONCURRENT');
    expect(f.map((x) => x.subject.id)).toEqual([P1]);
    expect(f[0].evidence.rows).toEqual([expect.objectContaining({ dim: 'course_item', key_a: 'C1/K1', key_b: 'C1/K2', overlap_s: 480 })]);
    expect(f[0].summary).toContain('两个课件');
    expect(f[0].summary).toContain('8 分钟');
  });

  it('ON-CONCURRENT: switching A → B → A (devices, or course items) within one session is not concurrent; parallel heartbeats in one class for 5 minutes are, 4 minutes are not', async () => {
    const every30 = (from: number, to: number) => Array.from({ length: (to - from) * 2 }, (_, i) => from * 60 + (i + 1) * 30);
    await insertEvents(store.db, [
      // P1: A 09:00–09:10, B 09:10:30–09:20, back on A 09:20:30–09:30 — one login session on A
      // (gaps ≤ 30 min), but A sends nothing while B is in use.
      ...session(P1, 'C1', '2023-08-01 09:00:00', mins(1, 10), { dev: 'A' }),
      ...session(P1, 'C1', '2023-08-01 09:10:30', mins(1, 9), { dev: 'B' }),
      ...mins(0, 9).map((s) => ({ p: P1, c: 'C1', at: plus('2023-08-01 09:20:30', s), type: 'heartbeat', dev: 'A' })),
      // P2: A from 09:00, B logs in at 09:05 in the same class, both send heartbeats every 30 s
      // until 09:10 (A) and 09:15 (B): 5 minutes of parallel activity.
      ...session(P2, 'C1', '2023-08-01 09:00:00', every30(0, 10), { dev: 'A' }),
      ...session(P2, 'C1', '2023-08-01 09:05:00', every30(0, 10), { dev: 'B' }),
      // P3: B logs in at 09:06 → 4 minutes.
      ...session(P3, 'C1', '2023-08-01 09:00:00', every30(0, 10), { dev: 'A' }),
      ...session(P3, 'C1', '2023-08-01 09:06:00', every30(0, 10), { dev: 'B' }),
      // PEOPLE[0]: course items K1 → K2 → K1 on one device, one at a time.
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:00:00', type: 'login', dev: 'D9' },
      ...[...mins(1, 10).map((s) => ['K1', s] as const), ...mins(11, 20).map((s) => ['K2', s] as const), ...mins(21, 30).map((s) => ['K1', s] as const)].map(
        ([item, s]) => ({ p: PEOPLE[0], c: 'C1', at: plus('2023-08-01 09:00:00', s), type: 'progress', item, pos: s, dev: 'D9' }),
      ),
    ]);
    const f = await run('ON-CONCURRENT');
    expect(ids(f)).toEqual([P2]);
    expect(f[0].evidence.rows).toEqual([
      expect.objectContaining({ dim: 'device', key_a: 'A', key_b: 'B', start_b: '2023-08-01 09:05:00', overlap_s: 300 }),
    ]);
    expect(f[0].summary).toContain('两台设备');
    // A longer activity gap than B's 10-minute stint makes A "active" throughout: then it is concurrent.
    expect(ids(await run('ON-CONCURRENT', { active_gap_minutes: 11 }))).toEqual([PEOPLE[0], P1, P2]);
  });
});
