import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { P1, P2, P3, PEOPLE, insertEvents, session, useOnlineStore } from './testkit.ts';

describe.each(ENGINES)('ON-SPEED on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-SPEED: 1.5× real time is allowed, faster is flagged', async () => {
    await insertEvents(store.db, [
      { p: P1, c: 'C1', at: '2023-08-01 09:00:00', type: 'progress', item: 'K1', pos: 0 },
      { p: P1, c: 'C1', at: '2023-08-01 09:01:00', type: 'progress', item: 'K1', pos: 90 },
      { p: P2, c: 'C1', at: '2023-08-01 09:00:00', type: 'progress', item: 'K1', pos: 0 },
      { p: P2, c: 'C1', at: '2023-08-01 09:01:00', type: 'heartbeat', item: 'K1', pos: 91 },
      // Other course items do not chain with each other.
      { p: P3, c: 'C1', at: '2023-08-01 09:00:00', type: 'progress', item: 'K1', pos: 0 },
      { p: P3, c: 'C1', at: '2023-08-01 09:01:00', type: 'progress', item: 'K2', pos: 3000 },
    ]);
    const f = await run('ON-SPEED');
    expect(f.map((x) => x.subject.id)).toEqual([P2]);
    expect(f[0].evidence.rows).toEqual([expect.objectContaining({ kind: 'speed', course_item: 'K1', elapsed_s: 60, advanced_s: 91 })]);
    expect(f[0].summary).toContain('推进 91 秒');
    expect(f[0].institution_id).toBe('I1');
  });

  it('ON-SPEED: more than 12 h of learning in a day; exactly 12 h, a split at midnight and 31-minute gaps are not', async () => {
    const every = (n: number, step: number) => Array.from({ length: n }, (_, i) => (i + 1) * step);
    // A login then heartbeats only, so the learning time is exactly the span.
    const plain = (p: string, c: string, start: string, offsets: number[]) => session(p, c, start, offsets).filter((e) => e.type !== 'face');
    await insertEvents(store.db, [
      ...plain(P1, 'C1', '2023-08-01 08:00:00', every(25, 1800)), // 12.5 h
      ...plain(P2, 'C1', '2023-08-01 08:00:00', every(24, 1800)), // exactly 12 h
      ...plain(P3, 'C2', '2023-08-01 18:00:00', every(25, 1800)), // 12.5 h: 6 h on Aug 1, 6.5 h on Aug 2
      ...plain(PEOPLE[0], 'C1', '2023-08-01 05:00:00', every(30, 1860)), // 31-minute gaps: no session time at all
    ]);
    const f = await run('ON-SPEED');
    expect(f.map((x) => x.subject.id)).toEqual([P1]);
    expect(f[0].evidence.rows).toEqual([expect.objectContaining({ kind: 'daily', day: '2023-08-01', learning_h: 12.5 })]);
    expect(f[0].summary).toContain('12.5 小时');
    // A 6.25 h limit: P3's night counts 6 h and 6.5 h on the two days → only Aug 2 is over.
    const g = await run('ON-SPEED', { max_daily_hours: 6.25 });
    const p3 = g.find((x) => x.subject.id === P3)!;
    expect(p3.evidence.rows).toEqual([expect.objectContaining({ day: '2023-08-02', learning_h: 6.5 })]);
    expect(g.some((x) => x.subject.id === PEOPLE[0])).toBe(false);
  });
});
