import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseIdNumber, parseUscc } from '../ids/index.ts';
import { ENTITIES, type EntityName } from '../dataset/entities.ts';
import { generate, type Manifest } from './generate.ts';
import { ageOn, day } from './time.ts';
import { requireOrSkip } from '../../test/prereq.ts';

const RULES_SPEC = '/work/shared/spec/RULES.md';

/** Every rule id of RULES.md (checked against the spec when it is on this machine). */
const RULE_IDS = [
  'TR-ID-INVALID', 'TR-DECEASED', 'TR-AGE', 'TR-REPEAT', 'TR-FREQ', 'TR-OVERLAP', 'TR-BULK-SIGNIN', 'TR-NO-FACE',
  'TR-SIGNIN-OUTSIDE', 'TR-HOURS', 'TR-CLAIM-ATTENDANCE', 'TR-CLAIM-AMOUNT', 'TR-PAYEE', 'TR-SHARED-CONTACT',
  'TR-INSIDER', 'TR-CATALOG', 'TR-LOW-YIELD', 'TR-TEACHER-CLASH', 'TR-SUBCONTRACT',
  'ON-NO-VERIFY', 'ON-CONCURRENT', 'ON-DEVICE-FARM', 'ON-SPEED', 'ON-BOT', 'ON-TAMPER',
  'EV-SCOPE', 'EV-ELIGIBILITY', 'EV-NO-EXAM', 'EV-PASS-RATE', 'EV-ANSWERS', 'EV-CLASH', 'EV-MILL', 'EV-CAPACITY', 'EV-CERT-DATA',
  'AD-TERMS', 'AD-AGENCY', 'AD-FAKE-QUAL', 'PL-LISTING',
];

/** Split one CSV line (the generator never writes line breaks inside cells). */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') q = false;
      else cur += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const csvCache = new Map<string, Record<string, string>[]>();

/** Rows of a clean-variant CSV as objects keyed by the English header (cached; do not mutate). */
function readCsv(dir: string, entity: EntityName): Record<string, string>[] {
  const k = join(dir, entity);
  if (!csvCache.has(k)) csvCache.set(k, readCsvUncached(dir, entity));
  return csvCache.get(k)!;
}

function readCsvUncached(dir: string, entity: EntityName): Record<string, string>[] {
  const lines = readFileSync(join(dir, `${entity}.csv`), 'utf8').split('\r\n').filter((l) => l !== '');
  const head = splitCsv(lines[0]!);
  return lines.slice(1).map((l) => {
    const cells = splitCsv(l);
    return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
  });
}

