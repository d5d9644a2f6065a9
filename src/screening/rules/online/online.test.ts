import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../store/db.ts';
import { dialectOf } from '../../../store/dialect.ts';
import { ENGINES, freshStore, type TestStore } from '../../../store/testing.ts';
import { evaluateRule, resolveParams } from '../../evaluate.ts';
import type { Finding, Rule } from '../../types.ts';
import { ONLINE_RULES } from './index.ts';
import { maskId } from '../util.ts';

const rule = (id: string): Rule => ONLINE_RULES.find((r) => r.id === id)!;

const P1 = '110101199003071234';
const P2 = '110101199104081235';
const P3 = '440106198805051236';
const PEOPLE = Array.from({ length: 8 }, (_, i) => `11010119900101${String(1000 + i)}`);

interface Ev {
  id?: string;
  p: string;
  c: string;
  at: string;
  type: string;
  dev?: string | null;
  ip?: string | null;
  item?: string | null;
  pos?: number | null;
  face?: number | null;
  prev?: string | null;
  hash?: string | null;
  atRaw?: string;
  posRaw?: string | null;
}

let seq = 0;
const q = (v: unknown) => (v == null ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

async function insertEvents(db: Db, evs: Ev[]): Promise<void> {
  const rows = evs.map((e) => {
    const id = e.id ?? `E${String(++seq).padStart(6, '0')}`;
    const posRaw = e.posRaw !== undefined ? e.posRaw : e.pos == null ? null : String(e.pos);
    return `(${[id, id, e.p, e.p, e.c, e.c, e.at, e.atRaw ?? e.at, e.type, e.type, e.dev ?? 'D1', e.ip ?? null, e.item ?? null, e.pos ?? null, posRaw, e.face ?? null, e.prev ?? null, e.hash ?? null, 'online_events.csv', ++seq]
      .map(q)
      .join(', ')})`;
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db.exec(`INSERT INTO online_events (event_id, event_id_raw, id_number, id_number_raw, class_id, class_id_raw, "at", at_raw, type, type_raw,
      device_id, ip, course_item, position_s, position_s_raw, face_score, prev_hash, hash, src_file, src_line) VALUES ${rows.slice(i, i + 500).join(',\n')}`);
  }
}

/** 'YYYY-MM-DD HH:MM:SS' of a base time plus seconds (UTC arithmetic on a local wall-clock string). */
function plus(base: string, seconds: number): string {
  const d = new Date(Date.parse(base.replace(' ', 'T') + 'Z') + seconds * 1000);
  const iso = d.toISOString();
  const frac = iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23);
  return iso.slice(0, 10) + ' ' + iso.slice(11, 19) + frac;
}

/** A login with a passing face check, then learning events at the given second offsets. */
function session(p: string, c: string, start: string, offsets: number[], o: Partial<Ev> = {}): Ev[] {
  return [
    { p, c, at: start, type: 'login', ...o },
    { p, c, at: plus(start, 1), type: 'face', face: 0.9, ...o },
    ...offsets.map((s) => ({ p, c, at: plus(start, s), type: 'heartbeat', ...o })),
  ];
}

describe.each(ENGINES)('online rules on %s', (engine) => {
  let store: TestStore;
  const run = async (id: string, overrides: Record<string, unknown> = {}): Promise<Finding[]> => {
    const r = rule(id);
    return evaluateRule(r, { db: store.db, d: dialectOf(store.dialect), params: resolveParams(r, overrides) });
  };

  const ids = (f: Finding[]) => f.map((x) => x.subject.id);

  beforeAll(async () => {
    store = await freshStore(engine);
    await store.db.exec(`INSERT INTO institutions (institution_id, name, uscc, kind, region_code) VALUES
      ('I1', '甲培训学校', '91110000000000001X', 'training', '110101'), ('I2', '乙培训学校', '91440000000000002X', 'training', '440106')`);
    await store.db.exec(`INSERT INTO classes (class_id, institution_id, project_id, mode, start_date, end_date, planned_hours, region_code) VALUES
      ('C1', 'I1', 'PR1', 'online', '2023-08-01', '2023-08-30', 40, '110105'), ('C2', 'I2', 'PR1', 'online', '2023-08-01', '2023-08-30', 40, NULL)`);
  });
  afterAll(async () => store?.drop());
  beforeEach(async () => {
    await store.db.exec('DELETE FROM online_events');
  });

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
    // The shared session summary is cached per connection: a changed event must not be served stale.
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

  it('ON-CONCURRENT: exactly 5 minutes of overlap on two devices is flagged, 4 minutes is not', async () => {
    const mins = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => (a + i) * 60);
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

  it('ON-DEVICE-FARM: 5 people on one device in one day is flagged, 4 is not, midnight splits days', async () => {
    const evs: Ev[] = [];
    PEOPLE.slice(0, 5).forEach((p, i) => evs.push({ p, c: 'C1', at: `2023-08-01 1${i}:00:00`, type: 'login', dev: 'FARM', ip: '10.0.0.1' }));
    PEOPLE.slice(0, 4).forEach((p, i) => evs.push({ p, c: 'C2', at: `2023-08-01 1${i}:00:00`, type: 'login', dev: 'HOME', ip: null }));
    // 3 on Aug 1 (one at 23:59:59), 2 on Aug 2 → never 5 on one day.
    PEOPLE.slice(0, 5).forEach((p, i) =>
      evs.push({ p, c: 'C2', at: i < 3 ? `2023-08-01 23:59:5${i}` : `2023-08-02 00:00:0${i}`, type: 'login', dev: 'EDGE', ip: null }),
    );
    await insertEvents(store.db, evs);
    let f = await run('ON-DEVICE-FARM');
    expect(f.map((x) => x.subject.id)).toEqual(['10.0.0.1', 'FARM']);
    const farm = f[1];
    expect(farm.subject.type).toBe('device');
    expect(farm.evidence).toMatchObject({ kind: 'device_id', max_people_per_day: 5, days: ['2023-08-01'] });
    expect(farm.institution_id).toBe('I1');
    expect(farm.summary).toContain('5 名不同学员');
    f = await run('ON-DEVICE-FARM', { min_people_per_day: 4 });
    expect(f.map((x) => x.subject.id)).toEqual(['10.0.0.1', 'FARM', 'HOME']);
  });

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
