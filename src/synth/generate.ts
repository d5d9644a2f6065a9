/**
 * `generate`: a synthetic province in the dataset format of DATA-FORMAT.md, clean except
 * for planted instances of every screening rule, with the answer key and a manifest written
 * beside the dataset directory (`DIR.answers.jsonl`, `DIR.manifest.json`).
 */
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as OpenCC from 'opencc-js';
import { ENTITIES, ENTITY_NAMES, type EntityName } from '../dataset/entities.ts';
import { zerr } from '../errors.ts';
import { Rng } from './prng.ts';
import { EntitySink, ensureDir, fileReports, type FileReport, type FileSpec } from './sink.ts';
import { day, dateStr, at } from './time.ts';
import { World, SLOTS, type Inst, type Person, type Project, type CandSpec, type Sinks } from './world.ts';
import { plantAll, type Answer } from './plants.ts';
import { ADS_EVAL, ADS_INNOCENT, COMPLAINT_TEXTS, LISTINGS_INNOCENT, PLATFORMS } from './vocab.ts';
import { writeXlsx, writeParquet } from './convert.ts';

export interface GenerateOptions {
  /** Dataset directory (created or emptied). */
  out: string;
  /** 1 ≈ 300 institutions, 20k persons, 400k attendance rows, 1M online events; fractions allowed. */
  scale: number;
  seed: number;
  variant: 'clean' | 'messy';
  /** Called now and then with an entity and the rows written for it so far. */
  onProgress?: (entity: string, rows: number) => void;
}

export interface GenerateSummary {
  out: string;
  answers: string;
  manifest: string;
  seed: number;
  scale: number;
  variant: 'clean' | 'messy';
  province: string;
  /** Data rows written per entity (malformed rows not included). */
  rows: Record<string, number>;
  /** Planted (rule, subject) pairs in the answer key. */
  planted: number;
  /** Planted instances per rule. */
  byRule: Record<string, number>;
  files: number;
  bytes: number;
}

export interface Manifest {
  seed: number;
  scale: number;
  variant: 'clean' | 'messy';
  files: FileReport[];
}

type Specs = Record<EntityName, FileSpec[]>;

function cleanSpecs(): Specs {
  const s = {} as Specs;
  for (const e of ENTITY_NAMES) s[e] = [{ file: `${e}.csv`, format: 'csv', encoding: 'utf-8', header: 'en' }];
  return s;
}

/** What real exports look like: mixed encodings, headers, cell forms, containers, broken rows. */
function messySpecs(): Specs {
  const m = (file: string, encoding: FileSpec['encoding'], header: FileSpec['header'], malformed: FileSpec['malformed'] = [], more: Partial<FileSpec> = {}): FileSpec => ({
    file,
    format: 'csv',
    encoding,
    header,
    messyCells: true,
    malformed,
    ...more,
  });
  return {
    institutions: [m('institutions.csv', 'gb18030', 'zh', ['duplicate_key', 'unparseable'], { extra: [{ header: '备注', value: (i) => (i % 5 === 0 ? '年检合格' : '') }] })],
    eval_scopes: [m('eval_scopes.csv', 'utf-8', 'case', ['missing_required'])],
    projects: [m('projects.csv', 'utf-8-bom', 'case', ['unparseable'])],
    persons: [m('persons.csv', 'gb18030', 'zh', ['duplicate_key', 'missing_required', 'column_count'])],
    staff: [m('staff.csv', 'utf-8', 'fullwidth', ['unparseable'])],
    classes: [m('classes.csv', 'utf-8', 'zh', ['missing_required', 'duplicate_key'])],
    sessions: [m('sessions.csv.gz', 'utf-8', 'en', ['unparseable', 'column_count'], { gzip: true })],
    enrollments: [m('enrollments.csv', 'gb18030', 'en', ['duplicate_key', 'unparseable'])],
    attendance: [
      m('attendance-1.csv', 'utf-8', 'en', ['duplicate_key', 'unparseable']),
      m('attendance-2.csv', 'gb18030', 'zh', ['missing_required', 'column_count']),
      m('attendance-3.csv', 'utf-8-bom', 'case', ['duplicate_key']),
    ],
    online_events: [{ file: 'online_events.parquet', format: 'parquet', encoding: 'utf-8', header: 'en', messyCells: true }],
    claims: [m('claims.csv', 'gb18030', 'zh', ['unparseable'])],
    claim_items: [m('claim_items.csv', 'utf-8', 'en', ['missing_required', 'duplicate_key'])],
    payments: [m('payments.csv', 'utf-8', 'zh', ['column_count'])],
    exams: [{ file: 'evaluation.xlsx', format: 'xlsx', encoding: 'utf-8', header: 'zh', messyCells: true }],
    exam_results: [m('exam_results.csv', 'utf-8', 'en', ['unparseable', 'duplicate_key'])],
    certificates: [m('certificates.csv', 'gb18030', 'zh', ['duplicate_key'])],
    ads: [m('ads.csv', 'utf-8-bom', 'en', ['missing_required'], { extra: [{ header: 'collector', value: (i) => ['网信办', '市场监管', '人社局'][i % 3]! }] })],
    listings: [m('listings.csv', 'gb18030', 'en', ['unparseable'])],
    complaints: [m('complaints.csv', 'utf-8', 'zh', ['missing_required'])],
  };
}

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });

