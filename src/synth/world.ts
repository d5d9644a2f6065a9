/**
 * The synthetic province's building blocks: persons, institutions, projects, classes
 * (with sessions, enrollments, attendance, online events, claims and payments) and exams
 * (with results and certificates). Every builder produces data on which no screening rule
 * of RULES.md fires unless a plant asks for it through the builder's options.
 */
import { createHash } from 'node:crypto';
import { makeIdNumber, makeLegacyIdNumber, makeUscc, countiesOf, allCounties, cityOf, OCCUPATIONS } from '../ids/index.ts';
import type { EntityName } from '../dataset/entities.ts';
import { Rng } from './prng.ts';
import type { EntitySink, Row } from './sink.ts';
import { day, dateStr, tsStr, at, ageOn } from './time.ts';
import { SURNAMES, GIVEN, BRANDS, TRAINING_SUFFIX, EVAL_SUFFIX, STREETS } from './vocab.ts';

export interface Person {
  id: string;
  name: string;
  phone: string;
  bank: string;
  region: string;
  birth: string;
  death?: string;
  official?: boolean;
  employer?: string;
  /** First day the person is free for another class. */
  freeFrom: number;
  nClasses: number;
  /** `occ|level` keys already trained, ';'-joined. */
  occLv: string;
  /** Institutions that trained the person, ';'-joined. */
  insts: string;
  examined?: boolean;
  device: string;
  ip: string;
}

export interface Inst {
  id: string;
  name: string;
  uscc: string;
  kind: 'training' | 'evaluation' | 'both';
  category: string;
  region: string;
  address: string;
  lat: number;
  lon: number;
  licenseNo: string | null;
  licenseTo: string | null;
  catalogFrom: string | null;
  catalogTo: string | null;
  regNo: string | null;
  regOn: string | null;
  termOn: string | null;
  payeeAccount: string;
  payeeName: string;
  teachers: Person[];
  /** Per teacher × slot: first free day (clean scheduling keeps teachers un-clashed). */
  teacherFree: number[][];
  examiners: Person[];
  scopes: { occ: string; levels: number[] }[];
}

export interface Project {
  id: string;
  name: string;
  occ: string;
  occName: string;
  level: number;
  category: 'employment' | 'upgrading' | 'entrepreneurship' | 'interest' | 'other';
  hours: number;
  subsidy: number;
  from: string;
  to: string | null;
}

/** Daily time slots of offline sessions: start hour, minute, length in hours. */
export const SLOTS = [
  { h: 8, m: 30, len: 3 },
  { h: 14, m: 0, len: 3 },
  { h: 19, m: 0, len: 2 },
] as const;
export type Slot = { h: number; m: number; len: number };

/** One sign-in about to be written; plants may change any field or drop it. */
export interface SigninCtx {
  s: number; // session index
  t: number; // trainee index
  person: Person;
  sessionStart: number;
  sessionEnd: number;
  /** The venue's coordinates (sign-ins are written a few hundred metres around them). */
  venueLat: number;
  venueLon: number;
  row: Row;
}

export interface OnlineSessionSpec {
  start: number; // local second
  minutes: number;
  device?: string;
  ip?: string;
  item?: string;
  face?: 'pass' | 'fail' | 'none';
  /** Exact face_score of the face event (default: drawn to match `face`). */
  faceScore?: number;
  /** Fixed heartbeat interval (bots); default human jitter. */
  fixedInterval?: number;
  /** Playback advance per wall-clock second (default ≤ 1). */
  speed?: number;
  /** Leave position_s empty (second concurrent stream). */
  noPosition?: boolean;
  /** End without a logout event (a stream nested in another one). */
  noLogout?: boolean;
  /** Start without a login event (a second course item inside an open session). */
  noLogin?: boolean;
  /**
   * Exact heartbeat times, in seconds after `start` (ascending; `minutes` is then ignored
   * and the logout, if any, comes `tail` seconds after the last one). No progress events.
   */
  beats?: number[];
  /** Seconds from login to the face event (default 3–15; must precede the first beat). */
  faceAfter?: number;
  /** Seconds from the last heartbeat to the logout (default 5–30). */
  tail?: number;
  /** Seconds of playback added to every heartbeat on top of floor(interval × speed). */
  speedBump?: number;
}

export interface ChainTamper {
  kind: 'mutate' | 'drop';
  /** Index of the heartbeat (in chain order, among heartbeats) to tamper with. */
  heartbeat: number;
}

export interface ClaimSpec {
  status?: 'submitted' | 'approved' | 'paid' | 'rejected';
  /** Which trainees are items (default: completers). */
  items?: (t: number) => boolean;
  itemAmount?: (t: number, standard: number) => number;
  /** Added to the item sum to get the claim amount. */
  amountDelta?: number;
  /** Submission day (default end + 5..30). */
  submitted?: number;
  payee?: { account?: string; name?: string };
  /** Trainee indices listed again in a second claim of the same class. */
  second?: number[];
  /** Status of that second claim (default submitted). */
  secondStatus?: 'submitted' | 'approved' | 'paid' | 'rejected';
}

