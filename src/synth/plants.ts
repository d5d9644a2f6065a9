/**
 * Planted anomalies: for every rule of RULES.md at least five instances, each built on
 * fresh subjects (persons, classes, exams, adverts …) so that it triggers its rule clearly
 * past the default threshold and nothing else. Where a plant cannot avoid a second rule,
 * that (rule, subject) is written to the answer key too — the key is the exact set a
 * correct implementation finds.
 */
import { idCheckChar, makeIdNumber, OCCUPATIONS } from '../ids/index.ts';
import { dateStr, day, at, ageOn } from './time.ts';
import { World, SLOTS, type Inst, type Person, type Project, type ClassSpec, type ClassOut, type CandSpec, type OnlineSessionSpec, type ExamOut } from './world.ts';
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

  trainer(): Inst {
    return this.trainers[this.ti++ % this.trainers.length]!;
  }

  shortProject(): Project {
    return this.r.pick(this.short);
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
  exam(o: Partial<{ inst: Inst; occ: string; level: number; start: number; n: number; planted: CandSpec[]; capacity: number; certs: Parameters<World['buildExam']>[0]['certs']; examiners: Person[]; othersFail: boolean }> = {}): ExamOut {
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

  /** Clean online sessions on days other than `avoid`, at 19:00. */
  calm(p: Person, startDay: number, endDay: number, avoid: number[], item = 'K09'): OnlineSessionSpec[] {
    const out: OnlineSessionSpec[] = [];
    for (let d = startDay + 1; d <= endDay && out.length < 2; d += 3) {
      if (avoid.some((a) => Math.abs(a - d) <= 1)) continue;
      out.push({ start: at(d, 19, this.r.int(0, 30)), minutes: this.r.int(40, 60), item: item + out.length });
    }
    void p;
    return out;
  }

  /** An online class whose planted trainees get the given sessions, the rest clean ones. */
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
      online: (t, p, s, e) => (t < planted.length ? [...sessions(t, p, s), ...this.calm(p, s, e, [s + 10])] : this.calm(p, s, e, [])),
      ...o,
    });
  }
}

/** Plant every rule; returns the answer key (possibly with duplicates, removed by the caller). */
export async function plantAll(w: World, drain: () => Promise<void>): Promise<Answer[]> {
  const P = new Planter(w);
  const r = w.rng;
  const families = [trainingPeople, trainingClasses, trainingMoney, online, evaluation, adverts];
  for (const f of families) {
    f(P, w, r);
    await drain();
  }
  return P.answers;
}

type Fam = (P: Planter, w: World, r: World['rng']) => void;

// ------------------------------------------------------------ persons in training