function readAnswers(dir: string): { rule: string; subject: { type: string; id: string } }[] {
  return readFileSync(dir + '.answers.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

function filesOf(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) m.set(f, createHash('sha256').update(readFileSync(join(dir, f))).digest('hex'));
  return m;
}

const root = mkdtempSync(join(tmpdir(), 'zhili-synth-'));
const clean = join(root, 'clean');
const messy = join(root, 'messy');

beforeAll(async () => {
  await generate({ out: clean, scale: 0.02, seed: 42, variant: 'clean' });
  await generate({ out: messy, scale: 0.02, seed: 42, variant: 'messy' });
});

describe('determinism', () => {
  it('same seed gives byte-identical files, answer key and manifest; another seed does not', async () => {
    const again = join(root, 'again');
    const other = join(root, 'other');
    await generate({ out: again, scale: 0.02, seed: 42, variant: 'clean' });
    await generate({ out: other, scale: 0.02, seed: 43, variant: 'clean' });
    expect([...filesOf(again)]).toEqual([...filesOf(clean)]);
    expect(readFileSync(again + '.answers.jsonl', 'utf8')).toBe(readFileSync(clean + '.answers.jsonl', 'utf8'));
    expect(readFileSync(again + '.manifest.json', 'utf8')).toBe(readFileSync(clean + '.manifest.json', 'utf8'));
    expect(filesOf(other).get('persons.csv')).not.toBe(filesOf(clean).get('persons.csv'));
    expect(readFileSync(other + '.answers.jsonl', 'utf8')).not.toBe(readFileSync(clean + '.answers.jsonl', 'utf8'));
  });

  it('messy output is deterministic too (CSV, gzip, xlsx, parquet)', async () => {
    const again = join(root, 'messy-again');
    await generate({ out: again, scale: 0.02, seed: 42, variant: 'messy' });
    expect([...filesOf(again)]).toEqual([...filesOf(messy)]);
  });
});

describe('layout and answer key', () => {
  it('writes all 19 entities into DIR and the key and manifest beside it', () => {
    const names = readdirSync(clean);
    for (const e of Object.keys(ENTITIES)) expect(names).toContain(`${e}.csv`);
    expect(names.some((n) => n.includes('answers') || n.includes('manifest'))).toBe(false);
    expect(existsSync(clean + '.answers.jsonl')).toBe(true);
    expect(existsSync(clean + '.manifest.json')).toBe(true);
  });

  it.skipIf(requireOrSkip(existsSync(RULES_SPEC), `规则目录 ${RULES_SPEC}`))('RULE_IDS are the rule ids of RULES.md', () => {
    const ids = [...new Set(readFileSync(RULES_SPEC, 'utf8').match(/^\| ([A-Z]{2}-[A-Z-]+) \|/gm)!.map((m) => m.slice(2, -2)))];
    expect(ids.sort()).toEqual([...RULE_IDS].sort());
  });

  it('plants every rule of RULES.md at least 5 times, with unique lines', () => {
    const key = readAnswers(clean);
    const lines = key.map((a) => JSON.stringify(a));
    expect(new Set(lines).size).toBe(lines.length);
    for (const id of RULE_IDS) expect(key.filter((a) => a.rule === id).length, id).toBeGreaterThanOrEqual(5);
    expect(key.every((a) => RULE_IDS.includes(a.rule))).toBe(true);
  });

  it('answer subjects exist in the dataset with the subject type of their rule', () => {
    const key = readAnswers(clean);
    const ids = {
      person: new Set(readCsv(clean, 'persons').map((r) => r.id_number)),
      class: new Set(readCsv(clean, 'classes').map((r) => r.class_id)),
      claim: new Set(readCsv(clean, 'claims').map((r) => r.claim_id)),
      institution: new Set(readCsv(clean, 'institutions').map((r) => r.institution_id)),
      exam: new Set(readCsv(clean, 'exams').map((r) => r.exam_id)),
      certificate: new Set(readCsv(clean, 'certificates').map((r) => r.certificate_no)),
      ad: new Set(readCsv(clean, 'ads').map((r) => r.ad_id)),
      listing: new Set(readCsv(clean, 'listings').map((r) => r.listing_id)),
      device: new Set(readCsv(clean, 'online_events').flatMap((r) => [r.device_id, r.ip])),
    } as Record<string, Set<string>>;
    for (const a of key) expect(ids[a.subject.type]!.has(a.subject.id), `${a.rule} ${a.subject.id}`).toBe(true);
    const typeOf = (rule: string) =>
      /^TR-(BULK-SIGNIN|NO-FACE|SIGNIN-OUTSIDE|HOURS|CATALOG|SUBCONTRACT)$/.test(rule) ? 'class'
        : /^TR-(CLAIM-|PAYEE)/.test(rule) ? 'claim'
          : /^(TR-SHARED-CONTACT|TR-LOW-YIELD|EV-CAPACITY)$/.test(rule) ? 'institution'
            : rule === 'ON-DEVICE-FARM' ? 'device'
              : /^EV-(SCOPE|PASS-RATE|ANSWERS)$/.test(rule) ? 'exam'
                : /^EV-(NO-EXAM|CERT-DATA)$/.test(rule) ? 'certificate'
                  : rule.startsWith('AD-') ? 'ad' : rule === 'PL-LISTING' ? 'listing' : 'person';
    for (const a of key) expect(a.subject.type, a.rule).toBe(typeOf(a.rule));
  });
});

describe('identifiers', () => {
  it('every identity number is valid except the planted TR-ID-INVALID ones, which are all invalid', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-ID-INVALID').map((a) => a.subject.id));
    const seen = new Set<string>();
    const check = (id: string) => {
      if (!id || seen.has(id)) return;
      seen.add(id);
      expect(parseIdNumber(id, '2023-12-31').valid, id.slice(0, 6)).toBe(!planted.has(id));
    };
    for (const r of readCsv(clean, 'persons')) check(r.id_number!);
    for (const e of ['enrollments', 'attendance', 'claim_items', 'exam_results', 'staff', 'certificates'] as const) for (const r of readCsv(clean, e)) check(r.id_number!);
    for (const p of planted) expect(seen.has(p)).toBe(true);
    const kinds = new Set([...seen].filter((id) => !planted.has(id)).map((id) => parseIdNumber(id, '2023-12-31').kind));
    expect(kinds).toContain('legacy15');
    expect(kinds).toContain('permit_hmt');
  });

  it('every credit code is valid (GB 32100 check and embedded GB 11714 check)', () => {
    const codes = [
      ...readCsv(clean, 'institutions').map((r) => r.uscc!),
      ...readCsv(clean, 'persons').map((r) => r.employer_uscc!),
      ...readCsv(clean, 'enrollments').map((r) => r.employer_uscc!),
      ...readCsv(clean, 'ads').map((r) => r.publisher_uscc!),
      ...readCsv(clean, 'complaints').map((r) => r.subject_uscc!),
    ].filter(Boolean);
    expect(codes.length).toBeGreaterThan(50);
    for (const c of codes) expect(parseUscc(c).valid, c).toBe(true);
  });

  it('institution names and credit codes are unique', () => {
    const inst = readCsv(clean, 'institutions');
    expect(new Set(inst.map((r) => r.name)).size).toBe(inst.length);
    expect(new Set(inst.map((r) => r.uscc)).size).toBe(inst.length);
  });
});