export interface ClassSpec {
  inst: Inst;
  project: Project;
  mode: 'offline' | 'online' | 'blended';
  start: number;
  slot: Slot;
  trainees: Person[];
  /** Teacher of session s. */
  teacherOf: (s: number) => Person;
  nSessions?: number;
  /** Length of session s in seconds (default: the slot's length). */
  sessionSecs?: (s: number) => number;
  /**
   * A class that was never held: offline/blended with the planned dates but no session rows
   * (and so no attendance); enrollments report the standard hours as completed.
   */
  ghost?: boolean;
  /** Days between sessions (default 1). */
  step?: number;
  deliveredBy?: string;
  /** Clean random absences/dropouts (default) or full attendance. */
  attendance?: 'clean' | 'full';
  present?: (t: number, s: number) => boolean;
  signin?: (ctx: SigninCtx) => void | false;
  /** Sign-ins that must not count toward completed hours (e.g. planted odd ones). */
  completedHours?: (t: number, supported: number) => number;
  employedRate?: number;
  /** Exactly which completers are employed (overrides employedRate). */
  employed?: (t: number) => boolean;
  claim?: ClaimSpec | false;
  /** Online login sessions per trainee (online/blended); default clean random. */
  online?: (t: number, p: Person, startDay: number, endDay: number) => OnlineSessionSpec[];
  tamper?: (t: number) => ChainTamper | undefined;
  /** Person overriding the start-time age etc. is not checked here: plants know. */
}

export interface ClassOut {
  id: string;
  end: number;
  sessions: { id: string; start: number; end: number }[];
  completers: Person[];
}

export interface CandSpec {
  person: Person;
  absent?: boolean;
  /** Forced result; theory/practical drawn to match. */
  pass?: boolean;
  theory?: number;
  practical?: number;
  basis?: 'prior_certificate' | 'experience' | 'education' | 'other';
  exp?: number;
  prior?: string;
  answers?: string;
}

export interface ExamSpec {
  inst: Inst;
  occ: string;
  level: number;
  start: number; // local second
  minutes?: number;
  capacity?: number;
  examiners: Person[];
  cands: CandSpec[];
  /** Certificates: default one per passed candidate. */
  certs?: (passed: CandSpec[], exam: ExamOut) => CertSpec[];
}

export interface ExamOut {
  id: string;
  inst: Inst;
  occ: string;
  level: number;
  start: number;
  end: number;
  passed: CandSpec[];
}

export interface CertSpec {
  no?: string;
  person: Person;
  occ: string;
  level: number;
  inst: Inst;
  examId?: string | null;
  issued: number;
  uploaded?: number | null;
}

export type Sinks = Record<EntityName, EntitySink>;

const QUESTIONS = 50;
/** Hash-chained columns are written exactly as hashed (only `at` varies its form, via peek). */
const HASHED = ['event_id', 'id_number', 'class_id', 'at', 'type', 'position_s'] as const;
const ABCD = 'ABCD';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Province centres (approximate, for coordinates). */
const CENTRES: Record<string, [number, number]> = {
  '44': [23.13, 113.26],
  '32': [32.06, 118.8],
  '33': [30.27, 120.15],
  '37': [36.65, 117.12],
  '41': [34.76, 113.65],
  '51': [30.66, 104.07],
  '42': [30.59, 114.3],
  '43': [28.23, 112.94],
};

export class World {
  readonly persons: Person[] = [];
  readonly institutions: Inst[] = [];
  readonly projects: Project[] = [];
  private idSet = new Set<string>();
  private seq = { inst: 0, proj: 0, cls: 0, sess: 0, ev: 0, claim: 0, pay: 0, exam: 0, cert: 0, person: 0, uscc: 0 };
  readonly province: string;
  readonly counties: string[];
  readonly centre: [number, number];
  private usedNames = new Set<string>();
  /** Rows written per entity, for progress. */
  readonly counts: Partial<Record<EntityName, number>> = {};

  constructor(
    public rng: Rng,
    readonly sinks: Sinks,
    private readonly onRow?: (entity: EntityName) => void,
  ) {
    const provs = Object.keys(CENTRES);
    this.province = provs[rng.int(0, provs.length - 1)]!;
    this.centre = CENTRES[this.province]!;
    this.counties = countiesOf(this.province).map((c) => c.code);
  }

  write(entity: EntityName, row: Row, part = 0, pre?: readonly string[]): void {
    this.sinks[entity].write(row, part, pre);
    this.counts[entity] = (this.counts[entity] ?? 0) + 1;
    this.onRow?.(entity);
  }

  // ---------- persons ----------

