import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { classRow, insert, run, useStore } from '../../kit/testkit.ts';
import { ATTENDANCE_RULES } from './attendance.ts';

const byId = Object.fromEntries(ATTENDANCE_RULES.map((r) => [r.id, r]));
const OVERLAP = byId['TR-OVERLAP']!;
const BULK = byId['TR-BULK-SIGNIN']!;
const NO_FACE = byId['TR-NO-FACE']!;
const OUTSIDE = byId['TR-SIGNIN-OUTSIDE']!;
const HOURS = byId['TR-HOURS']!;

const cls = classRow;
const ses = (session_id: string, class_id: string, starts_at: string, ends_at: string, extra: Record<string, unknown> = {}) => ({ session_id, class_id, starts_at, ends_at, ...extra });
const att = (session_id: string, id_number: string, checked_at: string, extra: Record<string, unknown> = {}) => ({ session_id, id_number, checked_at, ...extra });

describe.each(ENGINES)('training attendance rules on %s', (engine) => {
  const s = useStore(engine);

  it('TR-OVERLAP: exactly 1 minute flags (same institution too), 59 s and same-class overlaps do not; midnight and nested sessions', async () => {
    await insert(s.db, 'classes', [cls('C1', 'I1'), cls('C2', 'I1'), cls('C3', 'I2')]);
    await insert(s.db, 'sessions', [
      ses('S1', 'C1', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('S2', 'C2', '2023-08-02 10:59:00', '2023-08-02 12:00:00'),
      ses('S3', 'C3', '2023-08-02 10:59:01', '2023-08-02 12:00:00'),
      ses('S5', 'C1', '2023-08-02 23:00:00', '2023-08-03 01:00:00'),
      ses('S6', 'C3', '2023-08-03 00:30:00', '2023-08-03 02:00:00'),
      ses('S7', 'C1', '2023-08-05 09:00:00', '2023-08-05 11:00:00'),
      ses('S8', 'C1', '2023-08-05 10:00:00', '2023-08-05 12:00:00'),
      ses('S9', 'C2', '2023-08-06 08:00:00', '2023-08-06 18:00:00'),
      ses('S10', 'C1', '2023-08-06 09:00:00', '2023-08-06 10:00:00'),
      ses('S11', 'C1', '2023-08-06 12:00:00', '2023-08-06 13:00:00'),
      ses('S12', 'C1', '2023-08-10 08:00:00', '2023-08-12 20:00:00'), // a (bad) three-day session
      ses('S13', 'C3', '2023-08-11 09:00:00', '2023-08-11 10:00:00'),
    ]);
    const at = (id: string, sessions: string[]) => sessions.map((sid) => att(sid, id, '2023-08-01 00:00:00'));
    await insert(s.db, 'attendance', [
      ...at('A', ['S1', 'S2']),
      ...at('B', ['S1', 'S3']),
      ...at('C', ['S5', 'S6']),
      ...at('D', ['S7', 'S8']),
      ...at('E', ['S9', 'S10', 'S11']),
      ...at('F', ['S12', 'S13']),
    ]);
    const f = await run(s.db, OVERLAP);
    expect(f.map((x) => x.subject.id)).toEqual(['A', 'C', 'E', 'F']);
    const a = f[0]!;
    expect(a.summary).toContain('C1 与 C2');
    expect(a.summary).toContain('2023-08-02 10:59–11:00');
    expect(a.related).toContainEqual({ type: 'class', id: 'C2' });
    expect(a.institution_id).toBe('I1');
    const c = f[1]!;
    expect(c.summary).toContain('2023-08-03 00:30–01:00');
    expect(c.institution_id).toBe('I2');
    expect(c.region_code).toBe('440105');
    const e = f[2]!;
    expect(e.evidence.pairs).toBe(2);
    expect((e.evidence.rows as { session_1: string; session_2: string }[]).map((r) => `${r.session_1}/${r.session_2}`)).toEqual(['S9/S10', 'S9/S11']);
    expect(c.score).toBeGreaterThan(a.score); // across institutions weighs more
    expect(f[3]!.summary).toContain('2023-08-11 09:00–10:00');
    // the threshold is a setting: at 0 minutes the 59-second overlap counts too
    expect((await run(s.db, OVERLAP, { min_overlap_minutes: 0 })).map((x) => x.subject.id)).toEqual(['A', 'B', 'C', 'E', 'F']);
  });

  it('TR-BULK-SIGNIN: 10 in one second or 10 on one device flag, 9 do not', async () => {
    await insert(s.db, 'classes', [cls('C1', 'I1'), cls('C2', 'I1'), cls('C3', 'I2')]);
    await insert(s.db, 'sessions', [
      ses('T1', 'C1', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('T2', 'C2', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('T3', 'C3', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
    ]);
    const people = (n: number) => Array.from({ length: n }, (_, i) => `P${i}`);
    await insert(s.db, 'attendance', [
      ...people(10).map((id, i) => att('T1', id, `2023-08-02 08:55:00.${String(i * 90).padStart(3, '0')}`)),
      ...people(9).map((id) => att('T2', id, '2023-08-02 08:55:00', { device_id: 'D1' })),
      att('T2', 'P9', '2023-08-02 08:55:01', { device_id: 'D2' }),
      ...people(10).map((id, i) => att('T3', id, `2023-08-02 08:${String(10 + i)}:00`, { device_id: 'D3' })),
    ]);
    const f = await run(s.db, BULK);
    expect(f.map((x) => x.subject.id)).toEqual(['C1', 'C3']);
    expect(f[0]!.summary).toContain('同一秒内最多 10 人签到');
    expect(f[1]!.summary).toContain('同一设备最多为 10 人签到');
    expect(f[1]!.evidence.rows).toEqual([expect.objectContaining({ session_id: 'T3', kind: 'device', device_id: 'D3', n: 10 })]);
    expect(f[1]!.region_code).toBe('440105');
  });

  it('sign-in rules judge offline and blended classes only: an online class with the same sign-ins is not flagged', async () => {
    await insert(s.db, 'classes', [cls('CB', 'I1', { mode: 'blended' }), cls('CO', 'I1', { mode: 'online' })]);
    await insert(s.db, 'sessions', [
      ses('TB', 'CB', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('TO', 'CO', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
    ]);
    const people = Array.from({ length: 10 }, (_, i) => `P${i}`);
    // Same second, manual method, 2 hours early: every sign-in rule's pattern, in both classes.
    await insert(s.db, 'attendance', [
      ...people.map((id) => att('TB', id, '2023-08-02 07:00:00', { method: 'manual' })),
      ...people.map((id) => att('TO', id, '2023-08-02 07:00:00', { method: 'manual' })),
    ]);
    for (const rule of [BULK, NO_FACE, OUTSIDE]) expect((await run(s.db, rule)).map((x) => x.subject.id), rule.id).toEqual(['CB']);
  });

  it('TR-NO-FACE: 30 % unverified does not flag, 40 % does; face without score counts as verified; 0.6 passes', async () => {
    await insert(s.db, 'classes', [cls('C1', 'I1'), cls('C2', 'I1'), cls('C3', 'I1')]);
    await insert(s.db, 'sessions', [
      ses('S1', 'C1', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('S2', 'C2', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
      ses('S3', 'C3', '2023-08-02 09:00:00', '2023-08-02 11:00:00'),
    ]);
    const t = '2023-08-02 08:50:00';
    const good = (sid: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => att(sid, `G${from + i}`, t, { method: 'face', face_score: 0.9 }));
    await insert(s.db, 'attendance', [
      att('S1', 'B1', t, { method: 'manual' }),
      att('S1', 'B2', t, { method: 'signature' }),
      att('S1', 'B3', t, { method: 'face', face_score: 0.2 }),
      att('S1', 'N1', t, { method: 'face', face_score: 0.6 }),
      att('S1', 'N2', t, { method: 'face', face_score: null }),
      att('S1', 'N3', t, { method: 'fingerprint' }),
      ...good('S1', 4),
      att('S2', 'B1', t, { method: 'card' }),
      att('S2', 'B2', t, { method: null }),
      att('S2', 'B3', t, { method: 'face', face_score: 0.59 }),
      att('S2', 'B4', t, { method: 'fingerprint', face_score: 0.5 }),
      ...good('S2', 6),
      ...Array.from({ length: 10 }, (_, i) => att('S3', `F${i}`, t, { method: 'face' })),
    ]);
    const f = await run(s.db, NO_FACE);
    expect(f.map((x) => x.subject.id)).toEqual(['C2']);
    expect(f[0]!.evidence).toMatchObject({ total: 10, unverified: 4, non_biometric: 2, low_score: 2 });
    expect(f[0]!.summary).toContain('40%');
    expect((f[0]!.evidence.sample as unknown[]).length).toBe(4);
    expect((await run(s.db, NO_FACE, { max_share: 0.29 })).map((x) => x.subject.id)).toEqual(['C1', 'C2']);
  });

  it('TR-SIGNIN-OUTSIDE: exactly 30 min early, exactly at the end and 4.9 km pass; a second more or 5.1 km flag; session venue wins', async () => {
    const lat = 23.1;
    const lon = 113.3;
    const km = (k: number) => lat + k / 111.195; // degrees of latitude for k km
    await insert(s.db, 'classes', [
      cls('C1', 'I1', { venue_lat: lat, venue_lon: lon }),
      cls('C2', 'I1', { venue_lat: lat, venue_lon: lon }),
      cls('C3', 'I1', { venue_lat: lat, venue_lon: lon }),
      cls('C4', 'I2', { venue_lat: 30, venue_lon: 120 }),
      cls('C5', 'I2'),
    ]);
    const win = ['2023-08-02 09:00:00', '2023-08-02 11:00:00'] as const;
    await insert(s.db, 'sessions', [
      ses('S1', 'C1', ...win),
      ses('S2', 'C2', ...win),
      ses('S3', 'C3', ...win),
      ses('S4', 'C4', ...win, { venue_lat: lat, venue_lon: lon }),
      ses('S5', 'C5', ...win),
    ]);
    await insert(s.db, 'attendance', [
      att('S1', 'A', '2023-08-02 08:30:00', { lat: km(4.9), lon }),
      att('S1', 'B', '2023-08-02 11:00:00'),
      att('S2', 'A', '2023-08-02 08:29:59', { lat, lon }),
      att('S3', 'A', '2023-08-02 11:00:01', { lat, lon }),
      att('S4', 'A', '2023-08-02 09:00:00', { lat: km(1), lon }),
      att('S4', 'B', '2023-08-02 09:00:00', { lat: km(5.1), lon }),
      att('S5', 'A', '2023-08-02 09:00:00', { lat: 0, lon: 0 }), // no venue coordinates: time only
    ]);
    const f = await run(s.db, OUTSIDE);
    expect(f.map((x) => x.subject.id)).toEqual(['C2', 'C3', 'C4']);
    expect(f[0]!.evidence).toMatchObject({ early: 1, late: 0, far: 0 });
    expect(f[1]!.evidence).toMatchObject({ early: 0, late: 1, far: 0 });
    expect(f[2]!.evidence).toMatchObject({ early: 0, late: 0, far: 1, total: 2 });
    expect(f[2]!.summary).toContain('最远 5.1 公里');
    expect((f[2]!.evidence.sample as { id_number: string }[])[0]!.id_number).toBe('B');
  });

  it('TR-HOURS: 9 h of 10 standard passes, 8 h 59 min flags; completed hours above attended (midnight session) flag; at equality not', async () => {
    await insert(s.db, 'projects', [{ project_id: 'P1', name: '项目', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' }]);
    await insert(s.db, 'classes', [cls('C1', 'I1'), cls('C2', 'I2')]);
    await insert(s.db, 'sessions', [
      ses('S1', 'C1', '2023-08-02 20:00:00', '2023-08-03 01:00:00'),
      ses('S2', 'C1', '2023-08-03 09:00:00', '2023-08-03 13:00:00'),
      ses('S3', 'C2', '2023-08-02 20:00:00', '2023-08-03 01:00:00'),
      ses('S4', 'C2', '2023-08-03 09:00:00', '2023-08-03 12:59:00'),
    ]);
    await insert(s.db, 'attendance', [
      att('S1', 'A', '2023-08-02 19:50:00'),
      att('S2', 'A', '2023-08-03 08:50:00'),
      att('S1', 'B', '2023-08-02 19:50:00'),
      att('S1', 'C', '2023-08-02 19:50:00'),
    ]);
    await insert(s.db, 'enrollments', [
      { class_id: 'C1', id_number: 'A', completed_hours: 9 },
      { class_id: 'C1', id_number: 'B', completed_hours: 5.5 },
      { class_id: 'C1', id_number: 'C', completed_hours: 5 },
      { class_id: 'C1', id_number: 'D', completed_hours: null },
    ]);
    const f = await run(s.db, HOURS);
    expect(f.map((x) => x.subject.id)).toEqual(['C1', 'C2']);
    expect(f[0]!.evidence).toMatchObject({ short: false, enrollments_over: 1, delivered_hours: 9 });
    expect(f[0]!.evidence.rows).toEqual([{ id_number: 'B', completed_hours: 5.5, attended_hours: 5 }]);
    expect(f[0]!.summary).toContain('结业 5.5 学时、签到仅 5 学时');
    expect(f[1]!.evidence).toMatchObject({ short: true, enrollments_over: 0, delivered_hours: 8.98 });
    expect(f[1]!.summary).toContain('2 个课次合计 9 学时，低于项目标准学时 10 的 90%'); // 8.98 h rounds to 9 in the sentence
    expect(f[1]!.score).toBeGreaterThan(0.5);
  });

  it('TR-HOURS: an offline or blended class without any session row delivered 0 hours (ghost class); online classes are not judged', async () => {
    await insert(s.db, 'projects', [
      { project_id: 'P1', name: '项目', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
      { project_id: 'P0', name: '无标准学时', standard_hours: null, subsidy_per_person: 100000, catalog_from: '2020-01-01' },
    ]);
    await insert(s.db, 'classes', [
      cls('G1', 'I1'), // offline, no sessions, enrolled with completed hours
      cls('G2', 'I2', { mode: 'blended' }), // blended, no sessions, nobody enrolled
      cls('G3', 'I1', { mode: 'online' }), // online: the ON rules' concern
      cls('G4', 'I1', { project_id: 'P0' }), // no standard hours and nobody enrolled: nothing to compare
      cls('OK', 'I2'),
    ]);
    await insert(s.db, 'sessions', [ses('S1', 'OK', '2023-08-02 08:00:00', '2023-08-02 18:00:00')]);
    await insert(s.db, 'attendance', [att('S1', 'B', '2023-08-02 07:55:00')]);
    await insert(s.db, 'enrollments', [
      { class_id: 'G1', id_number: 'A', completed_hours: 9 },
      { class_id: 'G3', id_number: 'A', completed_hours: 9 },
      { class_id: 'OK', id_number: 'B', completed_hours: 10 },
    ]);
    const f = await run(s.db, HOURS);
    expect(f.map((x) => x.subject.id)).toEqual(['G1', 'G2']);
    expect(f[0]!.evidence).toMatchObject({ short: true, no_sessions: true, sessions: 0, delivered_hours: 0, enrollments_over: 1 });
    expect(f[0]!.summary).toContain('没有任何课次记录（实际授课 0 学时，项目标准学时 10）');
    expect(f[0]!.score).toBe(1);
    expect(f[1]!.evidence).toMatchObject({ short: true, no_sessions: true, enrollments_over: 0 });
    expect(f[1]!.region_code).toBe('440105');
  });
});