describe('online events', () => {
  it('hash chains verify except for the planted ON-TAMPER learners, whose chains are all broken', () => {
    const tampered = new Set(readAnswers(clean).filter((a) => a.rule === 'ON-TAMPER').map((a) => a.subject.id));
    const chains = new Map<string, Record<string, string>[]>();
    for (const r of readCsv(clean, 'online_events')) {
      const k = `${r.id_number}|${r.class_id}`;
      (chains.get(k) ?? chains.set(k, []).get(k)!).push(r);
    }
    const broken = new Set<string>();
    for (const [k, evs0] of chains) {
      const evs = [...evs0].sort((a, b) => (a.at! < b.at! ? -1 : a.at! > b.at! ? 1 : a.event_id! < b.event_id! ? -1 : 1));
      let prev = '';
      for (const e of evs) {
        const h = createHash('sha256').update(`${e.prev_hash}|${e.event_id}|${e.id_number}|${e.class_id}|${e.at}|${e.type}|${e.position_s}`).digest('hex');
        if (e.prev_hash !== prev || h !== e.hash) broken.add(k.split('|')[0]!);
        prev = e.hash!;
      }
    }
    expect(broken).toEqual(tampered);
  });

  it('clean heartbeats are human: intervals vary (std-dev well above 0.5 s) and playback never passes 1.5× the clock', () => {
    const bots = new Set(readAnswers(clean).filter((a) => a.rule.startsWith('ON-')).map((a) => a.subject.id));
    const byPerson = new Map<string, Record<string, string>[]>();
    for (const r of readCsv(clean, 'online_events')) if (r.type === 'heartbeat' && !bots.has(r.id_number!)) (byPerson.get(r.id_number! + r.class_id) ?? byPerson.set(r.id_number! + r.class_id, []).get(r.id_number! + r.class_id)!).push(r);
    const sec = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z') / 1000;
    const iv: number[] = [];
    for (const hb of byPerson.values()) {
      hb.sort((a, b) => (a.at! < b.at! ? -1 : 1));
      for (let i = 1; i < hb.length; i++) {
        const dt = sec(hb[i]!.at!) - sec(hb[i - 1]!.at!);
        if (dt > 600 || hb[i]!.course_item !== hb[i - 1]!.course_item || !hb[i]!.position_s || !hb[i - 1]!.position_s) continue;
        iv.push(dt);
        // ≤ 1.5×: the ON-SPEED near miss plays at exactly 1.5×.
        expect(Number(hb[i]!.position_s) - Number(hb[i - 1]!.position_s)).toBeLessThanOrEqual(1.5 * dt);
      }
    }
    const mean = iv.reduce((a, b) => a + b, 0) / iv.length;
    const sd = Math.sqrt(iv.reduce((a, b) => a + (b - mean) ** 2, 0) / iv.length);
    expect(mean).toBeGreaterThan(55);
    expect(mean).toBeLessThan(65);
    expect(sd).toBeGreaterThan(2);
  });
});

