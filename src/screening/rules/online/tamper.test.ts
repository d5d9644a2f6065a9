import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { P1, P2, P3, PEOPLE, insertEvents, useOnlineStore, type Ev } from './testkit.ts';

describe.each(ENGINES)('ON-TAMPER on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-TAMPER: a tampered middle event and a deleted event break the chain; raw text is hashed', async () => {
    const chain = (p: string, c: string, evs: Omit<Ev, 'p' | 'c'>[]): Ev[] => {
      let prev = '';
      return evs.map((e, i) => {
        const id = e.id ?? `${p.slice(-4)}-${String(i).padStart(3, '0')}`;
        const at = e.atRaw ?? e.at;
        const pos = e.pos == null ? '' : (e.posRaw ?? String(e.pos));
        const hash = createHash('sha256').update(`${prev}|${id}|${p}|${c}|${at}|${e.type}|${pos}`, 'utf8').digest('hex');
        const out = { ...e, id, p, c, prev: prev || null, hash };
        prev = hash;
        return out;
      });
    };
    const base: Omit<Ev, 'p' | 'c'>[] = [
      { at: '2023-08-01 09:00:00', atRaw: '2023/8/1 9:00', type: 'login' },
      { at: '2023-08-01 09:00:05', type: 'face', face: 0.9 },
      { at: '2023-08-01 09:01:00', type: 'progress', item: 'K1', pos: 60, posRaw: '60.0' },
      { at: '2023-08-01 09:02:00', type: 'progress', item: 'K1', pos: 120 },
      { at: '2023-08-01 09:02:00', type: 'heartbeat' }, // same second: ordered by event_id
      { at: '2023-08-01 09:30:00', type: 'logout' },
    ];
    const clean = chain(P1, 'C1', base);
    const tampered = chain(P2, 'C1', base);
    tampered[2] = { ...tampered[2], pos: 600, posRaw: '600' }; // edited after hashing
    const deleted = chain(P3, 'C2', base);
    deleted.splice(3, 1);
    const unhashed: Ev[] = [{ p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:00:00', type: 'login', hash: null }];
    // Hex digests compare case-insensitively: an intact chain whose hash column is written in
    // uppercase is clean (prev_hash is hashed as written, so it keeps the case it was hashed with).
    const upper = chain(PEOPLE[1], 'C1', base).map((e) => ({ ...e, hash: e.hash!.toUpperCase() }));
    // A blanked hash takes its event out of the chain: the next event's link is checked
    // against the last event that has a hash.
    const blanked = chain(PEOPLE[2], 'C1', base).map((e, i) => (i === 3 ? { ...e, hash: null } : e));
    // ... so an unhashed event slipped into an intact chain breaks nothing.
    const slipped: Ev[] = [...chain(PEOPLE[3], 'C1', base), { p: PEOPLE[3], c: 'C1', at: '2023-08-01 09:01:30', type: 'heartbeat', hash: null }];
    await insertEvents(store.db, [...clean, ...tampered, ...deleted, ...unhashed, ...upper, ...blanked, ...slipped]);
    const f = await run('ON-TAMPER');
    expect(f.map((x) => x.subject.id)).toEqual([PEOPLE[2], P2, P3]);
    expect(f.shift()!.evidence.rows).toEqual([
      expect.objectContaining({ event_id: `${PEOPLE[2].slice(-4)}-004`, hash_mismatch: false, prev_hash_mismatch: true, prev_event_id: `${PEOPLE[2].slice(-4)}-002` }),
    ]);
    expect(f[0].evidence.rows).toEqual([
      expect.objectContaining({ event_id: `${P2.slice(-4)}-002`, hash_mismatch: true, prev_hash_mismatch: false, position_s: 600 }),
    ]);
    expect(f[0].summary).toContain('1 条哈希与重算不符');
    expect(f[1].evidence.rows).toEqual([
      expect.objectContaining({ event_id: `${P3.slice(-4)}-004`, hash_mismatch: false, prev_hash_mismatch: true, prev_event_id: `${P3.slice(-4)}-002` }),
    ]);
    expect(f[1].institution_id).toBe('I2');
  });
});