/** Generate a dataset; see {@link GenerateOptions}. Same options → byte-identical files. */
export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  if (!(opts.scale > 0)) throw new Error('scale 必须为正数');
  const out = resolve(opts.out);
  const tmp = out + '.synth-tmp';
  await refuseForeignDir(out);
  await ensureDir(out);
  // Parquet is converted from a temporary CSV kept outside the dataset directory.
  if (opts.variant === 'messy') await ensureDir(tmp);
  const specs = opts.variant === 'messy' ? messySpecs() : cleanSpecs();
  const sinks = {} as Sinks;
  for (const e of ENTITY_NAMES) sinks[e] = new EntitySink(e, specs[e], out, tmp);
  const progressEvery = 20000;
  let world!: World;
  const onRow = opts.onProgress
    ? (e: EntityName): void => {
        const n = world.counts[e]!;
        if (n % progressEvery === 0) opts.onProgress!(e, n);
      }
    : undefined;
  const rng = new Rng(opts.seed);
  world = new World(rng, sinks, onRow);
  const drain = async (): Promise<void> => {
    for (const e of ENTITY_NAMES) await sinks[e].drain();
  };

  await cleanWorld(world, opts.scale, drain);
  // Plants (and what follows) draw from their own stream, one per variant: the messy variant
  // of a seed shares the clean world of the clean variant but plants other subjects at other
  // distances from the thresholds.
  world.rng = rng.fork(opts.variant === 'messy' ? 0x6d657379 : 0x636c6e);
  const answers: Answer[] = await plantAll(world, drain);
  const links = cleanTexts(world, opts.scale);
  world.writeInstitutions();
  world.writePersons();

  for (const e of ENTITY_NAMES) await sinks[e].close();
  for (const e of ENTITY_NAMES) {
    for (const spec of specs[e]) {
      if (spec.format === 'xlsx') await writeXlsx(join(out, spec.file), ENTITIES[e], sinks[e]);
      if (spec.format === 'parquet') await writeParquet(join(tmp, spec.file + '.csv'), join(out, spec.file));
    }
  }
  await rm(tmp, { recursive: true, force: true });
  if (opts.onProgress) for (const e of ENTITY_NAMES) opts.onProgress(e, world.counts[e] ?? 0);

  // Answer key: exact (rule, subject) pairs, deduplicated, in planting order.
  const seen = new Set<string>();
  const lines: string[] = [];
  const byRule: Record<string, number> = {};
  for (const a of answers) {
    const line = JSON.stringify({ rule: a.rule, subject: { type: a.type, id: a.id } });
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
    byRule[a.rule] = (byRule[a.rule] ?? 0) + 1;
  }
  const answersPath = out + '.answers.jsonl';
  await writeFile(answersPath, lines.join('\n') + '\n');

  // Complaint → institution truth (DIR.links.jsonl): what complaint linking must find (or not).
  await writeFile(out + '.links.jsonl', links.map((l) => JSON.stringify(l)).join('\n') + '\n');

  const files = ENTITY_NAMES.flatMap((e) => fileReports(sinks[e]));
  const manifest: Manifest = { seed: opts.seed, scale: opts.scale, variant: opts.variant, files };
  const manifestPath = out + '.manifest.json';
  await writeFile(manifestPath, JSON.stringify(manifest, null, 1) + '\n');

  let bytes = 0;
  const names = await readdir(out);
  for (const n of names) bytes += (await stat(join(out, n))).size;
  const rows: Record<string, number> = {};
  for (const e of ENTITY_NAMES) rows[e] = world.counts[e] ?? 0;
  return {
    out,
    answers: answersPath,
    manifest: manifestPath,
    seed: opts.seed,
    scale: opts.scale,
    variant: opts.variant,
    province: world.province,
    rows,
    planted: lines.length,
    byRule,
    files: names.length,
    bytes,
  };
}