const trainingPeople: Fam = (P, w) => {
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
  // TR-DECEASED: death before class start, during the class, between class end and claim, before an exam.
  {
    const s1 = P.day();
    const a = w.newPerson();
    a.death = dateStr(s1 - 40);
    const b = w.newPerson();
    b.death = dateStr(s1 + 3);
    P.host({ planted: [a, b], start: s1, project: P.shortProject(), claim: { status: 'paid' } });
    const s2 = P.day();
    const c = w.newPerson();
    const e = w.newPerson();
    e.death = dateStr(s2 - 5);
    const proj = P.shortProject();
    const h = P.host({ planted: [c, e], start: s2, project: proj, claim: false });
    // c dies two days after the last session; the claim listing c comes ten days after that.
    c.death = dateStr(h.end + 2);
    w.emitClaim(h.id, h.inst, h.end + 12, 'approved', h.completers.map((p) => ({ p, amount: proj.subsidy })), 0);
    const d = w.newPerson();
    const ex = P.exam({ planted: [{ person: d, pass: false, basis: 'other', exp: 2 }] });
    d.death = dateStr(Math.floor(ex.start / 86400) - 20);
    for (const p of [a, b, c, e, d]) P.add('TR-DECEASED', 'person', p.id);
  }
  // TR-AGE: 15, 15, 62, 65, 70 at class start.
  {
    const s = P.day();
    const planted = [15, 15, 62, 65, 70].map((age) => w.newPerson({ birth: P.birthFor(age, s) }));
    P.host({ planted, start: s });
    for (const p of planted) P.add('TR-AGE', 'person', p.id);
  }
  // TR-REPEAT: subsidised twice for the same occupation and level (spring and autumn).
  {
    const proj = P.shortProject();
    const planted = P.fresh(5);
    P.host({ planted, project: proj, start: day('2023-03-13'), claim: { status: 'paid' } });
    P.host({ planted, project: proj, start: day('2023-09-11'), claim: { status: 'approved' } });
    for (const p of planted) P.add('TR-REPEAT', 'person', p.id);
  }
  // TR-FREQ: four subsidised trainings of different occupations starting in 2023.
  {
    const planted = P.fresh(5);
    const occs = OCCUPATIONS.filter((o) => !o.inCatalog2021).slice(0, 4);
    ['2023-03-20', '2023-05-15', '2023-07-10', '2023-09-18'].forEach((d, i) => {
      const proj = w.newProject({ occ: occs[i]!.code, level: 5, hours: 24, category: 'employment' });
      P.host({ planted, project: proj, start: day(d), claim: { status: 'approved' } });
    });
    for (const p of planted) P.add('TR-FREQ', 'person', p.id);
  }
  // TR-OVERLAP: the same people signed in at two classes whose sessions overlap by 90 minutes.
  {
    const planted = P.fresh(5);
    const s = P.day();
    const p1 = w.newProject({ level: 5, hours: 24, category: 'employment' });
    let p2 = w.newProject({ level: 5, hours: 24, category: 'upgrading' });
    while (p2.occ === p1.occ) p2 = w.newProject({ level: 5, hours: 24, category: 'upgrading' });
    P.host({ planted, project: p1, start: s, slot: { h: 8, m: 30, len: 3 } });
    P.host({ planted, project: p2, start: s + 2, slot: { h: 10, m: 0, len: 3 } });
    for (const p of planted) P.add('TR-OVERLAP', 'person', p.id);
  }
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

const trainingClasses: Fam = (P, w, r) => {
  // TR-BULK-SIGNIN: 14 sign-ins in one second (3), one device for 14 people (2). Not claimed.
  for (let i = 0; i < 5; i++) {
    const sameSecond = i < 3;
    const dev = 'KQ-' + String(9000 + i);
    const h = P.host({
      n: 14,
      claim: false,
      signin: (x) => {
        if (x.s !== 2) return;
        if (sameSecond) x.row.checked_at = tsAt(x.sessionStart - 533);
        else x.row.device_id = dev;
      },
      completedHours: (_t, sup) => sup - 3,
    });
    P.add('TR-BULK-SIGNIN', 'class', h.id);
  }
  // TR-NO-FACE: 60 % manual/signature sign-ins (3) or face scores below 0.6 (2). Not claimed.
  for (let i = 0; i < 5; i++) {
    const bad = new Map<number, number>();
    const h = P.host({
      n: 10,
      claim: false,
      signin: (x) => {
        if ((x.s * 10 + x.t) % 5 < 3) {
          if (i < 3) {
            x.row.method = x.t % 2 ? 'manual' : 'signature';
            x.row.face_score = null;
          } else {
            x.row.method = 'face';
            x.row.face_score = +(0.3 + r.next() * 0.25).toFixed(3);
          }
          bad.set(x.t, (bad.get(x.t) ?? 0) + 1);
        }
      },
      completedHours: (t, sup) => sup - 3 * (bad.get(t) ?? 0),
    });
    P.add('TR-NO-FACE', 'class', h.id);
  }
  // TR-SIGNIN-OUTSIDE: 20 km away (3), two hours early or after the end (2). Not claimed.
  for (let i = 0; i < 5; i++) {
    const h = P.host({
      n: 10,
      claim: false,
      signin: (x) => {
        if (x.s !== 1 || x.t >= 4) return;
        if (i < 3) x.row.lat = +((x.row.lat as number) + 0.18).toFixed(6);
        else x.row.checked_at = tsAt(i === 3 ? x.sessionStart - 7200 : x.sessionEnd + 900);
      },
      completedHours: (t, sup) => (t < 4 ? sup - 3 : sup),
    });
    P.add('TR-SIGNIN-OUTSIDE', 'class', h.id);
  }
  // TR-HOURS: 5 of 8 sessions delivered (3), completed hours beyond attendance (2). Not claimed.
  for (let i = 0; i < 5; i++) {
    const proj = P.short.find((p) => p.hours === 24) ?? P.shortProject();
    const h = P.host({
      project: proj,
      claim: false,
      ...(i < 3 ? { nSessions: Math.ceil(proj.hours / 3 / 1.6) } : { completedHours: (_t: number, sup: number) => sup + 16 }),
      slot: SLOTS[0],
    });
    P.add('TR-HOURS', 'class', h.id);
  }
  // TR-TEACHER-CLASH: one teacher for two classes of one institution at overlapping times.
  for (let i = 0; i < 5; i++) {
    const inst = P.trainer();
    const t = w.addTeacher(inst);
    const s = P.day();
    P.host({ inst, teacher: t, start: s, slot: { h: 8, m: 30, len: 3 } });
    P.host({ inst, teacher: t, start: s + 3, slot: { h: 10, m: 30, len: 3 } });
    P.add('TR-TEACHER-CLASH', 'person', t.id);
  }
  // TR-SUBCONTRACT: delivered_by another institution (3), 6 of 8 sessions taught by another institution's teacher (2).
  for (let i = 0; i < 5; i++) {
    const inst = P.trainer();
    const other = P.trainer();
    let h: ClassOut;
    if (i < 3) h = P.host({ inst, deliveredBy: other.id });
    else {
      const own = w.addTeacher(inst);
      const foreign = w.addTeacher(other);
      const proj = P.short.find((p) => p.hours === 24) ?? P.shortProject();
      h = P.host({ inst, project: proj, slot: SLOTS[0], teacher: own, teacherOf: (s) => (s < 6 ? foreign : own) });
    }
    P.add('TR-SUBCONTRACT', 'class', h.id);
  }
  // TR-SHARED-CONTACT: six trainees of a fresh institution share a phone (3) or an account (2).
  for (let i = 0; i < 5; i++) {
    const inst = w.newInstitution('training');
    const planted = P.fresh(6);
    for (const p of planted.slice(1)) {
      if (i < 3) p.phone = planted[0]!.phone;
      else p.bank = planted[0]!.bank;
    }
    P.host({ inst, planted, n: 6 });
    P.add('TR-SHARED-CONTACT', 'institution', inst.id);
  }
  // TR-CATALOG: project out of catalog (2), institution out of / not yet in the subsidy catalog (2), licence expired.
  for (let i = 0; i < 5; i++) {
    const s = day('2023-05-08') + r.int(0, 120);
    let h: ClassOut;
    if (i === 0) h = P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: '2022-01-01', to: '2023-02-28' }), claim: { status: 'paid' } });
    else if (i === 1) h = P.host({ start: s, project: w.newProject({ hours: 24, level: 5, category: 'employment', from: '2023-12-01' }), claim: { status: 'approved' } });
    else if (i === 2) h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { catalogFrom: '2021-01-01', catalogTo: '2023-03-31' })), claim: { status: 'approved' } });
    else if (i === 3) h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { catalogFrom: '2023-12-01' })), claim: { status: 'submitted' } });
    else h = P.host({ start: s, inst: withTeacher(w, w.newInstitution('training', { licenseTo: '2023-01-31' })), claim: { status: 'paid' } });
    P.add('TR-CATALOG', 'class', h.id);
  }
  // TR-LOW-YIELD: employment projects with 10 % employed over 60 completers (3), interest projects claimed (2).
  for (let i = 0; i < 5; i++) {
    const inst = withTeacher(w, w.newInstitution('training'));
    if (i < 3) {
      const proj = w.newProject({ hours: 24, level: 5, category: 'employment' });
      P.host({ inst, project: proj, n: 30, employedRate: 0.08 });
      P.host({ inst, project: proj, n: 30, employedRate: 0.08 });
    } else {
      P.host({ inst, project: w.newProject({ hours: 24, level: 5, category: 'interest' }), claim: { status: 'approved' } });
    }
    P.add('TR-LOW-YIELD', 'institution', inst.id);
  }
};

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

