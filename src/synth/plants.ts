/**
 * Planted anomalies: for every rule of RULES.md at least five instances, each built on
 * fresh subjects (persons, classes, exams, adverts …). Distances from the thresholds are
 * drawn per seed: the first instance of a rule (and now and then another) sits just past
 * the default threshold (age exactly 61, exactly 10 same-second sign-ins, 1 minute of
 * overlap …), the others anywhere in the flagged range. Beside the plants, near misses sit
 * exactly at a threshold without passing it (age exactly 60, 9 same-second sign-ins,
 * touching sessions …) and must stay clean. Where a plant triggers a second rule, that
 * (rule, subject) is written to the answer key too — the key is the exact set a correct
 * implementation of RULES.md finds. Blocks are planted in an order drawn from the plant
 * stream, so another stream (the messy variant's) gives other subjects too.
 */
import { idCheckChar, makeIdNumber, OCCUPATIONS } from '../ids/index.ts';
import { dateStr, day, at, ageOn } from './time.ts';
import { World, SLOTS, type Inst, type Person, type Project, type ClassSpec, type ClassOut, type CandSpec, type OnlineSessionSpec, type ExamOut, type CertSpec } from './world.ts';
import { ADS_AGENCY, ADS_FAKE_QUAL, ADS_TERMS, LISTINGS_PLANT, PLATFORMS } from './vocab.ts';

export type SubjectType = 'person' | 'institution' | 'class' | 'claim' | 'exam' | 'certificate' | 'device' | 'ad' | 'listing';
export interface Answer {
  rule: string;
  type: SubjectType;
  id: string;
}

type HostOpts = Partial<Omit<ClassSpec, 'trainees' | 'teacherOf'>> & {
  planted?: Person[];
  n?: number;
  teacher?: Person;
  teacherOf?: ClassSpec['teacherOf'];
};

const HOUR = 3600;

class Planter {
  readonly answers: Answer[] = [];
  private readonly trainers: Inst[];
  private readonly evals: Inst[];
  readonly short: Project[];
  private ti = 0;

  constructor(readonly w: World) {
    this.trainers = w.institutions.filter((i) => i.kind === 'training');
    this.evals = w.institutions.filter((i) => i.kind === 'evaluation');
    this.short = w.projects.filter((p) => p.hours <= 30 && (p.category === 'employment' || p.category === 'upgrading'));
  }

  add(rule: string, type: SubjectType, id: string): void {
    this.answers.push({ rule, type, id });
  }

  get r() {
    return this.w.rng;
  }

  /** Instance i sits just past the threshold: always the first one, now and then another. */
  edge(i: number): boolean {
    return i === 0 || this.r.chance(0.25);
  }

  trainer(): Inst {
    return this.trainers[this.ti++ % this.trainers.length]!;
  }

  shortProject(): Project {
    return this.r.pick(this.short);
  }

  /** A short project of exactly `hours` standard hours (a fresh one when the world has none). */
  project(hours: number): Project {
    return this.short.find((p) => p.hours === hours) ?? this.w.newProject({ hours, level: 5, category: 'employment' });
  }

  /** A start day for a plant class, leaving room before the end of the year. */
  day(): number {
    return day('2023-03-06') + this.r.int(0, 200);
  }

  fresh(n: number): Person[] {
    return Array.from({ length: n }, () => this.w.newPerson());
  }

  /** A fully attended offline class of fresh trainees (plus planted ones) and a fresh teacher. */
  host(o: HostOpts = {}): ClassOut & { trainees: Person[]; teacher: Person; inst: Inst } {
    const inst = o.inst ?? this.trainer();
    const teacher = o.teacher ?? this.w.addTeacher(inst);
    const trainees = [...(o.planted ?? []), ...this.fresh(o.n ?? 8)];
    const out = this.w.buildClass({
      inst,
      project: o.project ?? this.shortProject(),
      mode: o.mode ?? 'offline',
      start: o.start ?? this.day(),
      slot: o.slot ?? SLOTS[this.r.int(0, 1)]!,
      trainees,
      teacherOf: o.teacherOf ?? (() => teacher),
      attendance: 'full',
      claim: o.claim ?? { status: this.r.pick(['paid', 'approved', 'submitted'] as const) },
      ...o,
    } as ClassSpec);
    return { ...out, trainees, teacher, inst };
  }

  /** An exam at a registered evaluation institution with fresh clean candidates plus planted ones. */
  exam(o: Partial<{ inst: Inst; occ: string; level: number; start: number; minutes: number; n: number; planted: CandSpec[]; capacity: number; certs: Parameters<World['buildExam']>[0]['certs']; examiners: Person[]; othersFail: boolean }> = {}): ExamOut {
    const inst = o.inst ?? this.r.pick(this.evals);
    const scope = o.occ ? { occ: o.occ } : this.r.pick(inst.scopes);
    const level = o.level ?? 5;
    const cands: CandSpec[] = [...(o.planted ?? [])];
    for (let i = 0; i < (o.n ?? 20); i++) {
      const p = this.w.newPerson();
      cands.push(
        level === 5
          ? { person: p, basis: 'other', exp: this.r.int(0, 6), ...(o.othersFail ? { pass: false } : {}) }
          : { person: p, basis: 'experience', exp: this.r.int(6, 15), ...(o.othersFail ? { pass: false } : {}) },
      );
    }
    return this.w.buildExam({
      inst,
      occ: scope.occ,
      level,
      start: o.start ?? at(day('2023-04-03') + this.r.int(0, 220), 9),
      minutes: o.minutes,
      capacity: o.capacity,
      examiners: o.examiners ?? inst.examiners.slice(0, 2),
      cands,
      certs: o.certs,
    });
  }

  /** Birth date giving exactly `age` at day `d`. */
  birthFor(age: number, d: number): string {
    let b = d - Math.round((age + 0.5) * 365.25);
    while (ageOn(dateStr(b), d) > age) b++;
    while (ageOn(dateStr(b), d) < age) b--;
    return dateStr(b);
  }

  /** Birth date of someone who turns `years` old on day d + shift (shift 0: exactly `years` on d). */
  turns(years: number, d: number, shift: number): string {
    const t = dateStr(d + shift);
    return `${+t.slice(0, 4) - years}${t.slice(4)}`;
  }

  /**
   * Human heartbeat offsets (seconds after a session's start): 45–75 s apart, from `from`
   * up to `to`; with `exact`, the last one falls exactly on `to`.
   */
  beats(from: number, to: number, exact = false): number[] {
    const out: number[] = [];
    let t = from;
    const limit = exact ? to - 45 : to;
    while (true) {
      const iv = Math.max(45, Math.min(75, Math.round(60 + this.r.normal(0, 4))));
      if (t + iv > limit) break;
      t += iv;
      out.push(t);
    }
    if (exact) out.push(to);
    return out;
  }

  /** Clean online sessions on days other than `avoid`, at 19:00. */
  calm(startDay: number, endDay: number, avoid: number[], item = 'K09'): OnlineSessionSpec[] {
    const out: OnlineSessionSpec[] = [];
    for (let d = startDay + 1; d <= endDay && out.length < 2; d += 3) {
      if (avoid.some((a) => Math.abs(a - d) <= 1)) continue;
      out.push({ start: at(d, 19, this.r.int(0, 30)), minutes: this.r.int(40, 60), item: item + out.length });
    }
    return out;
  }

  /** An online class whose planted trainees get the given sessions (on day start + 10), the rest clean ones. */
  online(planted: Person[], sessions: (i: number, p: Person, startDay: number) => OnlineSessionSpec[], o: Partial<ClassSpec> = {}): ClassOut {
    const inst = this.trainer();
    const trainees = [...planted, ...this.fresh(3)];
    return this.w.buildClass({
      inst,
      project: this.shortProject(),
      mode: 'online',
      start: this.day(),
      slot: SLOTS[0]!,
      trainees,
      teacherOf: () => inst.teachers[0]!,
      claim: false,
      online: (t, p, s, e) => (t < planted.length ? [...sessions(t, p, s), ...this.calm(s, e, [s + 10])] : this.calm(s, e, [])),
      ...o,
    });
  }
}