/**
 * The output directory is emptied first: refuse when it holds anything that does not look
 * like a dataset (so `--out .` or a typo cannot wipe someone's files).
 */
async function refuseForeignDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const foreign = names.filter((n) => !/^[a-z_]+(-[\w-]+)?\.(csv|csv\.gz|xlsx|parquet)$/.test(n));
  if (foreign.length > 0) {
    throw zerr('generate.out_not_dataset', `输出目录 ${dir} 非空且含有非数据集文件（如 ${foreign[0]}），未做任何改动`, `output directory is not empty and holds non-dataset files; nothing was changed`);
  }
}

// ---------------------------------------------------------------- clean world

interface Plan {
  inst: Inst;
  project: Project;
  mode: 'offline' | 'online' | 'blended';
  start: number;
  slot: number;
  teacher: number;
  n: number;
}

/** The province without any anomaly: see world.ts for the invariants each builder keeps. */
async function cleanWorld(w: World, scale: number, drain: () => Promise<void>): Promise<void> {
  const r = w.rng;
  const atLeast = (n: number, min: number): number => Math.max(min, Math.round(n));
  // Projects: include short ones (≤ 30 h) that plant host classes use.
  const nProj = atLeast(40 * Math.sqrt(scale), 12);
  for (let i = 0; i < nProj; i++) w.newProject(i < 4 ? { hours: i % 2 ? 24 : 30, category: i % 2 ? 'employment' : 'upgrading', level: 5 } : {});

  const training: Inst[] = [];
  const evals: Inst[] = [];
  const nTrain = atLeast(240 * scale, 6);
  const nEval = atLeast(30 * scale, 3);
  const nBoth = atLeast(30 * scale, 2);
  for (let i = 0; i < nTrain + nBoth; i++) {
    const inst = w.newInstitution(i < nTrain ? 'training' : 'both');
    for (let k = r.int(3, 8); k > 0; k--) w.addTeacher(inst);
    training.push(inst);
    if (inst.kind === 'both') evals.push(inst);
  }
  for (let i = 0; i < nEval; i++) evals.push(w.newInstitution('evaluation'));
  const scopeOccs = w.projects.map((p) => p.occ);
  for (const inst of evals) {
    for (let k = r.int(2, 4); k > 0; k--) w.addExaminer(inst);
    const occs = new Set<string>();
    const want = r.int(3, 6);
    for (let k = 0; k < 40 && occs.size < want; k++) occs.add(r.pick(scopeOccs));
    for (const occ of occs) w.addScope(inst, occ, r.pick([[3, 4, 5], [4, 5], [3, 4, 5], [2, 3, 4, 5]]));
  }

  // Class plans, scheduled so that no teacher has two classes in one slot at once.
  const nClasses = atLeast(830 * scale, 8);
  const plans: Plan[] = [];
  const lastDay = day('2023-12-20');
  for (let i = 0; i < nClasses; i++) {
    const inst = r.pick(training);
    const project = r.pick(w.projects);
    const m = r.next();
    const mode = m < 0.7 ? 'offline' : m < 0.85 ? 'online' : 'blended';
    const desired = day('2023-03-01') + r.int(0, 240);
    let teacher = 0;
    let slot = 0;
    let start = desired;
    if (mode !== 'online') {
      let best = Infinity;
      for (let t = 0; t < inst.teachers.length; t++)
        for (let s = 0; s < SLOTS.length; s++) {
          const f = Math.max(desired, inst.teacherFree[t]![s]!);
          if (f < best) {
            best = f;
            teacher = t;
            slot = s;
          }
        }
      start = best;
      const len = SLOTS[slot]!.len;
      const end = start + Math.ceil(project.hours / len) - 1;
      if (end > lastDay) continue; // the calendar is full for this institution
      inst.teacherFree[teacher]![slot] = end + 2;
    }
    plans.push({ inst, project, mode, start, slot, teacher, n: r.int(20, 40) });
  }
  plans.sort((a, b) => a.start - b.start);

  // Trainees: mostly fresh, some come back for a second class (never overlapping, never
  // the same occupation and level, at most 2 a year).
  const queue: Person[] = [];
  let head = 0;
  const pool: Person[] = []; // completers, candidates for exams
  const poolMax = 20000;
  for (const plan of plans) {
    const key = `${plan.project.occ}|${plan.project.level};`;
    const trainees: Person[] = [];
    const taken = new Set<Person>();
    for (let k = 0; k < plan.n; k++) {
      let p: Person | undefined;
      while (head < queue.length) {
        const q = queue[head]!;
        if (q.freeFrom + 7 > plan.start) break;
        head++;
        if (q.nClasses < 2 && !q.occLv.includes(key) && !taken.has(q)) {
          p = q;
          break;
        }
      }
      p ??= w.newPerson();
      taken.add(p);
      trainees.push(p);
    }
    // Near misses that a correct implementation must leave alone: trainees exactly 60 (whose
    // birthday comes later in the year) or exactly 16 at class start.
    const boundary: Person[] = [];
    if (r.chance(0.03)) {
      const y = +dateStr(plan.start).slice(0, 4);
      boundary.push(w.newPerson({ birth: `${y - 61}-12-${r.int(21, 31)}` }), w.newPerson({ birth: `${y - 16}-01-${String(r.int(1, 15)).padStart(2, '0')}` }));
      trainees.push(...boundary);
    }
    const inst = plan.inst;
    const c = r.next();
    const claim = c < 0.1 ? false : c < 0.14 ? { status: 'rejected' as const } : {};
    const out = w.buildClass({
      inst,
      project: plan.project,
      mode: plan.mode,
      start: plan.start,
      slot: SLOTS[plan.slot]!,
      trainees,
      teacherOf: () => inst.teachers[plan.teacher]!,
      claim,
    });
    for (const p of boundary) {
      p.nClasses = 99;
      p.examined = true;
    }
    // Public officials in classes nobody is subsidised for (no claim, or a rejected one).
    if (claim === false || 'status' in claim) {
      const first = trainees.find((p) => p.nClasses === 1);
      if (first && r.chance(0.5)) {
        first.official = true;
        first.nClasses = 99;
      }
    }
    for (const p of out.completers) {
      if (r.chance(0.45)) queue.push(p);
      if (pool.length < poolMax) pool.push(p);
      else pool[r.int(0, poolMax - 1)] = p;
    }
    if (head > 100000) {
      queue.splice(0, head);
      head = 0;
    }
    await drain();
  }

  // Deaths recorded after everything a person did (2024, after the last claim and exam).
  for (const p of w.persons) if (p.nClasses > 0 && p.nClasses < 3 && r.chance(0.004)) p.death = dateStr(day('2024-03-01') + r.int(0, 200));

  // Exams: levels 5 and 4 only (no prior certificate needed), candidates never trained by
  // the examining institution, each candidate in one exam.
  const nExams = atLeast(110 * scale, 4);
  for (let i = 0; i < nExams; i++) {
    const inst = r.pick(evals);
    const scope = r.pick(inst.scopes);
    const level = r.pick(scope.levels.filter((l) => l >= 4));
    const cands: CandSpec[] = [];
    const n = r.int(20, 50);
    for (let k = 0; k < n; k++) {
      let p: Person | undefined;
      if (r.chance(0.75) && pool.length > 0) {
        const q = pool[r.int(0, pool.length - 1)]!;
        if (!q.examined && !q.insts.includes(inst.id)) p = q;
      }
      p ??= w.newPerson();
      p.examined = true;
      const edu = level === 4 && r.chance(0.3);
      cands.push({ person: p, absent: r.chance(0.05), basis: edu ? 'education' : level === 5 ? r.pick(['other', 'experience'] as const) : 'experience', exp: edu ? r.int(0, 5) : level === 5 ? r.int(0, 8) : r.int(6, 18) });
    }
    const d = day('2023-04-01') + r.int(0, 250);
    w.buildExam({ inst, occ: scope.occ, level, start: at(d, 9, 0), examiners: inst.examiners.slice(0, r.int(2, inst.examiners.length)), cands });
    if (i % 20 === 0) await drain();
  }
}

