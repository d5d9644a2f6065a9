/**
 * Fixture of the online rules' tests: a store per test file with two institutions and two
 * online classes, emptied of events before each test, and builders of online events.
 */
import type { Db, Dialect } from '../../../store/db.ts';
import { run as runRule, useStore } from '../../kit/testkit.ts';
import type { Finding, Rule } from '../../types.ts';
import { ONLINE_RULES } from './index.ts';

export const rule = (id: string): Rule => ONLINE_RULES.find((r) => r.id === id)!;

export const P1 = '110101199003071234';
export const P2 = '110101199104081235';
export const P3 = '440106198805051236';
export const PEOPLE = Array.from({ length: 8 }, (_, i) => `11010119900101${String(1000 + i)}`);

export interface Ev {
  id?: string;
  p: string;
  c: string;
  at: string;
  type: string;
  /** Default 'D1'; null for an event without a device. */
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

export async function insertEvents(db: Db, evs: Ev[]): Promise<void> {
  const rows = evs.map((e) => {
    const id = e.id ?? `E${String(++seq).padStart(6, '0')}`;
    const posRaw = e.posRaw !== undefined ? e.posRaw : e.pos == null ? null : String(e.pos);
    const dev = e.dev === undefined ? 'D1' : e.dev;
    return `(${[id, id, e.p, e.p, e.c, e.c, e.at, e.atRaw ?? e.at, e.type, e.type, dev, e.ip ?? null, e.item ?? null, e.pos ?? null, posRaw, e.face ?? null, e.prev ?? null, e.hash ?? null, 'online_events.csv', ++seq]
      .map(q)
      .join(', ')})`;
  });
  for (let i = 0; i < rows.length; i += 500) {
    await db.exec(`INSERT INTO online_events (event_id, event_id_raw, id_number, id_number_raw, class_id, class_id_raw, "at", at_raw, type, type_raw,
      device_id, ip, course_item, position_s, position_s_raw, face_score, prev_hash, hash, src_file, src_line) VALUES ${rows.slice(i, i + 500).join(',\n')}`);
  }
}

/** 'YYYY-MM-DD HH:MM:SS' of a base time plus seconds (UTC arithmetic on a local wall-clock string). */
export function plus(base: string, seconds: number): string {
  const d = new Date(Date.parse(base.replace(' ', 'T') + 'Z') + seconds * 1000);
  const iso = d.toISOString();
  const frac = iso.slice(19, 23) === '.000' ? '' : iso.slice(19, 23);
  return iso.slice(0, 10) + ' ' + iso.slice(11, 19) + frac;
}

/** A login with a passing face check, then heartbeats at the given second offsets. */
export function session(p: string, c: string, start: string, offsets: number[], o: Partial<Ev> = {}): Ev[] {
  return [
    { p, c, at: start, type: 'login', ...o },
    { p, c, at: plus(start, 1), type: 'face', face: 0.9, ...o },
    ...offsets.map((s) => ({ p, c, at: plus(start, s), type: 'heartbeat', ...o })),
  ];
}

/** Whole minutes a..b as second offsets. */
export const mins = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => (a + i) * 60);

export const ids = (f: Finding[]) => f.map((x) => x.subject.id);

/**
 * A store for one test file (institutions I1, I2; online classes C1 with region 110105, C2
 * without) on the shared rule test kit (emptied and seeded before each test); `run` evaluates
 * one ON rule on its own and checks its findings' shape like every rule test.
 */
export function useOnlineStore(engine: Dialect): {
  readonly db: Db;
  run(id: string, overrides?: Record<string, unknown>): Promise<Finding[]>;
} {
  const s = useStore(engine, async (db) => {
    await db.exec(`INSERT INTO institutions (institution_id, name, uscc, kind, region_code) VALUES
      ('I1', '甲培训学校', '91110000000000001X', 'training', '110101'), ('I2', '乙培训学校', '91440000000000002X', 'training', '440106')`);
    await db.exec(`INSERT INTO classes (class_id, institution_id, project_id, mode, start_date, end_date, planned_hours, region_code) VALUES
      ('C1', 'I1', 'PR1', 'online', '2023-08-01', '2023-08-30', 40, '110105'), ('C2', 'I2', 'PR1', 'online', '2023-08-01', '2023-08-30', 40, NULL)`);
  });
  return {
    get db() {
      return s.db;
    },
    run(id, overrides = {}) {
      return runRule(s.db, rule(id), overrides);
    },
  };
}