type Block = (P: Planter, w: World, r: World['rng']) => void;

/** Plant every rule; returns the answer key (possibly with duplicates, removed by the caller). */
export async function plantAll(w: World, drain: () => Promise<void>): Promise<Answer[]> {
  const P = new Planter(w);
  const r = w.rng;
  // The order of the blocks comes from the plant stream: another stream, other ids.
  const blocks = r.shuffle([...BLOCKS]);
  for (const b of blocks) {
    b(P, w, r);
    await drain();
  }
  return P.answers;
}

function tsAt(sec: number): string {
  const d = Math.floor(sec / 86400);
  const x = sec - d * 86400;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${dateStr(d)} ${p(Math.floor(x / 3600))}:${p(Math.floor((x % 3600) / 60))}:${p(x % 60)}`;
}

function withTeacher(w: World, inst: Inst): Inst {
  w.addTeacher(inst);
  return inst;
}

/** Offline slot starting at a local second of the day (for sessions placed to the minute). */
const slotAt = (secOfDay: number, len = 3): { h: number; m: number; len: number } => ({ h: Math.floor(secOfDay / 3600), m: Math.floor((secOfDay % 3600) / 60), len });

// ------------------------------------------------------------ persons in training

const idInvalid: Block = (P, w) => {
  // TR-ID-INVALID: bad check digit (2), impossible birth date, unknown province, bad 15-digit date.
  {
    const region = w.counties[0]!;
    const good = makeIdNumber({ regionCode: region, birthDate: '1988-06-15', seq: 417 });
    const bad1 = good.slice(0, 17) + (good[17] === '3' ? '4' : '3');
    const good2 = makeIdNumber({ regionCode: region, birthDate: '1992-11-03', seq: 88 });
    const bad2 = good2.slice(0, 17) + (good2[17] === 'X' ? '0' : 'X');
    const f3 = `${region}19900230${'231'}`;
    const bad3 = f3 + idCheckChar(f3);
    const f4 = `990102${'19850412'}${'515'}`;
    const bad4 = f4 + idCheckChar(f4);
    const bad5 = `${region}${'861315'}${'042'}`; // 15 digits, month 13
    const planted = [bad1, bad2, bad3, bad4, bad5].map((id) => w.newPerson({ id, birth: '1988-06-15' }));
    P.host({ planted: planted.slice(0, 3) });
    P.host({ planted: planted.slice(3) });
    for (const p of planted) P.add('TR-ID-INVALID', 'person', p.id);
  }
};

const deceased: Block = (P, w, r) => {
  // TR-DECEASED: death before class start (just: the day before), during the class, between
  // class end and the claim listing them, before an exam.
  const s1 = P.day();
  const a = w.newPerson();
  a.death = dateStr(s1 - (P.edge(0) ? 1 : r.int(2, 60)));
  const b = w.newPerson();
  b.death = dateStr(s1 + r.int(1, 6));
  P.host({ planted: [a, b], start: s1, project: P.shortProject(), claim: { status: 'paid' } });
  const s2 = P.day();
  const c = w.newPerson();
  const e = w.newPerson();
  e.death = dateStr(s2 - r.int(1, 30));
  const proj = P.shortProject();
  const h = P.host({ planted: [c, e], start: s2, project: proj, claim: false });
  // c dies after the last session; the claim listing c is submitted later (just: the day after).
  const submitted = h.end + r.int(5, 20);
  c.death = dateStr(P.edge(1) ? submitted - 1 : r.int(h.end + 1, submitted - 1));
  w.emitClaim(h.id, h.inst, submitted, 'approved', h.completers.map((p) => ({ p, amount: proj.subsidy })), 0);
  const d = w.newPerson();
  const ex = P.exam({ planted: [{ person: d, pass: false, basis: 'other', exp: 2 }] });
  d.death = dateStr(Math.floor(ex.start / 86400) - (P.edge(2) ? 1 : r.int(2, 40)));
  for (const p of [a, b, c, e, d]) P.add('TR-DECEASED', 'person', p.id);
};

const age: Block = (P, w, r) => {
  // TR-AGE: 61 on the class start day (a 61st birthday that very day), 15 (turning 16 the day
  // after), then ages drawn from 13–15 and 61–72. Near misses in the same class: turning 61
  // the day after (60) and turning 16 on the start day (16).
  const s = P.day();
  const ages = [61, 15, ...Array.from({ length: r.int(3, 5) }, () => (r.chance(0.4) ? r.int(13, 15) : r.int(61, 72)))];
  const planted = ages.map((a, i) =>
    i === 0 ? w.newPerson({ birth: P.turns(61, s, 0) }) : i === 1 ? w.newPerson({ birth: P.turns(16, s, 1) }) : w.newPerson({ birth: P.birthFor(a, s) }),
  );
  const near = [w.newPerson({ birth: P.turns(61, s, 1) }), w.newPerson({ birth: P.turns(16, s, 0) }), w.newPerson({ birth: P.turns(61, s, r.int(2, 40)) })];
  P.host({ planted: [...planted, ...near], start: s });
  for (const p of planted) P.add('TR-AGE', 'person', p.id);
};

const repeat: Block = (P, w) => {
  // TR-REPEAT: subsidised twice for the same occupation and level (spring and autumn).
  const proj = P.shortProject();
  const planted = P.fresh(5);
  P.host({ planted, project: proj, start: day('2023-03-13'), claim: { status: 'paid' } });
  P.host({ planted, project: proj, start: day('2023-09-11'), claim: { status: 'approved' } });
  for (const p of planted) P.add('TR-REPEAT', 'person', p.id);
  // Near miss: trained twice for one occupation and level, but the second claim was rejected.
  const near = P.fresh(3);
  const proj2 = P.shortProject();
  P.host({ planted: near, project: proj2, start: day('2023-04-10'), claim: { status: 'paid' } });
  P.host({ planted: near, project: proj2, start: day('2023-10-09'), claim: { status: 'rejected' } });
};

/** Level-5 employment projects of distinct occupations (never in the qualification catalog). */
function distinctProjects(w: World, n: number, offset: number): Project[] {
  return OCCUPATIONS.filter((o) => !o.inCatalog2021)
    .slice(offset, offset + n)
    .map((o) => w.newProject({ occ: o.code, level: 5, hours: 24, category: 'employment' }));
}

const freq: Block = (P, w, r) => {
  // TR-FREQ: four (exactly N + 1) or five subsidised trainings of different occupations starting in 2023.
  const dates = ['2023-03-06', '2023-04-24', '2023-06-12', '2023-07-31', '2023-09-18'];
  const projs = distinctProjects(w, 5, 0);
  const groups = [P.fresh(3), P.fresh(r.int(2, 3))];
  groups.forEach((g, k) => {
    const n = k === 0 ? 4 : r.int(4, 5);
    for (let i = 0; i < n; i++) P.host({ planted: g, project: projs[i]!, start: day(dates[i]!) + r.int(0, 3), claim: { status: 'approved' } });
    for (const p of g) P.add('TR-FREQ', 'person', p.id);
  });
  // Near misses: exactly three in 2023, plus a fourth that started in December 2022.
  const near = P.fresh(3);
  const other = distinctProjects(w, 4, 5);
  for (let i = 0; i < 3; i++) P.host({ planted: near, project: other[i]!, start: day(dates[i + 1]!) + r.int(4, 8), claim: { status: 'paid' } });
  P.host({ planted: near, project: other[3]!, start: day('2022-12-05'), claim: { status: 'paid' } });
};

const overlap: Block = (P, w, r) => {
  // TR-OVERLAP: the same people signed in at two classes whose sessions overlap by exactly
  // 1 minute, or by 2–150 minutes. Near miss: sessions that touch (one ends as the other starts).
  const pair = (people: Person[], minutes: number): void => {
    const s = P.day();
    const p1 = w.newProject({ level: 5, hours: 24, category: 'employment' });
    let p2 = w.newProject({ level: 5, hours: 24, category: 'upgrading' });
    while (p2.occ === p1.occ) p2 = w.newProject({ level: 5, hours: 24, category: 'upgrading' });
    P.host({ planted: people, project: p1, start: s, slot: { h: 8, m: 30, len: 3 } });
    P.host({ planted: people, project: p2, start: s + 2, slot: slotAt(at(0, 11, 30) - minutes * 60) });
  };
  for (let k = 0; k < 3; k++) {
    const people = P.fresh(2);
    pair(people, k === 0 || r.chance(0.25) ? 1 : r.int(2, 150));
    for (const p of people) P.add('TR-OVERLAP', 'person', p.id);
  }
  pair(P.fresh(2), 0);
};

const insider: Block = (P, w) => {
  // TR-INSIDER: staff of the training institution (3), public officials (2), in subsidised classes.
  {
    const inst = P.trainer();
    const staff = P.fresh(3);
    staff.forEach((p, i) => w.write('staff', { institution_id: inst.id, id_number: p.id, role: i === 0 ? 'manager' : 'other', from: '2021-06-01' }));
    P.host({ inst, planted: staff, claim: { status: 'paid' } });
    const officials = P.fresh(2);
    for (const p of officials) p.official = true;
    P.host({ planted: officials, claim: { status: 'approved' } });
    for (const p of [...staff, ...officials]) P.add('TR-INSIDER', 'person', p.id);
  }
};

// ------------------------------------------------------------ classes

const bulk: Block = (P, w, r) => {
  // TR-BULK-SIGNIN: k ≥ 10 sign-ins in one second of one session (exactly 10 when just past),
  // or one device signing in k ≥ 10 people. Near misses: 9 in one second, 9 on one device.
  // The odd sessions' other sign-ins get distinct seconds; plants are not claimed and report
  // completed hours without the odd sign-ins.
  const plant = (sameSecond: boolean, k: number, planted: boolean): void => {
    const dev = w.uniqueDevice().device;
    const sIdx = r.int(1, 5);
    let target = 0;
    const h = P.host({
      n: k + r.int(1, 4),
      claim: planted ? false : undefined,
      signin: (x) => {
        if (x.s !== sIdx) return;
        target ||= x.sessionStart - r.int(60, 900);
        if (x.t < k) {
          if (sameSecond) x.row.checked_at = tsAt(target);
          else x.row.device_id = dev;
        } else if (sameSecond) x.row.checked_at = tsAt(target + 7 + 11 * x.t);
      },
      completedHours: (t, sup) => (planted && t < k ? sup - 3 : sup),
      slot: SLOTS[r.int(0, 1)],
    });
    if (planted) P.add('TR-BULK-SIGNIN', 'class', h.id);
  };
  for (let i = 0; i < 5; i++) plant(i < 3, P.edge(i) ? 10 : r.int(11, 16), true);
  plant(true, 9, false);
  plant(false, 9, false);
};

const noFace: Block = (P, _w, r) => {
  // TR-NO-FACE: of a class's n × sessions sign-ins, just over 30 % (one more than 30 %) or up to
  // 70 % are manual/signature/card, or face with a score below 0.6 (0.599 when just past).
  // Near misses: exactly 30 % unverified; half of the sign-ins scored exactly 0.6.
  // Every other sign-in is a good face match. Not claimed; completed hours leave the bad ones out.
  const plant = (i: number, kind: 'method' | 'score' | 'at-score', share: 'edge' | 'random' | 'exact'): string => {
    const proj = P.project(r.chance(0.5) ? 24 : 30);
    const n = 10;
    const total = n * (proj.hours / 3);
    const floor30 = Math.floor(total * 0.3);
    const nBad = share === 'exact' ? floor30 : share === 'edge' ? floor30 + 1 : r.int(floor30 + 1, Math.floor(total * 0.7));
    const order = r.shuffle([...Array(total).keys()]);
    const bad = new Set(kind === 'at-score' ? order.slice(0, total / 2) : order.slice(0, nBad));
    const lost = new Map<number, number>();
    const h = P.host({
      n,
      project: proj,
      slot: SLOTS[r.int(0, 1)],
      claim: false,
      signin: (x) => {
        const k = x.s * n + x.t;
        if (!bad.has(k)) {
          x.row.method = 'face';
          x.row.face_score = +(0.72 + r.next() * 0.27).toFixed(3);
          return;
        }
        if (kind === 'method') {
          x.row.method = r.pick(['manual', 'signature', 'card']);
          x.row.face_score = null;
        } else {
          x.row.method = 'face';
          x.row.face_score = kind === 'at-score' ? 0.6 : i === 0 || r.chance(0.3) ? 0.599 : +(0.3 + r.next() * 0.28).toFixed(3);
        }
        if (kind !== 'at-score') lost.set(x.t, (lost.get(x.t) ?? 0) + 3);
      },
      completedHours: (t, sup) => sup - (lost.get(t) ?? 0),
    });
    return h.id;
  };
  for (let i = 0; i < 5; i++) P.add('TR-NO-FACE', 'class', plant(i, i < 3 ? 'method' : 'score', P.edge(i) ? 'edge' : 'random'));
  plant(0, 'method', 'exact');
  plant(0, 'at-score', 'random');
};

const KM_PER_DEGREE = (2 * Math.PI * 6371.0088) / 360;

const outside: Block = (P, _w, r) => {
  // TR-SIGNIN-OUTSIDE: sign-ins 5.1 km (just past) to 30 km from the venue, 31 minutes (just
  // past) to 2 hours early, or 1 minute to an hour after the end. Near misses: exactly 30
  // minutes early, exactly at the end, 4.9 km away. Plants are not claimed.
  type Kind = 'far' | 'early' | 'late';
  const plant = (kind: Kind, edge: boolean, planted: boolean): void => {
    const m = r.int(1, 4);
    const h = P.host({
      n: 10,
      claim: planted ? false : undefined,
      signin: (x) => {
        if (x.s !== 1 || x.t >= m) return;
        if (kind === 'far') {
          const km = !planted ? 4.9 : edge ? 5.1 : 5.2 + r.next() * 25;
          x.row.lat = +(x.venueLat + km / KM_PER_DEGREE).toFixed(6);
          x.row.lon = x.venueLon;
        } else if (kind === 'early') x.row.checked_at = tsAt(x.sessionStart - (!planted ? 1800 : edge ? 1860 : r.int(1861, 7200)));
        else x.row.checked_at = tsAt(x.sessionEnd + (!planted ? 0 : edge ? 60 : r.int(61, 3600)));
      },
      completedHours: (t, sup) => (planted && t < m ? sup - 3 : sup),
    });
    if (planted) P.add('TR-SIGNIN-OUTSIDE', 'class', h.id);
  };
  const kinds: Kind[] = ['far', 'far', 'early', 'late', r.pick(['far', 'early', 'late'] as const)];
  kinds.forEach((k, i) => plant(k, P.edge(i), true));
  for (const k of ['far', 'early', 'late'] as const) plant(k, false, false);
};

const hours: Block = (P, _w, r) => {
  // TR-HOURS: a 30-hour project delivered in sessions totalling just under 27 h (90 %) or
  // anywhere down to 40 %; or completed hours 1–16 h beyond the attended sessions. Near miss:
  // exactly 27 h (9 sessions of 3 h). Not claimed.
  const proj = P.project(30);
  // Just under: nine sessions, the last one a few minutes short of 3 h. Otherwise k sessions
  // of equal whole-minute length (never a stub session that sign-ins would overrun).
  const short = (secs: number): string => {
    const k = Math.ceil(secs / (3 * HOUR));
    const len = secs > 26 * HOUR ? 3 * HOUR : 60 * Math.floor(secs / k / 60);
    const last = secs > 26 * HOUR ? secs - (k - 1) * 3 * HOUR : len;
    return P.host({ project: proj, claim: false, slot: SLOTS[0], nSessions: k, sessionSecs: (s) => (s === k - 1 ? last : len) }).id;
  };
  for (let i = 0; i < 5; i++) {
    let id: string;
    if (i < 3) id = short(P.edge(i) ? 27 * HOUR - 60 * r.int(1, 10) : 60 * r.int(12 * 60, 26 * 60));
    else {
      const extra = P.edge(i) ? 1 : r.int(2, 16);
      id = P.host({ project: proj, claim: false, slot: SLOTS[0], completedHours: (_t: number, sup: number) => sup + extra }).id;
    }
    P.add('TR-HOURS', 'class', id);
  }
  P.host({ project: proj, claim: false, slot: SLOTS[0], nSessions: 9 });
};

const teacherClash: Block = (P, w, r) => {
  // TR-TEACHER-CLASH: one teacher for two classes of one institution whose sessions overlap by
  // exactly 1 minute or 2–150 minutes. Near miss: the second class starts as the first ends.
  const pair = (minutes: number): Person => {
    const inst = P.trainer();
    const t = w.addTeacher(inst);
    const s = P.day();
    P.host({ inst, teacher: t, start: s, slot: { h: 8, m: 30, len: 3 } });
    P.host({ inst, teacher: t, start: s + 3, slot: slotAt(at(0, 11, 30) - minutes * 60) });
    return t;
  };
  for (let i = 0; i < 5; i++) P.add('TR-TEACHER-CLASH', 'person', pair(P.edge(i) ? 1 : r.int(2, 150)).id);
  pair(0);
};

const subcontract: Block = (P, w, r) => {
  // TR-SUBCONTRACT: delivered_by another institution (3); more than half of the sessions (5 of 8
  // when just past, up to all) taught by another institution's teacher (2). Near miss: exactly half.
  const foreignShare = (inst: Inst, nForeign: number): ClassOut => {
    const other = P.trainer();
    const own = w.addTeacher(inst);
    const foreign = w.addTeacher(other);
    const order = r.shuffle([...Array(8).keys()]).slice(0, nForeign);
    return P.host({ inst, project: P.project(24), slot: SLOTS[0], teacher: own, teacherOf: (s) => (order.includes(s) ? foreign : own) });
  };
  for (let i = 0; i < 5; i++) {
    const inst = P.trainer();
    const h = i < 3 ? P.host({ inst, deliveredBy: P.trainer().id }) : foreignShare(inst, P.edge(i) ? 5 : r.int(6, 8));
    P.add('TR-SUBCONTRACT', 'class', h.id);
  }
  foreignShare(P.trainer(), 4);
};

const sharedContact: Block = (P, w, r) => {
  // TR-SHARED-CONTACT: five (just past) to eight trainees of a fresh institution share a phone (3)
  // or an account (2). Near misses: four share a phone, four share an account.
  const plant = (k: number, phone: boolean): Inst => {
    const inst = w.newInstitution('training');
    const planted = P.fresh(k);
    for (const p of planted.slice(1)) {
      if (phone) p.phone = planted[0]!.phone;
      else p.bank = planted[0]!.bank;
    }
    P.host({ inst, planted, n: 6 });
    return inst;
  };
  for (let i = 0; i < 5; i++) P.add('TR-SHARED-CONTACT', 'institution', plant(P.edge(i) ? 5 : r.int(6, 8), i < 3).id);
  plant(4, true);
  plant(4, false);
};

const catalog: Block = (P, w, r) => {
  // TR-CATALOG on the class start date s (catalog and licence ranges include both ends): the
  // project's catalog ended the day before (just past) or earlier, or starts later; the
  // institution's subsidy catalog ended before s or starts after it; its licence expired
  // before s. Near misses: each range ending or starting exactly on s.
  const gap = (i: number): number => (P.edge(i) ? 1 : r.int(2, 90));
  for (let i = 0; i < 5; i++) {
    const s = day('2023-05-08') + r.int(0, 120);
    let h: ClassOut;
    if (i === 0) h = P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: '2022-01-01', to: dateStr(s - gap(i)) }), claim: { status: 'paid' } });
    else if (i === 1) h = P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: dateStr(s + gap(i)) }), claim: { status: 'approved' } });
    else if (i === 2) h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { catalogFrom: '2021-01-01', catalogTo: dateStr(s - gap(i)) })), claim: { status: 'approved' } });
    else if (i === 3) h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { catalogFrom: dateStr(s + gap(i)) })), claim: { status: 'submitted' } });
    else h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { licenseTo: dateStr(s - gap(i)) })), claim: { status: 'paid' } });
    P.add('TR-CATALOG', 'class', h.id);
  }
  const s = day('2023-05-08') + r.int(0, 120);
  P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: '2022-01-01', to: dateStr(s) }), claim: { status: 'paid' } });
  P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: dateStr(s) }), claim: { status: 'paid' } });
  P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { catalogFrom: dateStr(s) })), claim: { status: 'approved' } });
  // The licence must cover every session, not only the start: it ends on the last day.
  const lic = withTeacher(w, w.newInstitution('training', { licenseTo: '2099-12-31' }));
  const hl = P.host({ start: s, inst: lic, claim: { status: 'approved' } });
  lic.licenseTo = dateStr(hl.end);
};

const lowYield: Block = (P, w, r) => {
  // TR-LOW-YIELD: employment projects with exactly 50 completers of whom 14 (28 %, just under
  // 30 %) or fewer are employed (3); interest projects claimed (2). Near misses: 50 completers
  // with exactly 15 employed (30 %); 49 completers, none employed.
  const employment = (completers: number, employed: number): Inst => {
    const inst = withTeacher(w, w.newInstitution('training'));
    const proj = w.newProject({ hours: 24, level: 5, category: 'employment' });
    const first = Math.ceil(completers / 2);
    P.host({ inst, project: proj, n: first, employed: (t) => t < Math.min(employed, first) });
    P.host({ inst, project: proj, n: completers - first, employed: (t) => t < employed - Math.min(employed, first) });
    return inst;
  };
  for (let i = 0; i < 5; i++) {
    let inst: Inst;
    if (i < 3) inst = employment(50, P.edge(i) ? 14 : r.int(0, 13));
    else {
      inst = withTeacher(w, w.newInstitution('training'));
      P.host({ inst, project: w.newProject({ hours: 24, level: 5, category: 'interest' }), claim: { status: 'approved' } });
    }
    P.add('TR-LOW-YIELD', 'institution', inst.id);
  }
  employment(50, 15);
  employment(49, 0);
};

// ------------------------------------------------------------ claims and payments

const claimAttendance: Block = (P, w, r) => {
  // TR-CLAIM-ATTENDANCE: claimed trainees who attended just under 80 % of the class's 10, 15
  // or 20 sessions (7/10, 11/15, 15/20), or as little as nothing. Near miss: a claimed class
  // whose weakest trainees attended exactly 80 %.
  const plant = (edge: boolean, planted: boolean): string => {
    const nS = r.pick([10, 15, 20]);
    const proj = nS === 10 ? P.project(30) : w.newProject({ hours: nS * 3, level: 5, category: 'employment' });
    const k = r.int(1, 3);
    const attended = (t: number): number => (!planted ? (nS * 4) / 5 : edge && t === 0 ? Math.ceil(nS * 0.8) - 1 : r.int(0, Math.ceil(nS * 0.8) - 1));
    const sets = Array.from({ length: k }, (_, t) => new Set(r.shuffle([...Array(nS).keys()]).slice(0, attended(t))));
    P.host({ project: proj, slot: SLOTS[0], n: 8, present: (t, s) => t >= k || sets[t]!.has(s), claim: { status: r.pick(['approved', 'paid', 'submitted'] as const), items: () => true } });
    return w.claimIds[0]!;
  };
  for (let i = 0; i < 5; i++) P.add('TR-CLAIM-ATTENDANCE', 'claim', plant(P.edge(i), true));
  plant(false, false);
};

const ghost: Block = (P, w, r) => {
  // Ghost classes: offline or blended classes with enrolled, "completed" and claimed trainees
  // but no session rows at all. RULES.md: 0 hours delivered (TR-HOURS on the class) and 0 %
  // attendance for every claimed trainee (TR-CLAIM-ATTENDANCE on each non-rejected claim).
  const variants: { mode: 'offline' | 'blended'; claim: 'claimed' | 'rejected' | 'none' }[] = [
    { mode: 'offline', claim: 'claimed' },
    { mode: 'blended', claim: 'claimed' },
    { mode: r.pick(['offline', 'blended'] as const), claim: 'claimed' },
    { mode: 'offline', claim: 'rejected' },
    { mode: 'blended', claim: 'none' },
  ];
  for (const v of variants) {
    const h = P.host({
      mode: v.mode,
      ghost: true,
      n: r.int(6, 14),
      claim: v.claim === 'none' ? false : { status: v.claim === 'rejected' ? 'rejected' : r.pick(['approved', 'paid', 'submitted'] as const) },
    });
    P.add('TR-HOURS', 'class', h.id);
    if (v.claim === 'claimed') P.add('TR-CLAIM-ATTENDANCE', 'claim', w.claimIds[0]!);
  }
};

const claimAmount: Block = (P, w, r) => {
  // TR-CLAIM-AMOUNT: items 1 yuan (just past) to 600 yuan above the standard; item sum ≠ amount;
  // submitted the day before (just past) or days before the class ended; a second non-rejected
  // claim listing the same person for the same class (2). Near miss: submitted on the end date.
  for (let i = 0; i < 4; i++) {
    const over = P.edge(i) ? 1 : r.int(2, 600);
    if (i === 0) P.host({ claim: { status: 'approved', itemAmount: (_t, std) => std + over } });
    else if (i === 1) P.host({ claim: { status: 'approved', amountDelta: -(P.edge(i) ? 1 : r.int(2, 500)) } });
    else {
      const s = P.day();
      const proj = P.shortProject();
      const end = s + Math.ceil(proj.hours / 3) - 1;
      P.host({ start: s, project: proj, claim: { status: 'submitted', submitted: end - (P.edge(i) ? 1 : r.int(2, 6)) } });
    }
    P.add('TR-CLAIM-AMOUNT', 'claim', w.claimIds[w.claimIds.length - 1]!);
  }
  const s = P.day();
  const proj = P.shortProject();
  P.host({ start: s, project: proj, claim: { status: 'paid', submitted: s + Math.ceil(proj.hours / 3) - 1 } });
};

const doubleClaim: Block = (P, w, r) => {
  // The same person in two non-rejected claims for one class. TR-CLAIM-AMOUNT flags the second
  // claim; RULES.md counts claim items, so TR-REPEAT counts the person twice for the class's
  // occupation and level. (1) one or two trainees listed again (2 plants); (2) three
  // subsidised trainings of distinct occupations in 2023 plus a second claim for one of them:
  // four claim items, so TR-FREQ too. Near miss: the second claim was rejected.
  for (let i = 0; i < 2; i++) {
    const again = i === 0 ? [0] : [0, 1];
    const h = P.host({ claim: { status: r.pick(['paid', 'approved'] as const), second: again, secondStatus: r.pick(['submitted', 'approved', 'paid'] as const) } });
    P.add('TR-CLAIM-AMOUNT', 'claim', w.claimIds[1]!);
    for (const t of again) P.add('TR-REPEAT', 'person', h.trainees[t]!.id);
  }
  const people = P.fresh(r.int(1, 2));
  const projs = distinctProjects(w, 3, 9);
  const dates = ['2023-03-20', '2023-06-05', '2023-09-04'];
  const twice = r.int(0, 2);
  projs.forEach((proj, k) => {
    P.host({ planted: people, project: proj, start: day(dates[k]!) + r.int(0, 5), claim: { status: 'approved', ...(k === twice ? { second: people.map((_, t) => t) } : {}) } });
    if (k === twice) P.add('TR-CLAIM-AMOUNT', 'claim', w.claimIds[1]!);
  });
  for (const p of people) {
    P.add('TR-FREQ', 'person', p.id);
    P.add('TR-REPEAT', 'person', p.id);
  }
  P.host({ claim: { status: 'paid', second: [0], secondStatus: 'rejected' } });
};

const payee: Block = (P, w) => {
  // TR-PAYEE: paid to another account (3) or another name (2).
  for (let i = 0; i < 5; i++) {
    P.host({ claim: { status: 'paid', payee: i < 3 ? { account: '6228' + String(480000000000000 + i * 7919) } : { name: ['张伟', '华信咨询服务部'][i - 3]! } } });
    P.add('TR-PAYEE', 'claim', w.claimIds[0]!);
  }
};

// ------------------------------------------------------------ online learning

const noVerify: Block = (P, _w, r) => {
  // ON-NO-VERIFY: no face event (3), a failed face (score 0.599 when just past, else 0.2–0.45)
  // and no pass after it (2). Near miss: a face scored exactly 0.6 (a pass).
  const planted = P.fresh(5);
  const sess = (d: number, extra: Partial<OnlineSessionSpec>): OnlineSessionSpec => ({ start: at(d, 9, r.int(0, 20)), minutes: r.int(40, 70), item: 'K01', ...extra });
  P.online(planted, (i, _p, s) => [sess(s + 10, i < 3 ? { face: 'none' } : { face: 'fail', ...(P.edge(i - 3) ? { faceScore: 0.599 } : {}) })]);
  for (const p of planted) P.add('ON-NO-VERIFY', 'person', p.id);
  P.online(P.fresh(2), (_i, _p, s) => [sess(s + 10, { faceScore: 0.6 })]);
};

const concurrent: Block = (P, w, r) => {
  // ON-CONCURRENT. Stream A: device A, item K01, 80 minutes of human heartbeats. Plants:
  // (1) a second device logs in at one of A's heartbeats and stays exactly 5 minutes (its last
  //     heartbeat 300 s after its login, no logout; its login is ordered before A's heartbeat of
  //     the same second); (2) a second course item K02 on the same device, no login, heartbeats
  //     over exactly 5 minutes; (3)/(4) the same for 6–40 minutes; (5) device A logs out while
  //     device B (logged in 8–20 minutes earlier) carries on for another 10–25 minutes: per-device
  //     login sessions, so B's later heartbeats still belong to B's verified session.
  // Near misses (clean): the same second device / second item for exactly 4 minutes; and a
  // switch A → B → A inside A's login session with no simultaneous activity (B logs in 1–3
  // minutes after A's last heartbeat, learns 8–18 minutes and logs out; A resumes 1–3 minutes later).
  const streamA = (s: number): OnlineSessionSpec & { beats: number[] } => ({ start: at(s + 10, 9, r.int(0, 20)), minutes: 80, item: 'K01', faceAfter: 8, beats: P.beats(8, 80 * 60) });
  const second = (kind: 'device' | 'item', seconds: number) => (_i: number, _p: Person, s: number): OnlineSessionSpec[] => {
    const a = streamA(s);
    // One of A's heartbeats after its first five, with A still learning well after T + seconds.
    const last = a.beats[a.beats.length - 1]!;
    const fits = a.beats.filter((b, j) => j >= 5 && b + seconds + 120 <= last);
    const T = a.start + r.pick(fits);
    if (kind === 'device') {
      const u = w.uniqueDevice();
      const b: OnlineSessionSpec = { start: T, minutes: 0, device: u.device, ip: u.ip, item: 'K01', noPosition: true, noLogout: true, faceAfter: r.int(3, 15), beats: [] };
      b.beats = P.beats(b.faceAfter!, seconds, true);
      return [b, a];
    }
    return [{ start: T, minutes: 0, item: 'K02', noLogin: true, face: 'none', noPosition: true, noLogout: true, beats: [0, ...P.beats(0, seconds, true)] }, a];
  };
  const planted: Person[] = [];
  const plans: [string, number][] = [['device', 300], ['item', 300], ['device', 60 * r.int(6, 40)], ['item', 60 * r.int(6, 40)]];
  for (const [kind, secs] of plans) {
    const p = P.fresh(1);
    P.online(p, second(kind as 'device' | 'item', secs));
    planted.push(...p);
  }
  const inter = P.fresh(1);
  P.online(inter, (_i, _p, s) => {
    const a = streamA(s);
    const aEnd = a.start + a.beats[a.beats.length - 1]!;
    const u = w.uniqueDevice();
    const bStart = aEnd - 60 * r.int(8, 20);
    const bLen = aEnd - bStart + 60 * r.int(10, 25);
    return [a, { start: bStart, minutes: 0, device: u.device, ip: u.ip, item: 'K02', faceAfter: r.int(3, 15), beats: P.beats(20, bLen, true) }];
  });
  planted.push(...inter);
  for (const p of planted) P.add('ON-CONCURRENT', 'person', p.id);
  P.online(P.fresh(1), second('device', 240));
  P.online(P.fresh(1), second('item', 240));
  P.online(P.fresh(r.int(1, 2)), (_i, _p, s) => {
    const t0 = at(s + 10, 9, r.int(0, 20));
    const a1: OnlineSessionSpec = { start: t0, minutes: 0, item: 'K01', faceAfter: 8, noLogout: true, beats: P.beats(8, 60 * r.int(15, 30)) };
    const bStart = t0 + a1.beats![a1.beats!.length - 1]! + r.int(60, 180);
    const u = w.uniqueDevice();
    const bLen = 60 * r.int(8, 18);
    const b: OnlineSessionSpec = { start: bStart, minutes: 0, device: u.device, ip: u.ip, item: 'K01', faceAfter: 10, tail: 10, beats: P.beats(10, bLen, true) };
    const a2: OnlineSessionSpec = { start: bStart + bLen + 10 + r.int(60, 180), minutes: 0, item: 'K01', noLogin: true, face: 'none', beats: [0, ...P.beats(0, 60 * r.int(15, 30))] };
    return [a1, b, a2];
  });
};

const deviceFarm: Block = (P, w, r) => {
  // ON-DEVICE-FARM: one device (3) or one ip (2) used by five (just past) to eight learners in
  // one day, one after another. Near misses: four learners on one device, four on one ip.
  const farm = (k: number, byDevice: boolean): string => {
    const u = w.uniqueDevice();
    const learners = P.fresh(k);
    P.online(learners, (j, p, s) => [{ start: at(s + 10, 6, r.int(0, 20)) + j * 120 * 60, minutes: r.int(50, 80), item: 'K01', ...(byDevice ? { device: u.device, ip: p.ip } : { device: p.device, ip: u.ip }) }]);
    return byDevice ? u.device : u.ip;
  };
  for (let i = 0; i < 5; i++) P.add('ON-DEVICE-FARM', 'device', farm(P.edge(i) ? 5 : r.int(6, 8), i < 3));
  farm(4, true);
  farm(4, false);
};

/** Sessions on day d whose learning time (face → last heartbeat) adds up to `learning` seconds. */
function dayOfLearning(P: Planter, d: number, learning: number, wall = false): OnlineSessionSpec[] {
  const n = 7;
  const out: OnlineSessionSpec[] = [];
  let t = at(d, 6, 30);
  let left = learning;
  for (let k = 0; k < n; k++) {
    // wall: login → logout (face 10 s in, logout 20 s after the last heartbeat) adds up instead.
    const len = k === n - 1 ? left : Math.floor(learning / n);
    left -= len;
    const l = wall ? len - 30 : len;
    out.push({ start: t, minutes: 0, item: `K1${k}`, faceAfter: 10, tail: 20, beats: P.beats(10, 10 + l, true) });
    t += (wall ? len : l + 30) + 60 * P.r.int(5, 12);
  }
  return out;
}

const speed: Block = (P, _w, r) => {
  // ON-SPEED: playback advancing floor(1.5 × interval) + 1 s per heartbeat (just past 1.5×) or
  // 1.6–3× (3); 12 h + 1 s…5 min (just past) or up to 14.5 h of learning in one day (2).
  // Near misses: playback at exactly 1.5× (even intervals); a day of exactly 12 h from
  // logins to logouts (so under 12 h of learning by any reading).
  const planted = P.fresh(5);
  const even = (from: number, to: number): number[] => P.beats(from, to).map((b) => b - (b % 2));
  P.online(planted, (i, _p, s) => {
    const edge = P.edge(i < 3 ? i : i - 3);
    if (i < 3) return [{ start: at(s + 10, 10, r.int(0, 20)), minutes: 0, item: 'K01', faceAfter: 10, beats: even(10, 45 * 60), speed: edge ? 1.5 : 1.6 + r.next() * 1.4, speedBump: edge ? 1 : 0 }];
    return dayOfLearning(P, s + 10, 12 * HOUR + (edge ? r.int(1, 300) : r.int(301, 9000)));
  });
  for (const p of planted) P.add('ON-SPEED', 'person', p.id);
  P.online(P.fresh(1), (_i, _p, s) => [{ start: at(s + 10, 10, r.int(0, 20)), minutes: 0, item: 'K01', faceAfter: 10, beats: even(10, 45 * 60), speed: 1.5 }]);
  P.online(P.fresh(1), (_i, _p, s) => dayOfLearning(P, s + 10, 12 * HOUR, true));
};

const bot: Block = (P, _w, r) => {
  // ON-BOT: exactly 100 (just past) to 160 heartbeats in one login session, every b seconds
  // (b = 20–60) with up to 30 % of the intervals one second longer: std-dev < 0.47 s.
  // Near misses: 99 heartbeats exactly b apart; 100–140 heartbeats alternating b and b + 1
  // (std-dev just over 0.5 s).
  const session = (s: number, n: number, intervals: (k: number) => number): OnlineSessionSpec => {
    const beats: number[] = [];
    let t = 10;
    for (let k = 0; k < n; k++) beats.push((t += k === 0 ? 30 : intervals(k)));
    return { start: at(s + 10, 8, r.int(0, 30)), minutes: 0, item: 'K01', faceAfter: 10, beats };
  };
  const planted = P.fresh(5);
  P.online(planted, (i, _p, s) => {
    const n = P.edge(i) ? 100 : r.int(101, 160);
    const b = r.int(20, 60);
    const longer = new Set(r.shuffle([...Array(n).keys()].slice(1)).slice(0, r.int(0, Math.floor(0.3 * (n - 1)))));
    return [session(s, n, (k) => (longer.has(k) ? b + 1 : b))];
  });
  for (const p of planted) P.add('ON-BOT', 'person', p.id);
  P.online(P.fresh(1), (_i, _p, s) => [session(s, 99, () => 40)]);
  P.online(P.fresh(1), (_i, _p, s) => [session(s, r.int(100, 140), (k) => 45 + (k % 2))]);
};

const tamper: Block = (P, w, r) => {
  const sess = (d: number, h: number, minutes: number): OnlineSessionSpec => ({ start: at(d, h, r.int(0, 20)), minutes, item: 'K01' });
  void w;
  // ON-TAMPER: a heartbeat's position edited after hashing (3), a heartbeat deleted (2).
  {
    const planted = P.fresh(5);
    P.online(planted, (_i, _p, s) => [sess(s + 10, 9, 50)], { tamper: (t) => (t < 3 ? { kind: 'mutate', heartbeat: 10 } : t < 5 ? { kind: 'drop', heartbeat: 12 } : undefined) });
    for (const p of planted) P.add('ON-TAMPER', 'person', p.id);
  }
};

// ------------------------------------------------------------ evaluation and certificates

/**
 * Registered evaluation institutions of the clean world (every scope covers levels 4–5):
 * never those that plants create later, whose scopes may leave out level 5.
 */
const registeredEvals = (w: World): Inst[] => w.institutions.filter((i) => i.kind === 'evaluation' && i.regNo && !i.termOn && i.scopes.every((s) => s.levels.includes(5)) && i.scopes.length > 0);

function freshEval(w: World, opts: Partial<Inst> = {}, scopes = true): Inst {
  const r = w.rng;
  const inst = w.newInstitution('evaluation', opts);
  w.addExaminer(inst);
  w.addExaminer(inst);
  if (scopes) for (const occ of new Set([r.pick(w.projects).occ, r.pick(w.projects).occ])) w.addScope(inst, occ, [3, 4, 5]);
  return inst;
}

const evScope: Block = (P, w, r) => {
  const evals = registeredEvals(w);
  const freshEvalL = (opts: Partial<Inst> = {}, scopes = true): Inst => freshEval(w, opts, scopes);
  // EV-SCOPE: occupation outside scope (2), level outside scope, unregistered institution, terminated registration.
  for (let i = 0; i < 5; i++) {
    let ex: ExamOut;
    if (i < 2) {
      const inst = r.pick(evals);
      const outside = OCCUPATIONS.find((o) => !inst.scopes.some((s) => s.occ === o.code) && !o.inCatalog2021)!;
      ex = P.exam({ inst, occ: outside.code });
    } else if (i === 2) {
      const inst = freshEvalL({}, false);
      const occ = r.pick(w.projects).occ;
      w.addScope(inst, occ, [3, 4]);
      ex = P.exam({ inst, occ, level: 5 });
    } else if (i === 3) {
      const inst = P.trainer();
      const examiners = [w.addExaminer(inst), w.addExaminer(inst)];
      ex = P.exam({ inst, occ: r.pick(w.projects).occ, examiners });
    } else {
      const inst = freshEvalL({ termOn: '2023-05-31' });
      ex = P.exam({ inst, start: at(day('2023-08-14'), 9) });
    }
    P.add('EV-SCOPE', 'exam', ex.id);
  }
};

const eligibility: Block = (P, w, r) => {
  // EV-ELIGIBILITY. Level 4 without a level-5 certificate and 5 years (just under 6) or fewer;
  // level 3 without a level-4 certificate; level 3 citing a certificate that does not exist;
  // level 4 citing someone else's level-5 certificate of the occupation (RULES.md: the
  // candidate must hold it), with 4–5 years. Near misses: level 4 with exactly 6 years; level 4
  // citing the candidate's own level-5 certificate with exactly 4 years.
  const evals = registeredEvals(w);
  const inst4 = evals.find((i) => i.scopes.some((s) => s.levels.includes(4) && s.levels.includes(5)))!;
  const occ4 = inst4.scopes.find((s) => s.levels.includes(4) && s.levels.includes(5))!.occ;
  const a = P.fresh(2);
  P.exam({ inst: inst4, occ: occ4, level: 4, planted: a.map((p, k) => ({ person: p, pass: true, basis: 'experience', exp: P.edge(k) ? 5 : r.int(0, 4) })) });
  const inst3 = evals.find((i) => i.scopes.some((s) => s.levels.includes(3))) ?? freshEval(w);
  const b = P.fresh(2);
  P.exam({
    inst: inst3,
    occ: inst3.scopes.find((s) => s.levels.includes(3))!.occ,
    level: 3,
    othersFail: true,
    n: 15,
    planted: b.map((p, k) => (k < 1 ? { person: p, pass: true, basis: 'experience', exp: r.int(5, 12) } : { person: p, pass: true, basis: 'prior_certificate', exp: 6, prior: `Y${w.province}2199999999` + '4' })),
  });
  // Level-5 holders (certificates issued 7–20 days after the exam), then a level-4 exam 60+ days later.
  const holders = P.fresh(4);
  const nos = new Map<Person, string>();
  const d5 = day('2023-03-06') + r.int(0, 60);
  P.exam({
    inst: inst4,
    occ: occ4,
    level: 5,
    start: at(d5, 9),
    planted: holders.map((p) => ({ person: p, pass: true, basis: 'other', exp: 3 })),
    certs: (passed, ex) =>
      passed.map((c): CertSpec => {
        const no = w.newCertNo(ex.level);
        nos.set(c.person, no);
        return { ...w.certFor(c.person, ex), no };
      }),
  });
  const borrowers = P.fresh(2);
  const own = holders[3]!;
  P.exam({
    inst: inst4,
    occ: occ4,
    level: 4,
    start: at(d5 + 60 + r.int(0, 60), 9),
    planted: [
      ...borrowers.map((p, k): CandSpec => ({ person: p, pass: true, basis: 'prior_certificate', exp: r.int(4, 5), prior: nos.get(holders[k]!)! })),
      { person: own, pass: true, basis: 'prior_certificate', exp: 4, prior: nos.get(own)! },
      { person: w.newPerson(), pass: true, basis: 'experience', exp: 6 },
    ],
  });
  for (const p of [...a, ...b, ...borrowers]) P.add('EV-ELIGIBILITY', 'person', p.id);
};

const noExam: Block = (P, w, r) => {
  const evals = registeredEvals(w);
  // EV-NO-EXAM: certificates for people who sat no exam (3); issued before the exam ended (2).
  {
    for (let i = 0; i < 3; i++) {
      const inst = r.pick(evals);
      const sc = r.pick(inst.scopes);
      const p = w.newPerson();
      const issued = day('2023-06-01') + r.int(0, 150);
      const no = w.writeCert({ person: p, occ: sc.occ, level: 5, inst, examId: null, issued, uploaded: issued + 3 });
      P.add('EV-NO-EXAM', 'certificate', no);
    }
    const early: string[] = [];
    P.exam({
      certs: (passed, ex) =>
        passed.map((c, k) => {
          const cert = w.certFor(c.person, ex);
          if (k < 2) {
            cert.no = w.newCertNo(ex.level);
            cert.issued = Math.floor(ex.start / 86400) - 1;
            cert.uploaded = cert.issued + 2;
            early.push(cert.no);
          }
          return cert;
        }),
    });
    for (const no of early) P.add('EV-NO-EXAM', 'certificate', no);
  }
};

const passRate: Block = (P, _w, r) => {
  // EV-PASS-RATE: everyone present passed, exactly 30 (just past) or 31–40 present, plus 0–3
  // absent (3); more than half of the passed bunched in [60, 63] — 11 of 20 when just past (2).
  // Near misses: 29 present all passed (+ absentees); exactly half bunched.
  const allPass = (present: number): ExamOut =>
    P.exam({ n: 0, planted: [...P.fresh(present).map((p): CandSpec => ({ person: p, pass: true, basis: 'other', exp: 3 })), ...P.fresh(r.int(0, 3)).map((p): CandSpec => ({ person: p, absent: true, basis: 'other', exp: 3 }))] });
  const bunched = (nb: number): ExamOut =>
    P.exam({
      n: 0,
      planted: P.fresh(30).map((p, k): CandSpec =>
        k < nb
          ? { person: p, theory: r.pick([60, 62]), practical: 60 + r.int(0, 3), basis: 'other', exp: 3 }
          : k < 20
            ? { person: p, theory: 70 + 2 * r.int(0, 10), practical: r.int(70, 92), basis: 'other', exp: 3 }
            : { person: p, pass: false, basis: 'other', exp: 3 },
      ),
    });
  for (let i = 0; i < 5; i++) P.add('EV-PASS-RATE', 'exam', (i < 3 ? allPass(P.edge(i) ? 30 : r.int(31, 40)) : bunched(P.edge(i) ? 11 : r.int(12, 20))).id);
  allPass(29);
  bunched(10);
};

const answers: Block = (P, w, r) => {
  // EV-ANSWERS: two (or three) candidates whose answer strings of L answers agree on q: exactly
  // 95 % over 20 (19 of 20) when just past, else L = 20–50 with q ≥ 95 %. Near misses: 47 of 50
  // (94 %); 19 answers all equal (fewer than 20).
  const pair = (len: number, equal: number, three = false): ExamOut => {
    let s = '';
    for (let q = 0; q < len; q++) s += 'ABCD'[r.int(0, 3)];
    const diff = new Set(r.shuffle([...Array(len).keys()]).slice(0, len - equal));
    let t = '';
    for (let q = 0; q < len; q++) t += diff.has(q) ? 'ABCD'[('ABCD'.indexOf(s[q]!) + r.int(1, 3)) % 4] : s[q];
    const copies = [s, t, ...(three ? [s] : [])];
    return P.exam({ planted: copies.map((ans, k) => ({ person: w.newPerson(), answers: ans, theory: 70 + k * 2, practical: 75, basis: 'other', exp: 2 })) });
  };
  for (let i = 0; i < 5; i++) {
    const edge = P.edge(i);
    const len = edge ? 20 : r.int(20, 50);
    const q = edge ? 19 : r.int(Math.ceil(len * 0.95), len);
    P.add('EV-ANSWERS', 'exam', pair(len, q, i === 2).id);
  }
  pair(50, 47);
  pair(19, 19);
};

const clash: Block = (P, w, r) => {
  // EV-CLASH: candidates in two exams overlapping by exactly 1 minute or 2–120 minutes (3);
  // examiners who are staff of the candidates' training institution (2). Near miss: two
  // exams that touch (the second starts as the first ends).
  const evals = registeredEvals(w);
  const two = (people: Person[], minutes: number): void => {
    const d = day('2023-10-09') + r.int(0, 30);
    const [e1, e2] = r.shuffle([...evals]).slice(0, 2) as [Inst, Inst];
    P.exam({ inst: e1, start: at(d, 9), minutes: 150, planted: people.map((p) => ({ person: p, pass: true, basis: 'other', exp: 1 })) });
    P.exam({ inst: e2, start: at(d, 11, 30) - minutes * 60, planted: people.map((p) => ({ person: p, pass: true, basis: 'other', exp: 1 })) });
  };
  for (let k = 0; k < 3; k++) {
    const p = P.fresh(1);
    two(p, P.edge(k) ? 1 : r.int(2, 120));
    P.add('EV-CLASH', 'person', p[0]!.id);
  }
  two(P.fresh(2), 0);
  for (let i = 0; i < 2; i++) {
    const t = P.trainer();
    const h = P.host({ inst: t, n: 10 });
    const e = evals[(i + 3) % evals.length]!;
    const x = w.staffPerson();
    w.write('staff', { institution_id: t.id, id_number: x.id, role: 'manager', from: '2020-05-01' });
    w.write('staff', { institution_id: e.id, id_number: x.id, role: 'examiner', from: '2021-01-01' });
    e.examiners.push(x);
    P.exam({ inst: e, start: at(h.end + 10, 9), examiners: [x, e.examiners[0]!], planted: h.trainees.map((p) => ({ person: p, basis: 'other', exp: 1 })) });
    P.add('EV-CLASH', 'person', x.id);
  }
};

const mill: Block = (P, w, r) => {
  // EV-MILL: certificates of three different occupations issued within 29 days (just inside a
  // 30-day window however its ends are counted) or 2–28 days. Near misses: the same three
  // occupations spread over 31 days; two occupations within a week.
  const evals = registeredEvals(w);
  const certified = (people: Person[], offsets: number[]): void => {
    const d0 = day('2023-06-05') + r.int(0, 60);
    const used = new Set<string>();
    offsets.forEach((off) => {
      let inst = r.pick(evals);
      let sc = r.pick(inst.scopes);
      for (let g = 0; g < 200 && used.has(sc.occ); g++) {
        inst = r.pick(evals);
        sc = r.pick(inst.scopes);
      }
      used.add(sc.occ);
      P.exam({
        inst,
        occ: sc.occ,
        start: at(d0 + off - 10, 9),
        planted: people.map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
        certs: (passed, ex) => passed.map((c) => ({ ...w.certFor(c.person, ex), issued: d0 + off, uploaded: d0 + off + 2 })),
      });
    });
  };
  for (let k = 0; k < 3; k++) {
    const people = P.fresh(k === 0 ? 1 : 2);
    const span = P.edge(k) ? 29 : r.int(2, 28);
    certified(people, [0, r.int(0, span), span]);
    for (const p of people) P.add('EV-MILL', 'person', p.id);
  }
  certified(P.fresh(1), [0, r.int(1, 30), 31]);
  certified(P.fresh(1), [0, r.int(1, 7)]);
};

const capacity: Block = (P, w, r) => {
  // EV-CAPACITY: capacity C and C + 1 (just past) to C + 8 passed candidates, all certified (3);
  // three passed candidates certified twice (2). Near miss: exactly C passed and certified.
  const full = (c: number, passed: number): Inst => {
    const inst = freshEval(w);
    P.exam({ inst, n: 5, othersFail: true, capacity: c, planted: P.fresh(passed).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })) });
    return inst;
  };
  for (let i = 0; i < 5; i++) {
    let inst: Inst;
    if (i < 3) {
      const c = r.int(15, 30);
      inst = full(c, c + (P.edge(i) ? 1 : r.int(2, 8)));
    } else {
      inst = freshEval(w);
      P.exam({
        inst,
        capacity: 40,
        planted: P.fresh(6).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
        certs: (passed, ex) => [...passed.map((c) => w.certFor(c.person, ex)), ...passed.slice(0, 3).map((c) => w.certFor(c.person, ex))],
      });
    }
    P.add('EV-CAPACITY', 'institution', inst.id);
  }
  const c = r.int(15, 30);
  full(c, c);
};

const certData: Block = (P, w, r) => {
  // EV-CERT-DATA: one number on two holders (2), never uploaded (2), uploaded 31 days (just
  // past) to 90 days after issue. Near miss: uploaded exactly 30 days after issue.
  const nos: string[] = [];
  P.exam({
    planted: P.fresh(8).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
    certs: (passed, ex) => {
      const certs = passed.map((c) => ({ ...w.certFor(c.person, ex), no: w.newCertNo(ex.level) }));
      certs[1]!.no = certs[0]!.no;
      certs[3]!.no = certs[2]!.no;
      certs[4]!.uploaded = null;
      certs[5]!.uploaded = null;
      certs[6]!.uploaded = certs[6]!.issued + (P.edge(0) ? 31 : r.int(32, 90));
      certs[7]!.uploaded = certs[7]!.issued + 30;
      nos.push(certs[0]!.no!, certs[2]!.no!, certs[4]!.no!, certs[5]!.no!, certs[6]!.no!);
      return certs;
    },
  });
  for (const no of nos) P.add('EV-CERT-DATA', 'certificate', no);
};

// ------------------------------------------------------------ adverts and listings

const adverts: Block = (P, w, r) => {
  w.skipTextIds(r.int(0, 400), r.int(0, 400));
  const trainers = w.institutions.filter((i) => i.kind === 'training');
  const registered = w.institutions.filter((i) => i.kind === 'evaluation' && i.regNo && !i.termOn);
  const tel = (): string => `1${r.int(30, 89)}${String(r.int(0, 99999999)).padStart(8, '0')}`;
  const occ = (): string => r.pick(w.projects).occName;
  const cap = (): string => dateStr(day('2023-05-01') + r.int(0, 200));
  ADS_TERMS.forEach((tpl, i) => {
    const inst = i % 2 ? trainers[i % trainers.length]! : null;
    const id = w.writeAd({
      source: r.pick(['web', 'wechat', 'platform']),
      publisher_name: inst ? inst.name : ['速成教育咨询工作室', '金牌考证服务中心', '启明职业咨询'][i % 3]!,
      publisher_uscc: inst ? inst.uscc : null,
      text: tpl.replace('{tel}', tel()).replace('{occ}', occ()),
      captured_on: cap(),
    });
    P.add('AD-TERMS', 'ad', id);
  });
  ADS_AGENCY.forEach((tpl, i) => {
    const inst = trainers[(i * 7) % trainers.length]!;
    const id = w.writeAd({ source: r.pick(['web', 'wechat', 'print']), publisher_name: inst.name, publisher_uscc: inst.uscc, text: tpl.replace('{tel}', tel()).replace('{occ}', occ()), captured_on: cap() });
    P.add('AD-AGENCY', 'ad', id);
  });
  ADS_FAKE_QUAL.forEach((tpl, i) => {
    const inst = registered[i % registered.length]!;
    const id = w.writeAd({ source: 'web', publisher_name: inst.name, publisher_uscc: inst.uscc, text: tpl.replace('{tel}', tel()), captured_on: cap() });
    P.add('AD-FAKE-QUAL', 'ad', id);
  });
  for (const l of LISTINGS_PLANT) {
    const id = w.writeListing({ platform: r.pick(PLATFORMS), shop_name: r.pick(['考证', '职达', '速证', '技能']) + r.pick(['服务店', '工作室', '小铺']), title: l.title, description: l.desc, price: l.price });
    P.add('PL-LISTING', 'listing', id);
  }
};

const BLOCKS: Block[] = [
  idInvalid, deceased, age, repeat, freq, overlap, insider,
  bulk, noFace, outside, hours, teacherClash, subcontract, sharedContact, catalog, lowYield,
  claimAttendance, ghost, claimAmount, doubleClaim, payee,
  noVerify, concurrent, deviceFarm, speed, bot, tamper,
  evScope, eligibility, noExam, passRate, answers, clash, mill, capacity, certData,
  adverts,
];