// ------------------------------------------------------------ claims and payments

const trainingMoney: Fam = (P, w) => {
  // TR-CLAIM-ATTENDANCE: three claimed trainees attended 4 of 10 sessions.
  for (let i = 0; i < 5; i++) {
    const proj = P.short.find((p) => p.hours === 30) ?? P.shortProject();
    P.host({
      project: proj,
      slot: SLOTS[0],
      n: 12,
      present: (t, s) => t >= 3 || s % 5 < 2,
      claim: { status: 'approved', items: () => true },
    });
    P.add('TR-CLAIM-ATTENDANCE', 'claim', w.claimIds[0]!);
  }
  // TR-CLAIM-AMOUNT: items above the standard; item sum ≠ amount; submitted before the class
  // ended; a second claim for the same class and person (2). A person listed twice for one
  // class is not a second training: TR-REPEAT and TR-FREQ count distinct subsidised classes.
  for (let i = 0; i < 5; i++) {
    let h: ReturnType<Planter['host']>;
    if (i === 0) h = P.host({ claim: { status: 'approved', itemAmount: (_t, std) => std + 600 } });
    else if (i === 1) h = P.host({ claim: { status: 'approved', amountDelta: -300 } });
    else if (i === 2) {
      const s = P.day();
      h = P.host({ start: s, claim: { status: 'submitted', submitted: s + 3 } });
    } else {
      h = P.host({ claim: { status: 'paid', second: [0] } });
    }
    P.add('TR-CLAIM-AMOUNT', 'claim', w.claimIds[w.claimIds.length - 1]!);
  }
  // TR-PAYEE: paid to another account (3) or another name (2).
  for (let i = 0; i < 5; i++) {
    P.host({ claim: { status: 'paid', payee: i < 3 ? { account: '6228' + String(480000000000000 + i * 7919) } : { name: ['张伟', '华信咨询服务部'][i - 3]! } } });
    P.add('TR-PAYEE', 'claim', w.claimIds[0]!);
  }
};