/** Innocent adverts, platform listings and complaints. */
function cleanTexts(w: World, scale: number): { complaint_id: string; institution_id: string | null; variant: string }[] {
  const r = w.rng;
  const n = (x: number): number => Math.max(10, Math.round(x * scale));
  const trainers = w.institutions.filter((i) => i.kind !== 'evaluation' && i.catalogTo === null);
  const registered = w.institutions.filter((i) => i.regNo && !i.termOn);
  const occName = (): string => r.pick(w.projects).occName;
  const fill = (tpl: string, inst: Inst): string =>
    tpl
      .replace(/\{name\}/g, inst.name)
      .replace(/\{occ\}/g, occName())
      .replace(/\{hours\}/g, String(r.pick([24, 48, 60, 90])))
      .replace(/\{tel\}/g, `020-${r.int(30000000, 89999999)}`)
      .replace(/\{addr\}/g, inst.address)
      .replace(/\{reg\}/g, inst.regNo ?? '');
  for (let i = 0; i < n(200); i++) {
    const evalAd = i % 6 === 0 && registered.length > 0;
    const inst = evalAd ? r.pick(registered) : r.pick(trainers);
    w.writeAd({
      source: r.pick(['web', 'wechat', 'platform', 'print'] as const),
      publisher_name: inst.name,
      publisher_uscc: r.chance(0.7) ? inst.uscc : null,
      text: fill(evalAd ? r.pick(ADS_EVAL) : r.pick(ADS_INNOCENT), inst),
      captured_on: dateStr(day('2023-05-01') + r.int(0, 200)),
    });
  }
  for (let i = 0; i < n(200); i++) {
    const l = r.pick(LISTINGS_INNOCENT);
    w.writeListing({ platform: r.pick(PLATFORMS), shop_name: r.pick(['五金', '劳保', '教材', '家居', '工具']) + r.pick(['专营店', '旗舰店', '小铺']), title: l.title, description: l.desc, price: l.price });
  }
  const channels = ['hotline', 'online', 'letter', 'visit', 'media', 'audit', 'inspection', 'internet_search', 'onsite', 'other'] as const;
  const insts = w.institutions.filter((i) => i.kind !== 'evaluation');
  const links: { complaint_id: string; institution_id: string | null; variant: string }[] = [];
  const fullWidth = (s: string) => s.replace(/[()]/g, (c) => (c === '(' ? '（' : '）')).replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  for (let i = 0; i < n(150); i++) {
    const inst = r.pick(insts);
    const v = i % 8;
    // Name variants a complaint handler sees: as registered, legal-form suffix dropped, spaces
    // inserted, traditional characters, full-width, only in the text, no name (credit code
    // only), and an institution that is not in the dataset.
    const unknown = `${r.pick(['鸿运', '金桥', '启明', '卓越'])}${r.pick(['职业技能', '技术'])}培训服务部`;
    const subj =
      v === 0 ? inst.name
      : v === 1 ? inst.name.replace(/有限公司$/, '')
      : v === 2 ? inst.name.replace(/(市)/, '$1 ').replace(/(职业|培训)/, ' $1')
      : v === 3 ? toTraditional(inst.name)
      : v === 4 ? fullWidth(inst.name)
      : v === 7 ? unknown
      : '';
    const complaint_id = 'TS' + String(i + 1).padStart(6, '0');
    const inText = v === 5;
    w.write('complaints', {
      complaint_id,
      received_on: dateStr(day('2023-04-01') + r.int(0, 240)),
      channel: r.pick(channels),
      subject_name: subj || null,
      subject_uscc: v === 6 || (v !== 7 && v !== 5 && r.chance(0.3)) ? inst.uscc : null,
      region_code: inst.region,
      text: r.pick(COMPLAINT_TEXTS).replace('{subj}', subj || (inText ? inst.name : '该机构')),
    });
    links.push({ complaint_id, institution_id: v === 7 ? null : inst.id, variant: ['name', 'no_suffix', 'spaced', 'traditional', 'full_width', 'in_text', 'uscc_only', 'unknown'][v]! });
  }
  return links;
}