  /** A fresh person; `birth` YYYY-MM-DD (default working age), `id` overrides the number. */
  newPerson(opts: { birth?: string; id?: string; kind?: 'resident' | 'legacy' | 'permit' } = {}): Person {
    const r = this.rng;
    const n = this.seq.person++;
    let birth = opts.birth;
    if (!birth) birth = dateStr(day('1965-01-01') + r.int(0, day('2004-12-31') - day('1965-01-01')));
    const region = r.chance(0.94) ? r.pick(this.counties) : r.pick(allCounties()).code;
    let id = opts.id;
    if (!id) {
      const kind = opts.kind ?? (r.chance(0.005) ? 'permit' : birth < '1980' && r.chance(0.02) ? 'legacy' : 'resident');
      for (let tries = 0; ; tries++) {
        const seq = r.int(0, 999);
        if (kind === 'legacy') id = makeLegacyIdNumber({ regionCode: region, birthDate: birth, seq });
        else if (kind === 'permit') id = makeIdNumber({ regionCode: r.pick(['810000', '820000', '830000']), birthDate: birth, seq });
        else id = makeIdNumber({ regionCode: region, birthDate: birth, seq });
        if (!this.idSet.has(id)) break;
        if (tries > 50) throw new Error('身份证号码空间不足');
      }
    }
    this.idSet.add(id);
    // Phones and accounts are bijective scrambles of the person number: unique by construction.
    const ph = (n * 7919 + 1234567) % 100000000;
    const bk = (n * 15485863 + 987654321) % 1000000000;
    const p: Person = {
      id,
      name: r.pick(SURNAMES) + r.pick(GIVEN) + (r.chance(0.7) ? r.pick(GIVEN) : ''),
      phone: '1' + ['39', '58', '86', '37', '50', '88'][n % 6] + pad(ph, 8),
      bank: '6222' + pad(Math.floor(n / 1000000000) % 1000, 3) + pad(bk, 9) + pad(n % 1000, 3),
      region,
      birth,
      freeFrom: 0,
      nClasses: 0,
      occLv: '',
      insts: '',
      device: 'APP-' + pad((n * 48271 + 11) % 1000000007, 10),
      ip: `${[36, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123][n % 21]}.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    };
    this.persons.push(p);
    return p;
  }

  /** Write every person (at the end, once plants have set deaths and flags). */
  writePersons(): void {
    for (const p of this.persons) {
      this.write('persons', {
        id_number: p.id,
        name: p.name,
        phone: p.phone,
        bank_account: p.bank,
        region_code: p.region,
        date_of_death: p.death ?? null,
        is_public_official: p.official ?? false,
        employer_uscc: p.employer ?? null,
      });
    }
  }

  private newUscc(region: string, regDept = '5', orgType = '2'): string {
    return makeUscc({ regDept, orgType, regionCode: region, seq: 10000000 + this.seq.uscc++ * 37 });
  }

  /** A uscc for an employer (enterprise, not an institution of the dataset). */
  employerUscc(): string {
    return this.newUscc(this.rng.pick(this.counties), '9', '1');
  }

  // ---------- institutions ----------

  newInstitution(kind: Inst['kind'], opts: Partial<Inst> = {}): Inst {
    const r = this.rng;
    const n = ++this.seq.inst;
    const region = opts.region ?? r.pick(this.counties);
    const city = cityOf(region)?.name ?? '';
    let name = '';
    for (let k = 0; !name || this.usedNames.has(name); k++) {
      const suffix = kind === 'evaluation' ? r.pick(EVAL_SUFFIX) : kind === 'both' ? r.pick(['职业技术学院', '技师学院', '职业技能培训评价中心']) : r.pick(TRAINING_SUFFIX);
      name = city + r.pick(BRANDS) + (k > 3 ? r.pick(BRANDS) : '') + suffix;
    }
    this.usedNames.add(name);
    const category =
      /学院|技师学院/.test(name) ? 'vocational_college' : /技工学校/.test(name) ? 'technical_school' : kind === 'evaluation' ? r.pick(['association', 'enterprise', 'affiliated_unit']) : r.pick(['private', 'private', 'enterprise']);
    const isCompany = /公司/.test(name);
    const inst: Inst = {
      id: 'I' + pad(n, 4),
      name,
      uscc: this.newUscc(region, isCompany ? '9' : '5', isCompany ? '1' : '2'),
      kind,
      category,
      region,
      address: `${city}${r.pick(STREETS)}${r.int(1, 399)}号`,
      lat: +(this.centre[0] + r.normal(0, 0.4)).toFixed(6),
      lon: +(this.centre[1] + r.normal(0, 0.5)).toFixed(6),
      licenseNo: kind === 'evaluation' ? null : `${region}${pad(r.int(1, 9999), 4)}${pad(n, 4)}`,
      licenseTo: kind === 'evaluation' ? null : r.pick(['2025-12-31', '2026-06-30', '2027-12-31']),
      catalogFrom: kind === 'evaluation' ? null : r.pick(['2020-01-01', '2021-03-01', '2022-01-01']),
      catalogTo: null,
      regNo: kind === 'training' ? null : `S${this.province}${pad(n, 6)}`,
      regOn: kind === 'training' ? null : r.pick(['2020-09-01', '2021-04-15', '2022-02-20']),
      termOn: null,
      payeeAccount: '4400' + pad(n * 7 + 100000, 8) + pad(r.int(0, 99999), 5),
      payeeName: name,
      teachers: [],
      teacherFree: [],
      examiners: [],
      scopes: [],
      ...opts,
    };
    if (opts.payeeName === undefined) inst.payeeName = inst.name;
    this.institutions.push(inst);
    this.write('staff', { institution_id: inst.id, id_number: this.staffPerson().id, role: 'legal_rep', from: '2019-01-01' });
    for (let i = r.int(0, 2); i > 0; i--) this.write('staff', { institution_id: inst.id, id_number: this.staffPerson().id, role: 'manager', from: '2020-03-01' });
    return inst;
  }

  private extraSeq = 0;

  /** A device id and an ip used by nobody else. */
  uniqueDevice(): { device: string; ip: string } {
    const n = ++this.extraSeq;
    return { device: 'PAD-' + pad(n * 7 + 3, 8), ip: `183.${200 + ((n >> 16) & 31)}.${(n >> 8) & 255}.${n & 255}` };
  }

  /** A staff member (never a trainee, never a candidate). */
  staffPerson(): Person {
    const p = this.newPerson({ birth: dateStr(day('1965-01-01') + this.rng.int(0, 365 * 30)) });
    p.examined = true;
    p.nClasses = 99;
    return p;
  }

  addTeacher(inst: Inst, from = '2020-01-01'): Person {
    const p = this.staffPerson();
    inst.teachers.push(p);
    inst.teacherFree.push(SLOTS.map(() => 0));
    this.write('staff', { institution_id: inst.id, id_number: p.id, role: 'teacher', from });
    return p;
  }

  addExaminer(inst: Inst): Person {
    const p = this.staffPerson();
    inst.examiners.push(p);
    this.write('staff', { institution_id: inst.id, id_number: p.id, role: 'examiner', from: '2021-01-01' });
    return p;
  }

  addScope(inst: Inst, occ: string, levels: number[], from = '2021-01-01', to: string | null = null): void {
    inst.scopes.push({ occ, levels });
    this.write('eval_scopes', { institution_id: inst.id, occupation_code: occ, levels: levels.join(';'), valid_from: from, valid_to: to });
  }

  writeInstitutions(): void {
    for (const i of this.institutions) {
      this.write('institutions', {
        institution_id: i.id,
        name: i.name,
        uscc: i.uscc,
        kind: i.kind,
        category: i.category,
        region_code: i.region,
        address: i.address,
        lat: i.lat,
        lon: i.lon,
        license_no: i.licenseNo,
        license_valid_to: i.licenseTo,
        subsidy_catalog_from: i.catalogFrom,
        subsidy_catalog_to: i.catalogTo,
        eval_registration_no: i.regNo,
        eval_registered_on: i.regOn,
        eval_terminated_on: i.termOn,
        supervising_department: i.category === 'vocational_college' || i.category === 'technical_school' ? '人力资源和社会保障局' : null,
        payee_account: i.payeeAccount,
        payee_name: i.payeeName,
      });
    }
  }

  // ---------- projects ----------

  newProject(opts: Partial<Project> & { occ?: string } = {}): Project {
    const r = this.rng;
    const n = ++this.seq.proj;
    const o = opts.occ ? OCCUPATIONS.find((x) => x.code === opts.occ)! : r.pick(OCCUPATIONS.filter((x) => !x.inCatalog2021));
    const level = opts.level ?? r.pick([5, 5, 4, 4, 3]);
    const category = opts.category ?? r.pick(['employment', 'employment', 'upgrading', 'entrepreneurship'] as const);
    const lvName = ['', '高级技师', '技师', '高级工', '中级工', '初级工'][level];
    const p: Project = {
      id: 'P' + pad(n, 4),
      name:
        category === 'entrepreneurship'
          ? `${o.name}创业培训`
          : category === 'interest'
            ? `${o.name}兴趣体验课`
            : `${o.name}（${lvName}）${category === 'upgrading' ? '岗位技能提升培训' : '就业技能培训'}`,
      occ: o.code,
      occName: o.name,
      level,
      category,
      hours: opts.hours ?? r.pick([24, 30, 42, 48, 60, 60, 72, 90, 120]),
      subsidy: opts.subsidy ?? r.pick([800, 1000, 1200, 1500, 1800, 2000, 2400]),
      from: opts.from ?? r.pick(['2021-01-01', '2022-01-01', '2022-07-01']),
      to: opts.to ?? null,
    };
    this.projects.push(p);
    this.write('projects', {
      project_id: p.id,
      name: p.name,
      occupation_code: p.occ,
      level: p.level,
      category: p.category,
      standard_hours: p.hours,
      subsidy_per_person: p.subsidy,
      catalog_from: p.from,
      catalog_to: p.to,
    });
    return p;
  }

  // ---------- classes ----------

  nextClassId(): string {
    return 'C' + pad(++this.seq.cls, 6);
  }

  /** Build one class with everything that hangs off it. */
  buildClass(spec: ClassSpec): ClassOut {
    const r = this.rng;
    const id = this.nextClassId();
    const { inst, project, mode, start, slot } = spec;
    const hasSessions = mode !== 'online';
    const planned = Math.ceil(project.hours / slot.len);
    const nSessions = hasSessions && !spec.ghost ? (spec.nSessions ?? planned) : 0;
    const step = spec.step ?? 1;
    const end = !hasSessions ? start + r.int(30, 60) : spec.ghost ? start + (planned - 1) * step : start + (nSessions - 1) * step;
    const venueLat = +(inst.lat + r.normal(0, 0.01)).toFixed(6);
    const venueLon = +(inst.lon + r.normal(0, 0.01)).toFixed(6);
    const part = dateStr(start) < '2023-06-01' ? 0 : dateStr(start) < '2023-09-01' ? 1 : 2;
    this.write('classes', {
      class_id: id,
      institution_id: inst.id,
      project_id: project.id,
      mode,
      start_date: dateStr(start),
      end_date: dateStr(end),
      planned_hours: project.hours,
      venue_address: hasSessions ? inst.address : null,
      venue_lat: hasSessions ? venueLat : null,
      venue_lon: hasSessions ? venueLon : null,
      region_code: inst.region,
      delivered_by: spec.deliveredBy ?? null,
    });
    const sessions: ClassOut['sessions'] = [];
    for (let s = 0; s < nSessions; s++) {
      const d = start + s * step;
      const st = at(d, slot.h, slot.m);
      const en = st + (spec.sessionSecs ? spec.sessionSecs(s) : slot.len * 3600);
      const sid = 'S' + pad(++this.seq.sess, 8);
      sessions.push({ id: sid, start: st, end: en });
      this.write('sessions', {
        session_id: sid,
        class_id: id,
        starts_at: tsStr(st),
        ends_at: tsStr(en),
        teacher_id_number: spec.teacherOf(s).id,
        venue_lat: venueLat,
        venue_lon: venueLon,
      });
    }
    // Presence: clean = most attend ≥ 85 %, a few drop out early and do not complete.
    const n = spec.trainees.length;
    const presence: boolean[][] = [];
    const completed: boolean[] = [];
    for (let t = 0; t < n; t++) {
      const row: boolean[] = new Array(nSessions).fill(true);
      let done = true;
      if (spec.present) for (let s = 0; s < nSessions; s++) row[s] = spec.present(t, s);
      else if ((spec.attendance ?? 'clean') === 'clean') {
        if (r.chance(0.04) && nSessions >= 4) {
          const k = r.int(1, Math.floor(nSessions / 2) - 1);
          for (let s = k; s < nSessions; s++) row[s] = false;
          done = false;
        } else if (r.chance(0.3)) {
          const miss = r.int(0, Math.floor(nSessions * 0.15));
          for (let i = 0; i < miss; i++) row[r.int(0, nSessions - 1)] = false;
        }
      }
      presence.push(row);
      completed.push(done);
    }
    // Attendance rows.
    const supported: number[] = new Array(n).fill(0);
    for (let s = 0; s < nSessions; s++) {
      const ses = sessions[s]!;
      for (let t = 0; t < n; t++) {
        if (!presence[t]![s]) continue;
        const p = spec.trainees[t]!;
        const m = r.next();
        const method = m < 0.9 ? 'face' : m < 0.95 ? 'fingerprint' : 'card';
        const row: Row = {
          session_id: ses.id,
          id_number: p.id,
          checked_at: tsStr(ses.start - r.int(-600, 1200)),
          method,
          face_score: method === 'face' ? +(0.72 + r.next() * 0.27).toFixed(3) : null,
          lat: +(venueLat + (r.next() - 0.5) * 0.008).toFixed(6),
          lon: +(venueLon + (r.next() - 0.5) * 0.008).toFixed(6),
          device_id: p.device,
        };
        if (spec.signin && spec.signin({ s, t, person: p, sessionStart: ses.start, sessionEnd: ses.end, venueLat, venueLon, row }) === false) continue;
        supported[t] += (ses.end - ses.start) / 3600;
        this.write('attendance', row, part);
      }
    }
    // Enrollments.
    const completers: Person[] = [];
    const employedRate = spec.employedRate ?? (project.category === 'employment' ? 0.78 : project.category === 'upgrading' ? 0.95 : 0.6);
    for (let t = 0; t < n; t++) {
      const p = spec.trainees[t]!;
      const done = completed[t]!;
      if (done) completers.push(p);
      const employed = done && (spec.employed ? spec.employed(t) : r.chance(employedRate));
      // Hours are written to 2 decimals, rounded down, so they never exceed the attended time.
      const sup = Math.floor(supported[t]! * 100 + 1e-6) / 100;
      const hours = !hasSessions ? null : spec.ghost ? (done ? project.hours : null) : done ? (spec.completedHours ? spec.completedHours(t, sup) : sup) : null;
      this.write('enrollments', {
        class_id: id,
        id_number: p.id,
        enrolled_on: dateStr(start - r.int(3, 20)),
        completed: done,
        completed_hours: hours,
        employed: done ? employed : null,
        employer_uscc: employed ? (p.employer ?? (p.employer = this.employerUscc())) : null,
      });
      p.nClasses++;
      p.freeFrom = Math.max(p.freeFrom, end + 1);
      p.occLv += `${project.occ}|${project.level};`;
      p.insts += inst.id + ';';
    }
    // Online learning.
    if (mode !== 'offline') {
      for (let t = 0; t < n; t++) {
        const p = spec.trainees[t]!;
        const specs = spec.online ? spec.online(t, p, start, end) : this.cleanOnline(p, start, end, mode === 'online' ? r.int(2, 3) : r.int(1, 2), project);
        this.writeChain(p, id, specs, spec.tamper?.(t));
      }
    }
    // Claim.
    this.claimIds = [];
    if (spec.claim !== false && completers.length > 0) this.writeClaim(id, inst, project, spec, completed, end);
    return { id, end, sessions, completers };
  }

  private writeClaim(classId: string, inst: Inst, project: Project, spec: ClassSpec, completed: boolean[], end: number): void {
    const r = this.rng;
    const c: ClaimSpec = spec.claim || {};
    const status = c.status ?? (r.pick(['paid', 'paid', 'paid', 'approved', 'approved', 'submitted'] as const));
    const items: { p: Person; amount: number }[] = [];
    spec.trainees.forEach((p, t) => {
      if (c.items ? c.items(t) : completed[t]) items.push({ p, amount: c.itemAmount ? c.itemAmount(t, project.subsidy) : project.subsidy });
    });
    if (items.length === 0) return;
    const submitted = c.submitted ?? end + r.int(5, 30);
    this.emitClaim(classId, inst, submitted, status, items, c.amountDelta ?? 0, c.payee);
    if (c.second) {
      const again = c.second.map((t) => ({ p: spec.trainees[t]!, amount: project.subsidy }));
      this.emitClaim(classId, inst, submitted + r.int(20, 40), c.secondStatus ?? 'submitted', again, 0);
    }
  }

  /** Write a claim with its items (and a payment when paid); returns the claim id. */
  emitClaim(
    classId: string,
    inst: Inst,
    submitted: number,
    status: NonNullable<ClaimSpec['status']>,
    items: { p: Person; amount: number }[],
    delta: number,
    payee?: ClaimSpec['payee'],
  ): string {
    const id = 'CL' + pad(++this.seq.claim, 7);
    this.claimIds.push(id);
    const sum = items.reduce((a, b) => a + b.amount, 0);
    this.write('claims', { claim_id: id, institution_id: inst.id, class_id: classId, submitted_on: dateStr(submitted), amount: sum + delta, status });
    for (const it of items) this.write('claim_items', { claim_id: id, id_number: it.p.id, amount: it.amount });
    if (status === 'paid') {
      this.write('payments', {
        payment_id: 'PM' + pad(++this.seq.pay, 7),
        claim_id: id,
        paid_on: dateStr(submitted + this.rng.int(10, 40)),
        amount: sum + delta,
        payee_account: payee?.account ?? inst.payeeAccount,
        payee_name: payee?.name ?? inst.payeeName,
      });
    }
    return id;
  }

  /** Ids of claims written by the last buildClass (first, then the second claim if any). */
  claimIds: string[] = [];

  /** Clean online learning: k login sessions on distinct days, 40–75 minutes each. */
  cleanOnline(p: Person, startDay: number, endDay: number, k: number, project: Project): OnlineSessionSpec[] {
    const r = this.rng;
    const days = new Set<number>();
    const span = endDay - startDay + 1;
    while (days.size < Math.min(k, span)) days.add(startDay + r.int(0, span - 1));
    return [...days].sort((a, b) => a - b).map((d, i) => ({
      start: at(d, r.int(8, 21), r.int(0, 59), r.int(0, 59)),
      minutes: r.int(40, 75),
      item: `${project.id}-K${pad(i + 1, 2)}`,
    }));
  }

  /** Generate, hash and write the event chain of one (person, class). */
  writeChain(p: Person, classId: string, specs: OnlineSessionSpec[], tamper?: ChainTamper): void {
    const r = this.rng;
    type Ev = { at: number; type: string; device: string; ip: string; item: string | null; pos: number | null; face: number | null; ord: number };
    const evs: Ev[] = [];
    let ord = 0;
    for (const s of specs) {
      const device = s.device ?? p.device;
      const ip = s.ip ?? p.ip;
      const item = s.item ?? 'K01';
      let t = s.start;
      const e = (type: string, pos: number | null = null, face: number | null = null): void => {
        evs.push({ at: t, type, device, ip, item: type === 'login' || type === 'logout' || type === 'face' ? item : item, pos, face, ord: ord++ });
      };
      if (!s.noLogin) e('login');
      if ((s.face ?? 'pass') !== 'none') {
        t = s.start + (s.faceAfter ?? r.int(3, 15));
        e('face', null, s.faceScore ?? (s.face === 'fail' ? +(0.2 + r.next() * 0.25).toFixed(3) : +(0.75 + r.next() * 0.24).toFixed(3)));
      }
      let pos = 0;
      const advance = (iv: number): number =>
        iv <= 0 ? 0 : s.speed !== undefined ? Math.floor(iv * s.speed + 1e-9) + (s.speedBump ?? 0) : Math.max(0, iv - r.int(1, 3));
      if (s.beats) {
        for (const b of s.beats) {
          const iv = s.start + b - t;
          t = s.start + b;
          pos += advance(iv);
          e('heartbeat', s.noPosition ? null : pos);
        }
      } else {
        const endAt = s.start + s.minutes * 60;
        let hb = 0;
        while (true) {
          const iv = s.fixedInterval ?? Math.max(45, Math.min(75, Math.round(60 + r.normal(0, 4))));
          if (t + iv > endAt) break;
          t += iv;
          pos += advance(iv);
          e('heartbeat', s.noPosition ? null : pos);
          hb++;
          if (hb % 10 === 0 && s.fixedInterval === undefined) {
            t += 1;
            e('progress', s.noPosition ? null : pos);
          }
        }
      }
      t += s.tail ?? r.int(5, 30);
      if (!s.noLogout) e('logout');
    }
    evs.sort((a, b) => a.at - b.at || a.ord - b.ord);
    const sink = this.sinks.online_events;
    let prev = '';
    let hbIndex = -1;
    for (const ev of evs) {
      const eid = 'E' + pad(++this.seq.ev, 12);
      const pos = ev.pos === null ? '' : String(ev.pos);
      if (ev.type === 'heartbeat') hbIndex++;
      const hit = tamper && ev.type === 'heartbeat' && hbIndex === tamper.heartbeat;
      const atText = hit && tamper!.kind === 'drop' ? tsStr(ev.at) : sink.peek('at', tsStr(ev.at));
      const hash = createHash('sha256').update(`${prev}|${eid}|${p.id}|${classId}|${atText}|${ev.type}|${pos}`).digest('hex');
      if (hit && tamper!.kind === 'drop') {
        prev = hash;
        continue;
      }
      this.write(
        'online_events',
        {
          event_id: eid,
          id_number: p.id,
          class_id: classId,
          at: atText,
          type: ev.type,
          device_id: ev.device,
          ip: ev.ip,
          course_item: ev.item,
          position_s: hit ? String(Math.max(0, (ev.pos ?? 0) - 7)) : pos,
          face_score: ev.face,
          prev_hash: prev,
          hash,
        },
        0,
        HASHED,
      );
      prev = hash;
    }
  }

  // ---------- exams ----------

  /** Answer string with exactly `correct` right answers against `key`. */
  answers(key: string, correct: number): string {
    const r = this.rng;
    const idx = r.shuffle([...Array(QUESTIONS).keys()]);
    const right = new Set(idx.slice(0, correct));
    let s = '';
    for (let i = 0; i < QUESTIONS; i++) {
      const k = key[i]!;
      if (right.has(i)) s += k;
      else {
        let c = k;
        while (c === k) c = ABCD[r.int(0, 3)]!;
        s += c;
      }
    }
    return s;
  }

  buildExam(spec: ExamSpec): ExamOut {
    const r = this.rng;
    const id = 'EX' + pad(++this.seq.exam, 6);
    const minutes = spec.minutes ?? 150;
    const end = spec.start + minutes * 60;
    let key = '';
    for (let i = 0; i < QUESTIONS; i++) key += ABCD[r.int(0, 3)];
    const passMark = 60;
    // Draw scores; redraw until the distribution is plausible (no bunching, not all passed)
    // and no two answer strings are ≥ 90 % equal, unless a plant forced them.
    type Res = { c: CandSpec; theory: number | null; practical: number | null; passed: boolean; answers: string };
    let res: Res[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      res = spec.cands.map((c) => {
        if (c.absent) return { c, theory: null, practical: null, passed: false, answers: '' };
        let correct: number;
        let practical: number;
        if (c.theory !== undefined) correct = Math.round((c.theory * QUESTIONS) / 100);
        else if (c.pass === true) correct = r.int(33, 43);
        else correct = Math.max(10, Math.min(43, Math.round(r.normal(34, 6))));
        if (c.practical !== undefined) practical = c.practical;
        else if (c.pass === true) practical = r.int(66, 95);
        else practical = Math.max(20, Math.min(96, Math.round(r.normal(71, 12))));
        if (c.pass === false && correct >= 30 && practical >= 60) practical = r.int(30, 55);
        const theory = (correct * 100) / QUESTIONS;
        const answers = c.answers ?? this.answers(key, correct);
        return { c, theory, practical, passed: theory >= passMark && practical >= passMark, answers };
      });
      const forced = spec.cands.some((c) => c.theory !== undefined || c.pass !== undefined || c.answers !== undefined);
      const sat = res.filter((x) => !x.c.absent);
      const passed = sat.filter((x) => x.passed);
      const bunched = passed.filter((x) => x.theory! <= passMark + 3 && x.practical! <= passMark + 3).length;
      let ok = forced || ((sat.length < 30 || passed.length < sat.length) && bunched <= passed.length * 0.3);
      if (ok) {
        // Pairs whose strings a plant gave are left as given.
        outer: for (let i = 0; i < res.length; i++) {
          for (let j = i + 1; j < res.length; j++) {
            const a = res[i]!.answers;
            const b = res[j]!.answers;
            if (!a || !b || (res[i]!.c.answers !== undefined && res[j]!.c.answers !== undefined)) continue;
            let eq = 0;
            for (let q = 0; q < QUESTIONS; q++) if (a.charCodeAt(q) === b.charCodeAt(q)) eq++;
            if (eq >= QUESTIONS * 0.9) {
              ok = false;
              break outer;
            }
          }
        }
      }
      if (ok) break;
    }
    this.write('exams', {
      exam_id: id,
      institution_id: spec.inst.id,
      occupation_code: spec.occ,
      level: spec.level,
      starts_at: tsStr(spec.start),
      ends_at: tsStr(end),
      venue_address: spec.inst.address,
      capacity: spec.capacity ?? Math.ceil(spec.cands.length / 10) * 10 + 10,
      pass_mark: passMark,
      examiner_id_numbers: spec.examiners.map((e) => e.id).join(';'),
    });
    for (const x of res) {
      const c = x.c;
      this.write('exam_results', {
        exam_id: id,
        id_number: c.person.id,
        theory_score: x.theory,
        practical_score: x.practical,
        passed: x.passed,
        absent: c.absent ?? false,
        basis: c.basis ?? (spec.level === 5 ? 'other' : 'experience'),
        experience_years: c.exp ?? (spec.level === 5 ? r.int(0, 8) : r.int(6, 18)),
        prior_certificate_no: c.prior ?? null,
        answers: x.answers || null,
      });
      c.person.examined = true;
    }
    const out: ExamOut = { id, inst: spec.inst, occ: spec.occ, level: spec.level, start: spec.start, end, passed: res.filter((x) => x.passed).map((x) => x.c) };
    const certs = spec.certs
      ? spec.certs(out.passed, out)
      : out.passed.map((c) => this.certFor(c.person, out));
    for (const c of certs) this.writeCert(c);
    return out;
  }

  /** Default certificate of a passed candidate: issued 7–20 days after, uploaded within 15. */
  certFor(p: Person, ex: ExamOut): CertSpec {
    const issued = Math.floor(ex.end / 86400) + this.rng.int(7, 20);
    return { person: p, occ: ex.occ, level: ex.level, inst: ex.inst, examId: ex.id, issued, uploaded: issued + this.rng.int(0, 15) };
  }

  newCertNo(level: number): string {
    return `Y${this.province}23${pad(++this.seq.cert, 8)}${level}`;
  }

  writeCert(c: CertSpec): string {
    const no = c.no ?? this.newCertNo(c.level);
    this.write('certificates', {
      certificate_no: no,
      id_number: c.person.id,
      occupation_code: c.occ,
      level: c.level,
      institution_id: c.inst.id,
      exam_id: c.examId ?? null,
      issued_on: dateStr(c.issued),
      status: 'valid',
      uploaded_on: c.uploaded === null || c.uploaded === undefined ? null : dateStr(c.uploaded),
    });
    return no;
  }

  private adSeq = 0;
  private listingSeq = 0;

  /** Leave gaps in the advert and listing numbering (plants of another stream get other ids). */
  skipTextIds(ads: number, listings: number): void {
    this.adSeq += ads;
    this.listingSeq += listings;
  }

  /** Write an advert; returns its id. */
  writeAd(a: { source: string; publisher_name: string | null; publisher_uscc: string | null; text: string; captured_on: string; url?: string }): string {
    const id = 'AD' + pad(++this.adSeq, 6);
    this.write('ads', { ad_id: id, ...a, url: a.url ?? `https://example.cn/p/${id.toLowerCase()}` });
    return id;
  }

  /** Write a platform listing; returns its id. */
  writeListing(l: { platform: string; shop_name: string; title: string; description: string; price: number }): string {
    const id = 'L' + pad(++this.listingSeq, 7);
    this.write('listings', { listing_id: id, ...l, url: `https://shop.example.cn/item/${id.toLowerCase()}`, captured_on: dateStr(day('2023-06-01') + this.rng.int(0, 150)) });
    return id;
  }

  /** Age on a day (for assertions in plants). */
  static age(p: Person, d: number): number {
    return ageOn(p.birth, d);
  }
}