describe('planted vs clean (recomputed from the CSVs)', () => {
  it('clean trainees are 16–60 at class start; planted TR-AGE trainees are not', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-AGE').map((a) => a.subject.id));
    const invalid = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-ID-INVALID').map((a) => a.subject.id));
    const start = new Map(readCsv(clean, 'classes').map((r) => [r.class_id!, day(r.start_date!)]));
    let n = 0;
    for (const e of readCsv(clean, 'enrollments')) {
      const info = parseIdNumber(e.id_number!, '2023-12-31');
      if (invalid.has(e.id_number!)) continue;
      const age = ageOn(info.birthDate!, start.get(e.class_id!)!);
      expect(age >= 16 && age <= 60, `${age}`).toBe(!planted.has(e.id_number!));
      n++;
    }
    expect(n).toBeGreaterThan(500);
  });

  it('phones and accounts are shared only by the planted TR-SHARED-CONTACT trainees (5–8, the first exactly 5) and the near misses (exactly 4)', () => {
    const persons = readCsv(clean, 'persons');
    const groups = (col: 'phone' | 'bank_account') => {
      const m = new Map<string, number>();
      for (const p of persons) m.set(p[col]!, (m.get(p[col]!) ?? 0) + 1);
      return [...m.values()].filter((n) => n > 1).sort((a, b) => a - b);
    };
    const phones = groups('phone');
    const banks = groups('bank_account');
    expect(phones.filter((n) => n < 5)).toEqual([4]);
    expect(banks.filter((n) => n < 5)).toEqual([4]);
    expect(phones.filter((n) => n >= 5).length).toBe(3);
    expect(banks.filter((n) => n >= 5).length).toBe(2);
    expect([...phones, ...banks].every((n) => n <= 8)).toBe(true);
    expect(phones).toContain(5);
    expect(readAnswers(clean).filter((a) => a.rule === 'TR-SHARED-CONTACT').length).toBe(5);
  });

  it('TR-AGE plants include exactly 61 and 15 at class start, beside near misses of exactly 60 and 16', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-AGE').map((a) => a.subject.id));
    const start = new Map(readCsv(clean, 'classes').map((r) => [r.class_id!, day(r.start_date!)]));
    const enr = readCsv(clean, 'enrollments');
    const cls = new Set(enr.filter((e) => planted.has(e.id_number!)).map((e) => e.class_id!));
    expect(cls.size).toBe(1);
    const [c] = [...cls];
    const ages = (want: boolean) => enr.filter((e) => e.class_id === c && planted.has(e.id_number!) === want).map((e) => ageOn(parseIdNumber(e.id_number!, '2023-12-31').birthDate!, start.get(c!)!));
    expect(ages(true)).toEqual(expect.arrayContaining([61, 15]));
    expect(ages(false)).toEqual(expect.arrayContaining([60, 16]));
  });

  it('TR-BULK-SIGNIN: planted classes reach 10 (the first exactly 10) same-second sign-ins or sign-ins per device; others stay at 9 or below, a near miss at exactly 9', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-BULK-SIGNIN').map((a) => a.subject.id));
    const classOf = new Map(readCsv(clean, 'sessions').map((s) => [s.session_id!, s.class_id!]));
    const n = new Map<string, number>();
    for (const a of readCsv(clean, 'attendance')) {
      for (const k of [`s|${a.session_id}|${a.checked_at}`, `d|${a.session_id}|${a.device_id}`]) n.set(k, (n.get(k) ?? 0) + 1);
    }
    const best = new Map<string, number>();
    for (const [k, v] of n) {
      const c = classOf.get(k.split('|')[1]!)!;
      best.set(c, Math.max(best.get(c) ?? 0, v));
    }
    const plantedMax = [...planted].map((c) => best.get(c)!);
    expect(Math.min(...plantedMax)).toBe(10);
    const others = [...best].filter(([c]) => !planted.has(c)).map(([, v]) => v);
    expect(Math.max(...others)).toBe(9);
  });

  it('teachers never teach overlapping sessions of two classes, except the planted TR-TEACHER-CLASH ones', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-TEACHER-CLASH').map((a) => a.subject.id));
    const byTeacher = new Map<string, Record<string, string>[]>();
    for (const s of readCsv(clean, 'sessions')) (byTeacher.get(s.teacher_id_number!) ?? byTeacher.set(s.teacher_id_number!, []).get(s.teacher_id_number!)!).push(s);
    const clash = new Set<string>();
    for (const [t, ss] of byTeacher) {
      const sorted = [...ss].sort((a, b) => (a.starts_at! < b.starts_at! ? -1 : 1));
      for (let i = 1; i < sorted.length; i++) if (sorted[i]!.starts_at! < sorted[i - 1]!.ends_at! && sorted[i]!.class_id !== sorted[i - 1]!.class_id) clash.add(t);
    }
    expect(clash).toEqual(planted);
  });

  it('nobody signs in to overlapping sessions of two classes, except the planted TR-OVERLAP trainees', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-OVERLAP').map((a) => a.subject.id));
    const ses = new Map(readCsv(clean, 'sessions').map((s) => [s.session_id!, s]));
    const byPerson = new Map<string, Record<string, string>[]>();
    for (const a of readCsv(clean, 'attendance')) {
      const s = ses.get(a.session_id!)!;
      (byPerson.get(a.id_number!) ?? byPerson.set(a.id_number!, []).get(a.id_number!)!).push(s);
    }
    const overlap = new Set<string>();
    for (const [p, ss] of byPerson) {
      const sorted = [...ss].sort((a, b) => (a.starts_at! < b.starts_at! ? -1 : 1));
      for (let i = 1; i < sorted.length; i++) if (sorted[i]!.starts_at! < sorted[i - 1]!.ends_at! && sorted[i]!.class_id !== sorted[i - 1]!.class_id) overlap.add(p);
    }
    expect(overlap).toEqual(planted);
  });

  it('no device or ip serves 5 learners in a day, except the planted ON-DEVICE-FARM ones', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'ON-DEVICE-FARM').map((a) => a.subject.id));
    const users = new Map<string, Set<string>>();
    for (const e of readCsv(clean, 'online_events'))
      for (const d of [e.device_id!, e.ip!]) {
        const k = `${d}|${e.at!.slice(0, 10)}`;
        (users.get(k) ?? users.set(k, new Set()).get(k)!).add(e.id_number!);
      }
    const farms = new Set([...users].filter(([, s]) => s.size >= 5).map(([k]) => k.split('|')[0]!));
    expect(farms).toEqual(planted);
  });

  it('claims match their items and the subsidy standard except the planted TR-CLAIM-AMOUNT ones', () => {
    const planted = new Set(readAnswers(clean).filter((a) => a.rule === 'TR-CLAIM-AMOUNT').map((a) => a.subject.id));
    const items = new Map<string, number>();
    for (const i of readCsv(clean, 'claim_items')) items.set(i.claim_id!, (items.get(i.claim_id!) ?? 0) + Number(i.amount));
    let odd = 0;
    for (const c of readCsv(clean, 'claims')) {
      const bad = Math.abs(items.get(c.claim_id!)! - Number(c.amount)) > 0.001;
      if (bad) {
        odd++;
        expect(planted.has(c.claim_id!)).toBe(true);
      }
    }
    expect(odd).toBe(1);
  });
});