// ------------------------------------------------------------ online learning

const online: Fam = (P, w, r) => {
  const sess = (d: number, h: number, minutes: number, extra: Partial<OnlineSessionSpec> = {}): OnlineSessionSpec => ({
    start: at(d, h, r.int(0, 20)),
    minutes,
    item: 'K01',
    ...extra,
  });
  // ON-NO-VERIFY: no face event (3), failed face and no pass after it (2).
  {
    const planted = P.fresh(5);
    P.online(planted, (i, _p, s) => [sess(s + 10, 9, 50, { face: i < 3 ? 'none' : 'fail' })]);
    for (const p of planted) P.add('ON-NO-VERIFY', 'person', p.id);
  }
  // ON-CONCURRENT: a second device nested in the first for 40 minutes (3); a second course item (2).
  {
    const planted = P.fresh(5);
    P.online(planted, (i, _p, s) => {
      const a = sess(s + 10, 9, 80);
      const u = w.uniqueDevice();
      const b: OnlineSessionSpec = {
        start: a.start + 20 * 60,
        minutes: 40,
        item: i < 3 ? 'K01' : 'K02',
        noPosition: true,
        noLogout: true,
        ...(i < 3 ? { device: u.device, ip: u.ip } : {}),
      };
      return [a, b];
    });
    for (const p of planted) P.add('ON-CONCURRENT', 'person', p.id);
  }
  // ON-DEVICE-FARM: one device (3) or one ip (2) used by six learners in one day, one after another.
  for (let i = 0; i < 5; i++) {
    const planted = P.fresh(6);
    const u = w.uniqueDevice();
    P.online(planted, (k, p, s) => [sess(s + 10, 8 + k * 2, 70, i < 3 ? { device: u.device, ip: p.ip } : { device: p.device, ip: u.ip })]);
    P.add('ON-DEVICE-FARM', 'device', i < 3 ? u.device : u.ip);
  }
  // ON-SPEED: playback at 3× real time (3); 14.5 hours of learning in one day (2).
  {
    const planted = P.fresh(5);
    P.online(planted, (i, _p, s) => {
      if (i < 3) return [sess(s + 10, 10, 45, { speed: 3 })];
      return Array.from({ length: 7 }, (_, k) => ({ start: at(s + 10, 7, 0) + k * 130 * 60, minutes: 125, item: `K1${k}` }));
    });
    for (const p of planted) P.add('ON-SPEED', 'person', p.id);
  }
  // ON-BOT: heartbeats exactly every 60 s (3) or 30 s (2), ≥ 120 of them in one session.
  {
    const planted = P.fresh(5);
    P.online(planted, (i, _p, s) => [i < 3 ? sess(s + 10, 9, 130, { fixedInterval: 60 }) : sess(s + 10, 9, 75, { fixedInterval: 30 })]);
    for (const p of planted) P.add('ON-BOT', 'person', p.id);
  }
  // ON-TAMPER: a heartbeat's position edited after hashing (3), a heartbeat deleted (2).
  {
    const planted = P.fresh(5);
    P.online(planted, (_i, _p, s) => [sess(s + 10, 9, 50)], { tamper: (t) => (t < 3 ? { kind: 'mutate', heartbeat: 10 } : t < 5 ? { kind: 'drop', heartbeat: 12 } : undefined) });
    for (const p of planted) P.add('ON-TAMPER', 'person', p.id);
  }
};

