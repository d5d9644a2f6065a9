import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { maskId } from '../../kit/index.ts';
import { P1, P2, P3, PEOPLE, insertEvents, session, ids, useOnlineStore } from './testkit.ts';

describe.each(ENGINES)('ON-NO-VERIFY on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-NO-VERIFY: face_score 0.6 passes, 0.59 and null fail; learning after a later failed face is flagged', async () => {
    await insertEvents(store.db, [
      // P1: passes at exactly 0.6 → clean.
      { p: P1, c: 'C1', at: '2023-08-01 09:00:00', type: 'login' },
      { p: P1, c: 'C1', at: '2023-08-01 09:00:05', type: 'face', face: 0.6 },
      { p: P1, c: 'C1', at: '2023-08-01 09:01:00', type: 'heartbeat' },
      // P2: 0.59 → flagged (no passing face).
      { p: P2, c: 'C1', at: '2023-08-01 09:00:00', type: 'login' },
      { p: P2, c: 'C1', at: '2023-08-01 09:00:05', type: 'face', face: 0.59 },
      { p: P2, c: 'C1', at: '2023-08-01 09:01:00', type: 'progress', item: 'K1', pos: 60 },
      // P3 in C2: pass, later fail (null score), then learning → flagged; a second session fail→learn→pass is clean.
      { p: P3, c: 'C2', at: '2023-08-02 09:00:00', type: 'login' },
      { p: P3, c: 'C2', at: '2023-08-02 09:00:05', type: 'face', face: 0.95 },
      { p: P3, c: 'C2', at: '2023-08-02 09:10:00', type: 'face', face: null },
      { p: P3, c: 'C2', at: '2023-08-02 09:11:00', type: 'heartbeat' },
      { p: P3, c: 'C2', at: '2023-08-02 09:12:00', type: 'logout' },
      { p: P3, c: 'C2', at: '2023-08-02 10:00:00', type: 'login' },
      { p: P3, c: 'C2', at: '2023-08-02 10:00:05', type: 'face', face: 0.3 },
      { p: P3, c: 'C2', at: '2023-08-02 10:01:00', type: 'heartbeat' },
      { p: P3, c: 'C2', at: '2023-08-02 10:02:00', type: 'face', face: 0.8 },
      { p: P3, c: 'C2', at: '2023-08-02 10:03:00', type: 'heartbeat' },
      // A session without learning events is not judged.
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:00:00', type: 'login' },
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:05:00', type: 'logout' },
    ]);
    const f = await run('ON-NO-VERIFY');
    expect(f.map((x) => x.subject.id)).toEqual([P2, P3]);
    const p2 = f[0];
    expect(p2.institution_id).toBe('I1');
    expect(p2.region_code).toBe('110105');
    expect(p2.summary).toContain(maskId(P2));
    expect(p2.summary).not.toContain(P2);
    expect((p2.evidence.rows as { reason: string }[])[0].reason).toBe('no_passing_face');
    const p3 = f[1];
    expect(p3.region_code).toBe('440106'); // class without region → institution's
    const rows = p3.evidence.rows as { reason: string; started_at: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'learning_after_failed_face', started_at: '2023-08-02 09:00:00' });
    // Evaluated on its own (no run scope) the rule builds the session summary afresh: an edit is seen.
    await store.db.exec(`UPDATE online_events SET face_score = 0.61 WHERE id_number = '${P2}' AND type = 'face'`);
    expect(ids(await run('ON-NO-VERIFY'))).toEqual([P3]);
  });

  it('ON-NO-VERIFY: a gap of exactly 30 minutes stays in the session, 31 minutes starts an unverified one', async () => {
    await insertEvents(store.db, [
      ...session(P1, 'C1', '2023-08-01 23:50:00', [60, 60 + 1800]), // heartbeats 23:51, 00:21 (spans midnight, gap exactly 30 min)
      ...session(P2, 'C1', '2023-08-01 23:50:00', [60, 60 + 1860]), // second heartbeat 31 min later
    ]);
    const f = await run('ON-NO-VERIFY');
    expect(f.map((x) => x.subject.id)).toEqual([P2]);
    expect(f[0].evidence.rows).toMatchObject([{ started_at: '2023-08-02 00:22:00', learning_n: 1, face_n: 0 }]);
    // With a 40-minute session gap the 31-minute pause no longer breaks the session.
    expect(await run('ON-NO-VERIFY', { session_gap_minutes: 40 })).toEqual([]);
  });

  it('ON-NO-VERIFY: sessions are per device — a logout on A does not split B, a face pass on A does not verify B, no-device events form one group', async () => {
    await insertEvents(store.db, [
      // P1: device A logs in, passes face, learns; device B logs in at the same time with no
      // face check and learns → B's session is unverified (A's pass does not count for B).
      { p: P1, c: 'C1', at: '2023-08-01 09:00:00', type: 'login', dev: 'A' },
      { p: P1, c: 'C1', at: '2023-08-01 09:00:05', type: 'face', face: 0.9, dev: 'A' },
      { p: P1, c: 'C1', at: '2023-08-01 09:00:10', type: 'login', dev: 'B' },
      { p: P1, c: 'C1', at: '2023-08-01 09:01:00', type: 'heartbeat', dev: 'A' },
      { p: P1, c: 'C1', at: '2023-08-01 09:01:30', type: 'heartbeat', dev: 'B' },
      // P2: B passes face, then A logs out mid-way; B keeps learning: still B's verified
      // session (on one person-class timeline the logout would start an unverified session).
      { p: P2, c: 'C1', at: '2023-08-01 09:00:00', type: 'login', dev: 'B' },
      { p: P2, c: 'C1', at: '2023-08-01 09:00:05', type: 'face', face: 0.9, dev: 'B' },
      { p: P2, c: 'C1', at: '2023-08-01 09:00:20', type: 'login', dev: 'A' },
      { p: P2, c: 'C1', at: '2023-08-01 09:00:25', type: 'face', face: 0.9, dev: 'A' },
      { p: P2, c: 'C1', at: '2023-08-01 09:01:00', type: 'heartbeat', dev: 'B' },
      { p: P2, c: 'C1', at: '2023-08-01 09:02:00', type: 'logout', dev: 'A' },
      { p: P2, c: 'C1', at: '2023-08-01 09:03:00', type: 'heartbeat', dev: 'B' },
      { p: P2, c: 'C1', at: '2023-08-01 09:04:00', type: 'progress', item: 'K1', pos: 60, dev: 'B' },
      // P3: events without a device_id are one group: the face pass verifies the later heartbeat.
      { p: P3, c: 'C2', at: '2023-08-01 09:00:00', type: 'login', dev: null },
      { p: P3, c: 'C2', at: '2023-08-01 09:00:05', type: 'face', face: 0.9, dev: null },
      { p: P3, c: 'C2', at: '2023-08-01 09:01:00', type: 'heartbeat', dev: null },
      // PEOPLE[0]: a face pass on a device does not verify learning without a device.
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:00:00', type: 'login', dev: 'A' },
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:00:05', type: 'face', face: 0.9, dev: 'A' },
      { p: PEOPLE[0], c: 'C1', at: '2023-08-01 09:01:00', type: 'heartbeat', dev: null },
    ]);
    const f = await run('ON-NO-VERIFY');
    expect(ids(f)).toEqual([PEOPLE[0], P1]);
    expect(f[1].evidence.rows).toEqual([
      expect.objectContaining({ device_id: 'B', started_at: '2023-08-01 09:00:10', reason: 'no_passing_face', learning_n: 1 }),
    ]);
    expect(f[0].evidence.rows).toEqual([expect.objectContaining({ device_id: null, reason: 'no_passing_face' })]);
  });
});