describe('messy variant', () => {
  const manifest = (): Manifest => JSON.parse(readFileSync(messy + '.manifest.json', 'utf8'));
  const raw = (f: string): Buffer => {
    const b = readFileSync(join(messy, f));
    return f.endsWith('.gz') ? gunzipSync(b) : b;
  };
  const text = (f: string, enc: string | null): string => (enc === 'gb18030' ? iconv.decode(raw(f), 'gb18030') : raw(f).toString('utf8')).replace(/^\uFEFF/, '');

  it('the manifest counts every data row and every malformed row at its exact line', () => {
    const m = manifest();
    expect(m.variant).toBe('messy');
    const csvs = m.files.filter((f) => f.format === 'csv');
    expect(csvs.reduce((a, f) => a + f.malformed, 0)).toBeGreaterThanOrEqual(25);
    for (const f of csvs) {
      const lines = text(f.file, f.encoding).split('\r\n').filter((l) => l !== '');
      expect(lines.length - 1, f.file).toBe(f.rows);
      expect(f.malformed_rows.length).toBe(f.malformed);
      const width = splitCsv(lines[0]!).length;
      const cols = ENTITIES[f.entity].columns;
      const key = ENTITIES[f.entity].key.map((k) => cols.findIndex((c) => c.name === k));
      const bad = new Set(f.malformed_rows.map((x) => x.line));
      // Good rows have the full width and unique keys (the whole row for certificates).
      const keys = new Set<string>();
      lines.forEach((l, i) => {
        const line = i + 1;
        if (line === 1) return;
        const cells = splitCsv(l);
        const k = f.entity === 'certificates' ? l : key.map((j) => cells[j]).join('|');
        if (!bad.has(line)) {
          expect(cells.length, `${f.file}:${line}`).toBe(width);
          expect(keys.has(k), `${f.file}:${line}`).toBe(false);
        }
        keys.add(k);
      });
      for (const x of f.malformed_rows) {
        const cells = splitCsv(lines[x.line - 1]!);
        if (x.why === 'column_count') expect(cells.length).toBeLessThan(width);
        if (x.why === 'missing_required') expect(cells[cols.findIndex((c) => c.name === x.column)]).toBe('');
        if (x.why === 'unparseable') expect(['不详', 'abc', '也许']).toContain(cells[cols.findIndex((c) => c.name === x.column)]);
        if (x.why === 'duplicate_key') expect(lines.slice(1, x.line - 1)).toContain(lines[x.line - 1]);
      }
    }
  });

  it('GB18030 files really are GB18030 (not UTF-8) and carry Chinese headers where declared', () => {
    const m = manifest();
    const gb = m.files.filter((f) => f.encoding === 'gb18030');
    expect(gb.length).toBeGreaterThanOrEqual(4);
    for (const f of gb) {
      const b = raw(f.file);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(b), f.file).toThrow();
      const head = text(f.file, 'gb18030').split('\r\n')[0]!;
      if (f.header === 'zh') expect(head.startsWith(ENTITIES[f.entity].columns[0]!.zh[0]!)).toBe(true);
    }
    expect(readFileSync(join(messy, 'sessions.csv.gz')).subarray(0, 2).toString('hex')).toBe('1f8b');
    expect(m.files.filter((f) => f.entity === 'attendance').length).toBeGreaterThanOrEqual(3);
  });

  it('rotates every accepted cell form', () => {
    const all = readdirSync(messy).filter((f) => f.includes('.csv')).map((f) => text(f, manifest().files.find((x) => x.file === f)!.encoding)).join('\n');
    for (const re of [/\d{4}\/\d{1,2}\/\d{1,2}/, /\d{4}年\d{1,2}月\d{1,2}日/, /,20\d{6},/, /T\d{2}:\d{2}:\d{2}\+08:00/, /"\d{1,3}(,\d{3})+\.\d{2}"/, /￥\d+/, /,是,|,否,/, /,Y,|,N,/, /；/, /,[1-5]-[1-5],/, /\d{17}x/]) {
      expect(re.test(all), String(re)).toBe(true);
    }
  });

  it('exams are an XLSX sheet with real date cells; online events are Parquet with the hash columns as text', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(messy, 'evaluation.xlsx'));
    const ws = wb.getWorksheet('评价批次')!;
    expect(ws).toBeDefined();
    expect(ws.rowCount - 1).toBe(manifest().files.find((f) => f.entity === 'exams')!.rows);
    expect(ws.getRow(2).getCell(5).value).toBeInstanceOf(Date);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const file = join(messy, 'online_events.parquet').replace(/'/g, "''");
    const r = await con.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE "at" LIKE '%+08:00')::INTEGER AS iso, typeof(any_value("at")) AS t FROM read_parquet('${file}')`);
    const [n, iso, t] = r.getRows()[0]!;
    expect(n).toBe(manifest().files.find((f) => f.entity === 'online_events')!.rows);
    expect(iso).toBeGreaterThan(0);
    expect(t).toBe('VARCHAR');
    con.closeSync();
    db.closeSync();
  });

  it('plants the same rules as the clean variant of the same seed, on other subjects', () => {
    const c = readAnswers(clean);
    const m = readAnswers(messy);
    expect(new Set(m.map((a) => a.rule))).toEqual(new Set(c.map((a) => a.rule)));
    const lines = new Set(c.map((a) => JSON.stringify(a)));
    const shared = m.filter((a) => lines.has(JSON.stringify(a))).length;
    expect(shared / m.length).toBeLessThan(0.2);
  });
});

describe('safety', () => {
  it('refuses to empty an output directory that holds non-dataset files', async () => {
    const dir = join(root, 'foreign');
    await generate({ out: dir, scale: 0.02, seed: 1, variant: 'clean' }); // a dataset may be overwritten
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    await expect(generate({ out: dir, scale: 0.02, seed: 1, variant: 'clean' })).rejects.toThrow(/非空/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });
});