// ------------------------------------------------------------ evaluation and certificates

const evaluation: Fam = (P, w, r) => {
  const evals = w.institutions.filter((i) => i.kind === 'evaluation' && i.regNo && !i.termOn);
  const freshEval = (opts: Partial<Inst> = {}, scopes = true): Inst => {
    const inst = w.newInstitution('evaluation', opts);
    w.addExaminer(inst);
    w.addExaminer(inst);
    if (scopes) for (const occ of new Set([r.pick(w.projects).occ, r.pick(w.projects).occ])) w.addScope(inst, occ, [3, 4, 5]);
    return inst;
  };
  // EV-SCOPE: occupation outside scope (2), level outside scope, unregistered institution, terminated registration.
  for (let i = 0; i < 5; i++) {
    let ex: ExamOut;
    if (i < 2) {
      const inst = r.pick(evals);
      const outside = OCCUPATIONS.find((o) => !inst.scopes.some((s) => s.occ === o.code) && !o.inCatalog2021)!;
      ex = P.exam({ inst, occ: outside.code });
    } else if (i === 2) {
      const inst = freshEval({}, false);
      const occ = r.pick(w.projects).occ;
      w.addScope(inst, occ, [3, 4]);
      ex = P.exam({ inst, occ, level: 5 });
    } else if (i === 3) {
      const inst = P.trainer();
      const examiners = [w.addExaminer(inst), w.addExaminer(inst)];
      ex = P.exam({ inst, occ: r.pick(w.projects).occ, examiners });
    } else {
      const inst = freshEval({ termOn: '2023-05-31' });
      ex = P.exam({ inst, start: at(day('2023-08-14'), 9) });
    }
    P.add('EV-SCOPE', 'exam', ex.id);
  }
  // EV-ELIGIBILITY: level 4 with 2 years (2); level 3 without a level-4 certificate (2) or citing one that does not exist.
  {
    const inst4 = evals.find((i) => i.scopes.some((s) => s.levels.includes(4)))!;
    const a = P.fresh(2);
    P.exam({ inst: inst4, occ: inst4.scopes.find((s) => s.levels.includes(4))!.occ, level: 4, planted: a.map((p) => ({ person: p, pass: true, basis: 'experience', exp: 2 })) });
    const inst3 = evals.find((i) => i.scopes.some((s) => s.levels.includes(3))) ?? freshEval();
    const b = P.fresh(3);
    P.exam({
      inst: inst3,
      occ: inst3.scopes.find((s) => s.levels.includes(3))!.occ,
      level: 3,
      othersFail: true,
      n: 15,
      planted: b.map((p, k) => (k < 2 ? { person: p, pass: true, basis: 'experience', exp: 8 } : { person: p, pass: true, basis: 'prior_certificate', exp: 6, prior: `Y${w.province}2199999999` + '4' })),
    });
    for (const p of [...a, ...b]) P.add('EV-ELIGIBILITY', 'person', p.id);
  }
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
  // EV-PASS-RATE: everyone of 35 passed (3); passed candidates bunched just above the mark (2).
  for (let i = 0; i < 5; i++) {
    let ex: ExamOut;
    if (i < 3) ex = P.exam({ n: 0, planted: P.fresh(35).map((p) => ({ person: p, pass: true, basis: 'other', exp: 3 })) });
    else
      ex = P.exam({
        n: 0,
        planted: P.fresh(30).map((p, k) => (k < 20 ? { person: p, theory: k % 2 ? 60 : 62, practical: 60 + (k % 4), basis: 'other', exp: 3 } : { person: p, pass: false, basis: 'other', exp: 3 })),
      });
    P.add('EV-PASS-RATE', 'exam', ex.id);
  }
  // EV-ANSWERS: two (or three) candidates with identical answer strings, or 48 of 50 equal.
  for (let i = 0; i < 5; i++) {
    let s = '';
    for (let q = 0; q < 50; q++) s += 'ABCD'[r.int(0, 3)];
    const t = i === 4 ? s.slice(0, 10) + (s[10] === 'A' ? 'B' : 'A') + s.slice(11, 30) + (s[30] === 'C' ? 'D' : 'C') + s.slice(31) : s;
    const copies = [s, t, ...(i === 2 ? [s] : [])];
    const ex = P.exam({ planted: copies.map((ans, k) => ({ person: w.newPerson(), answers: ans, theory: 70 + k * 2, practical: 75, basis: 'other', exp: 2 })) });
    P.add('EV-ANSWERS', 'exam', ex.id);
  }
  // EV-CLASH: candidates in two overlapping exams (3); examiners who are staff of the candidates' training institution (2).
  {
    const planted = P.fresh(3);
    const d = day('2023-10-16');
    const [e1, e2] = r.shuffle([...evals]).slice(0, 2) as [Inst, Inst];
    P.exam({ inst: e1, start: at(d, 9), planted: planted.map((p) => ({ person: p, pass: true, basis: 'other', exp: 1 })) });
    P.exam({ inst: e2, start: at(d, 10), planted: planted.map((p) => ({ person: p, pass: true, basis: 'other', exp: 1 })) });
    for (const p of planted) P.add('EV-CLASH', 'person', p.id);
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
  }
  // EV-MILL: five people certified in three occupations within about three weeks.
  {
    const planted = P.fresh(5);
    const d0 = day('2023-06-05') + r.int(0, 60);
    const used = new Set<string>();
    for (let k = 0; k < 3; k++) {
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
        start: at(d0 + k * 5, 9),
        planted: planted.map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
        certs: (passed, ex) => passed.map((c) => ({ ...w.certFor(c.person, ex), issued: d0 + k * 5 + 10, uploaded: d0 + k * 5 + 12 })),
      });
    }
    for (const p of planted) P.add('EV-MILL', 'person', p.id);
  }
  // EV-CAPACITY: 25 passed for 20 seats (3); three passed candidates certified twice (2).
  for (let i = 0; i < 5; i++) {
    const inst = freshEval();
    if (i < 3) {
      P.exam({ inst, n: 5, othersFail: true, capacity: 20, planted: P.fresh(25).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })) });
    } else {
      P.exam({
        inst,
        capacity: 40,
        planted: P.fresh(6).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
        certs: (passed, ex) => [...passed.map((c) => w.certFor(c.person, ex)), ...passed.slice(0, 3).map((c) => w.certFor(c.person, ex))],
      });
    }
    P.add('EV-CAPACITY', 'institution', inst.id);
  }
  // EV-CERT-DATA: one number on two holders (2), never uploaded (2), uploaded 45 days late.
  {
    const nos: string[] = [];
    P.exam({
      planted: P.fresh(8).map((p) => ({ person: p, pass: true, basis: 'other', exp: 2 })),
      certs: (passed, ex) => {
        const certs = passed.map((c) => ({ ...w.certFor(c.person, ex), no: w.newCertNo(ex.level) }));
        certs[1]!.no = certs[0]!.no;
        certs[3]!.no = certs[2]!.no;
        certs[4]!.uploaded = null;
        certs[5]!.uploaded = null;
        certs[6]!.uploaded = certs[6]!.issued + 45;
        nos.push(certs[0]!.no!, certs[2]!.no!, certs[4]!.no!, certs[5]!.no!, certs[6]!.no!);
        return certs;
      },
    });
    for (const no of nos) P.add('EV-CERT-DATA', 'certificate', no);
  }
};

// ------------------------------------------------------------ adverts and listings

const adverts: Fam = (P, w, r) => {
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

