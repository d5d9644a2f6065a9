import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { displayWidth, formatReportTable, registerScreen } from '../src/cli/screen.ts';
import { getClue, getRun, listClues, clueId } from '../src/clues/repository.ts';
import { loadSettings, parseSetOptions, settingExamples, validateSettings } from '../src/config/settings.ts';
import { renderRulesDoc, RULES_DOC_URL } from '../src/screening/docs.ts';
import { runScreening, selectRules } from '../src/screening/engine.ts';
import { CLUE_HEADERS_ZH, writeClues } from '../src/screening/output.ts';
import { RULES } from '../src/screening/rules/index.ts';
import type { Rule, SqlRule } from '../src/screening/types.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { ZhiliError } from '../src/errors.ts';

/** Flags persons whose name has at least N characters. */
const LONG_NAME: SqlRule = {
  kind: 'sql',
  id: 'FK-NAME',
  title: '姓名过长',
  family: 'training',
  subject: 'person',
  severity: 'low',
  needs: ['persons'],
  params: [{ name: 'N', default: 3, description: '姓名最少字数（字）', min: 1, max: 10 }],
  description: '测试规则。',
  detect: ({ params }) =>
    `SELECT id_number AS subject_id, region_code, name, length(name) AS len FROM persons WHERE length(name) >= ${Number(params.N)}`,
  evidence: () => `SELECT id_number AS subject_id, name, src_line FROM persons ORDER BY src_line`,
  finding: (row, ev, { params }) => ({
    subject: { type: 'person', id: String(row.subject_id) },
    score: (Number(row.len) - Number(params.N) + 1) / 10,
    region_code: (row.region_code as string) ?? null,
    institution_id: null,
    summary: `姓名 ${row.name} 有 ${row.len} 个字`,
    evidence: { rows: ev },
    related: [{ type: 'institution', id: 'I1' }],
  }),
};

/** Needs online events; flags every device seen. */
const DEVICES: SqlRule = {
  kind: 'sql',
  id: 'FK-DEV',
  title: '设备',
  family: 'online',
  subject: 'device',
  severity: 'medium',
  needs: ['persons', 'online_events'],
  params: [],
  description: '测试规则。',
  detect: () => `SELECT device_id AS subject_id, count(*) AS n FROM online_events GROUP BY device_id`,
  finding: (row) => ({
    subject: { type: 'device', id: String(row.subject_id) },
    score: 0.5,
    region_code: null,
    institution_id: null,
    summary: `设备 ${row.subject_id} 有 ${row.n} 条记录`,
    evidence: {},
    related: [],
  }),
};

/** A code rule that reads any of two tables. */
const ANY: Rule = {
  kind: 'code',
  id: 'FK-ANY',
  title: '任一',
  family: 'ads',
  subject: 'ad',
  severity: 'high',
  needs: [],
  needsAny: ['ads', 'listings'],
  params: [
    { name: 'word', default: '包过', description: '词', validate: (v) => (String(v).length > 4 ? '词不能超过 4 个字' : undefined) },
    { name: 'strict', default: false, description: '严格' },
  ],
  description: '测试规则。',
  run: async ({ db, params }) =>
    (await db.query<{ ad_id: string; text: string }>(`SELECT ad_id, text FROM ads`))
      .filter((r) => r.text.includes(String(params.word)))
      .map((r) => ({
        subject: { type: 'ad', id: r.ad_id },
        score: 2, // out of range on purpose: the engine clamps it
        region_code: null,
        institution_id: null,
        summary: `广告含"${params.word}"`,
        evidence: { text: r.text },
        related: [],
      })),
};

const BROKEN: SqlRule = { ...LONG_NAME, id: 'FK-BROKEN', detect: () => 'SELECT nope FROM persons', needs: ['persons'] };

const CATALOG: Rule[] = [LONG_NAME, DEVICES, ANY];

describe('settings validation', () => {
  it('accepts good settings and --set values of the right type', () => {
    expect(validateSettings({ rules: { 'FK-NAME': { N: 4, enabled: true } } }, CATALOG)).toEqual({ rules: { 'FK-NAME': { N: 4, enabled: true } } });
    expect(parseSetOptions(['FK-NAME.N=5', 'FK-DEV.enabled=false', 'FK-ANY.word=保过', 'FK-ANY.strict=true'], CATALOG)).toEqual({
      rules: { 'FK-NAME': { N: 5 }, 'FK-DEV': { enabled: false }, 'FK-ANY': { word: '保过', strict: true } },
    });
  });

  const bad: [unknown, RegExp][] = [
    [{ rules: { 'FK-NOPE': {} } }, /未知规则 FK-NOPE/],
    [{ rules: { 'FK-NAME': { M: 1 } } }, /规则 FK-NAME 没有参数 M/],
    [{ rules: { 'FK-NAME': { N: 'four' } } }, /设置项 rules\.FK-NAME\.N 应为数字，实际为 "four"/],
    [{ rules: { 'FK-NAME': { N: 11 } } }, /设置项 rules\.FK-NAME\.N 的值 11 超出范围 \[1, 10\]/],
    [{ rules: { 'FK-NAME': { enabled: 'no' } } }, /rules\.FK-NAME\.enabled 应为布尔值/],
    [{ rulez: {} }, /未知设置项 rulez/],
    [{ rules: { 'FK-ANY': { word: '五个字的词' } } }, /设置项 rules\.FK-ANY\.word 的值 "五个字的词" 无效：词不能超过 4 个字/],
  ];
  it.each(bad)('rejects %j with one Chinese line naming the key', (input, re) => {
    let err: unknown;
    try {
      validateSettings(input, CATALOG, '设置文件 x.json ');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZhiliError);
    expect((err as ZhiliError).id).toBe('settings.invalid');
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it('rejects bad --set items naming the key', () => {
    expect(() => parseSetOptions(['FK-NAME.N=abc'], CATALOG)).toThrow(/FK-NAME\.N 应为数字/);
    expect(() => parseSetOptions(['FK-NAME.N=0'], CATALOG)).toThrow(/FK-NAME\.N 的值 0 超出范围/);
    expect(() => parseSetOptions(['FK-X.N=1'], CATALOG)).toThrow(/未知规则 FK-X/);
    expect(() => parseSetOptions(['FK-NAME=1'], CATALOG)).toThrow(/格式应为/);
    expect(() => parseSetOptions(['FK-DEV.enabled=maybe'], CATALOG)).toThrow(/FK-DEV\.enabled 应为布尔值/);
  });

  it('reads a settings file and names it in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhili-settings-'));
    try {
      const f = join(dir, 's.json');
      writeFileSync(f, '{"rules":{"FK-NAME":{"N":2}}}');
      expect(loadSettings(CATALOG, f)).toEqual({ rules: { 'FK-NAME': { N: 2 } } });
      writeFileSync(f, '{"rules":{"FK-NAME":{"N":true}}}');
      expect(() => loadSettings(CATALOG, f)).toThrow(new RegExp(`设置文件 ${f.replace(/[.\\/]/g, '\\$&')}.*FK-NAME\\.N 应为数字`));
      writeFileSync(f, '{oops');
      expect(() => loadSettings(CATALOG, f)).toThrow(/不是有效的 JSON/);
      expect(() => loadSettings(CATALOG, join(dir, 'missing.json'))).toThrow(/找不到设置文件/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});


describe('rule selection', () => {
  it('takes ids and globs, keeps catalog order, rejects what matches nothing', () => {
    expect(selectRules(CATALOG, ['FK-ANY,FK-N*']).map((r) => r.id)).toEqual(['FK-NAME', 'FK-ANY']);
    expect(selectRules(CATALOG).map((r) => r.id)).toEqual(['FK-NAME', 'FK-DEV', 'FK-ANY']);
    expect(() => selectRules(CATALOG, ['FK-NAME', 'EV-*'])).toThrow(/未知规则：EV-\*/);
  });
});

describe('per-rule table', () => {
  it('aligns columns by display width (CJK counts double) and shows reasons', () => {
    const table = formatReportTable({
      runId: 1,
      findings: [],
      newClues: 0,
      deactivated: 0,
      ms: 0,
      rules: [
        { id: 'FK-NAME', title: '姓名过长', status: 'ran', clues: 12, ms: 1234, params: {} },
        { id: 'FK-DEV', title: '设备', status: 'skipped', reason: '缺少数据：online_events（线上学习记录）', clues: 0, ms: 0, params: {} },
      ],
    });
    const lines = table.split('\n');
    expect(lines[2]).toMatch(/^FK-NAME \| 姓名过长 \|     12 \| 1\.23 s \| 完成$/);
    expect(lines[3]).toMatch(/\| 跳过：缺少数据：online_events（线上学习记录）$/);
    const bars = (l: string) => [...l].reduce<number[]>((acc, ch, i, arr) => (ch === '|' ? [...acc, displayWidth(arr.slice(0, i).join(''))] : acc), []);
    expect(bars(lines[0]!)).toEqual(bars(lines[2]!));
    expect(bars(lines[0]!)).toEqual(bars(lines[3]!));
  });
});

describe('docs/RULES.md', () => {
  it('is exactly what the rule metadata generates (run npx tsx src/screening/docs.ts)', () => {
    expect(readFileSync(RULES_DOC_URL, 'utf8')).toBe(renderRulesDoc());
  });
  it("its settings examples are valid for the registry's rules", () => {
    const ex = settingExamples(RULES);
    expect(() => validateSettings(JSON.parse(ex.json), RULES)).not.toThrow();
    expect(() => parseSetOptions(ex.set, RULES)).not.toThrow();
    if (RULES.length) expect(ex.set.length).toBeGreaterThan(0);
  });
  it('lists every rule with its params and defaults', () => {
    const doc = renderRulesDoc(CATALOG);
    expect(doc).toContain('| FK-NAME | 姓名过长 | person（人员） | low（低） | persons（人员） | `N` = 3：姓名最少字数（字），取值 1–10 | 测试规则。 |');
    expect(doc).toContain('以下至少其一：ads（宣传材料）、listings（平台商品信息）');
  });
});

describe.each(ENGINES)('screening engine on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());
  beforeEach(async () => {
    for (const t of ['persons', 'online_events', 'ads', 'clues', 'screening_runs']) await s.db.exec(`DELETE FROM ${t}`);
    await s.db.exec(`INSERT INTO persons (id_number, name, region_code, src_line) VALUES
      ('110101199001010011', '张三', '110101', 2), ('110101199001010022', '欧阳小明', '110102', 3), ('110101199001010033', '司马相如', NULL, 4)`);
  });

  it('skips a rule whose entities are absent, naming them in Chinese; runs the others', async () => {
    const rep = await runScreening(s.db, { catalog: CATALOG });
    expect(rep.rules.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['FK-NAME', 'ran', undefined],
      ['FK-DEV', 'skipped', '缺少数据：online_events（线上学习记录）'],
      ['FK-ANY', 'skipped', '缺少数据：ads（宣传材料）、listings（平台商品信息）（至少需要其中之一）'],
    ]);
    expect(rep.findings.map((f) => f.subject.id)).toEqual(['110101199001010022', '110101199001010033']);
    const run = await getRun(s.db, rep.runId);
    expect(run).toMatchObject({ status: 'finished', rules_ran: 1, rules_skipped: 2, clues_total: 2, clues_new: 2 });
    expect(run!.rules.map((r) => r.status)).toEqual(['ran', 'skipped', 'skipped']);
  });

  it('counts an entity an import recorded as present even with no rows (rule runs, finds nothing)', async () => {
    // 002_import.sql creates import_files; the fallback only matters before it lands.
    await s.db.exec(
      `CREATE TABLE IF NOT EXISTS import_files (file VARCHAR, entity VARCHAR, sha256 VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT)`,
    );
    await s.db.exec(
      `INSERT INTO import_files (file, entity, sha256, rows_read, rows_loaded, rows_quarantined) VALUES ('online_events.csv', 'online_events', 'x', 0, 0, 0)`,
    );
    try {
      const rep = await runScreening(s.db, { catalog: CATALOG, rules: ['FK-DEV'] });
      expect(rep.rules.map((r) => [r.id, r.status, r.clues])).toEqual([['FK-DEV', 'ran', 0]]);
    } finally {
      await s.db.exec(`DELETE FROM import_files`);
    }
  });

  it('honours disabled rules and --set overrides', async () => {
    await s.db.exec(`INSERT INTO ads (ad_id, text) VALUES ('A1', '包过拿证'), ('A2', '保过')`);
    const rep = await runScreening(s.db, { catalog: CATALOG, settings: { rules: { 'FK-NAME': { enabled: false } } }, set: ['FK-ANY.word=保过'] });
    expect(rep.rules.map((r) => r.status)).toEqual(['disabled', 'skipped', 'ran']);
    expect(rep.findings).toEqual([
      { rule: 'FK-ANY', subject: { type: 'ad', id: 'A2' }, severity: 'high', score: 1, region_code: null, institution_id: null, summary: '广告含"保过"', evidence: { text: '保过' }, related: [] },
    ]);
    const rep2 = await runScreening(s.db, { catalog: CATALOG, rules: ['FK-NAME'], set: ['FK-NAME.N=4'] });
    expect(rep2.rules.map((r) => r.id)).toEqual(['FK-NAME']);
    expect(rep2.findings.map((f) => [f.subject.id, f.summary, f.score])).toEqual([
      ['110101199001010022', '姓名 欧阳小明 有 4 个字', 0.1],
      ['110101199001010033', '姓名 司马相如 有 4 个字', 0.1],
    ]);
    const rep3 = await runScreening(s.db, { catalog: CATALOG, rules: ['FK-NAME'], set: ['FK-NAME.N=2'] });
    expect(rep3.findings).toHaveLength(3);
  });

  it('validates settings before touching the store', async () => {
    await expect(runScreening(s.db, { catalog: CATALOG, set: ['FK-NAME.N=99'] })).rejects.toThrow(/超出范围/);
    expect(await s.db.query('SELECT * FROM screening_runs')).toEqual([]);
  });

  it('keeps clue identity across runs: no duplicates, first/last seen, inactive not deleted, state preserved', async () => {
    const r1 = await runScreening(s.db, { catalog: CATALOG });
    const id = clueId('screening', 'FK-NAME', 'person', '110101199001010022');
    await s.db.query(`UPDATE clues SET state = 'triaged' WHERE clue_id = $1`, [id]);
    const r2 = await runScreening(s.db, { catalog: CATALOG });
    expect(r2.runId).toBe(r1.runId + 1);
    expect(r2.newClues).toBe(0);
    expect(r2.deactivated).toBe(0);
    let all = await listClues(s.db);
    expect(all).toHaveLength(2);
    expect(all.map((c) => [c.subject_id, c.first_seen_run, c.last_seen_run, c.active, c.state])).toEqual([
      ['110101199001010022', r1.runId, r2.runId, true, 'triaged'],
      ['110101199001010033', r1.runId, r2.runId, true, 'new'],
    ]);
    // The data changes: one subject disappears, another's content changes.
    await s.db.exec(`DELETE FROM persons WHERE id_number = '110101199001010033'`);
    await s.db.exec(`UPDATE persons SET name = '欧阳小明明' WHERE id_number = '110101199001010022'`);
    const r3 = await runScreening(s.db, { catalog: CATALOG });
    expect(r3.deactivated).toBe(1);
    all = await listClues(s.db);
    expect(all).toHaveLength(2);
    const kept = all.find((c) => c.subject_id === '110101199001010022')!;
    expect(kept).toMatchObject({ clue_id: id, state: 'triaged', active: true, last_seen_run: r3.runId, summary: '姓名 欧阳小明明 有 5 个字', score: 0.3 });
    expect(kept.evidence).toEqual({ rows: [{ subject_id: '110101199001010022', name: '欧阳小明明', src_line: 3 }] });
    expect(kept.related).toEqual([{ type: 'institution', id: 'I1' }]);
    const gone = all.find((c) => c.subject_id === '110101199001010033')!;
    expect(gone).toMatchObject({ active: false, inactive_since_run: r3.runId, last_seen_run: r2.runId, state: 'new' });
    // Produced again later: active again, same row.
    await s.db.exec(`INSERT INTO persons (id_number, name) VALUES ('110101199001010033', '司马相如')`);
    const r4 = await runScreening(s.db, { catalog: CATALOG });
    expect(r4.newClues).toBe(0);
    expect(await getClue(s.db, gone.clue_id)).toMatchObject({ active: true, inactive_since_run: null, first_seen_run: r1.runId, last_seen_run: r4.runId });
  });

  it('stores quotes, backslashes and CJK text in clues unchanged', async () => {
    const name = "O'Neil \\ 李\"四\n";
    await s.db.query(`INSERT INTO persons (id_number, name) VALUES ('X1', $1)`, [name]);
    await runScreening(s.db, { catalog: CATALOG });
    const c = await getClue(s.db, clueId('screening', 'FK-NAME', 'person', 'X1'));
    expect(c?.summary).toBe(`姓名 ${name} 有 ${[...name].length} 个字`);
    expect(c?.evidence).toEqual({ rows: [{ subject_id: 'X1', name, src_line: null }] });
  });

  it('leaves the clues of skipped, disabled and failed rules untouched', async () => {
    await s.db.exec(`INSERT INTO online_events (event_id, id_number, device_id) VALUES ('E1', '110101199001010011', 'D1')`);
    const r1 = await runScreening(s.db, { catalog: CATALOG });
    expect(r1.findings.filter((f) => f.rule === 'FK-DEV').map((f) => f.subject.id)).toEqual(['D1']);
    await s.db.exec(`DELETE FROM online_events`);
    const r2 = await runScreening(s.db, { catalog: [BROKEN, DEVICES], set: [] });
    expect(r2.rules.map((r) => r.status)).toEqual(['failed', 'skipped']);
    expect(r2.rules[0]!.reason).toMatch(/^执行出错：/);
    const r3 = await runScreening(s.db, { catalog: CATALOG, set: ['FK-NAME.enabled=false'] });
    expect(r3.deactivated).toBe(0);
    expect((await listClues(s.db, { active: true })).map((c) => c.rule).sort()).toEqual(['FK-DEV', 'FK-NAME', 'FK-NAME']);
    expect((await getRun(s.db, r2.runId))!.rules_failed).toBe(1);
  });

  it('writes JSON Lines exactly as RULES.md, CSV and XLSX with Chinese headers', async () => {
    const rep = await runScreening(s.db, { catalog: CATALOG });
    const dir = mkdtempSync(join(tmpdir(), 'zhili-out-'));
    try {
      await writeClues(rep.findings, join(dir, 'c.jsonl'), CATALOG);
      const lines = readFileSync(join(dir, 'c.jsonl'), 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(
        '{"rule":"FK-NAME","subject":{"type":"person","id":"110101199001010022"},"severity":"low","score":0.2,"region_code":"110102","institution_id":null,' +
          '"summary":"姓名 欧阳小明 有 4 个字","evidence":{"rows":[{"subject_id":"110101199001010022","name":"欧阳小明","src_line":3}]},"related":[{"type":"institution","id":"I1"}]}',
      );
      await writeClues(rep.findings, join(dir, 'c.csv'), CATALOG);
      const csv = readFileSync(join(dir, 'c.csv'), 'utf8');
      expect(csv.startsWith('\uFEFF规则,规则名称,对象类型,对象编号,严重程度,评分,行政区划,机构编号,摘要,证据,关联对象\r\n')).toBe(true);
      expect(csv.split('\r\n')[1]).toBe(
        'FK-NAME,姓名过长,人员,110101199001010022,低,0.2,110102,,姓名 欧阳小明 有 4 个字,"{""rows"":[{""subject_id"":""110101199001010022"",""name"":""欧阳小明"",""src_line"":3}]}",机构:I1',
      );
      await writeClues(rep.findings, join(dir, 'c.xlsx'), CATALOG);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(join(dir, 'c.xlsx'));
      const ws = wb.getWorksheet('线索')!;
      expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...CLUE_HEADERS_ZH]);
      expect((ws.getRow(3).values as unknown[]).slice(1, 9)).toEqual(['FK-NAME', '姓名过长', '人员', '110101199001010033', '低', 0.2, undefined, undefined]);
      expect(ws.rowCount).toBe(3);
      await expect(writeClues(rep.findings, join(dir, 'c.txt'), CATALOG)).rejects.toThrow(/不支持的输出文件类型 \.txt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on an empty dataset every rule of the catalog is skipped, none reported clean', async () => {
    await s.db.exec('DELETE FROM persons');
    const rep = await runScreening(s.db);
    expect(rep.rules).toHaveLength(RULES.length);
    // A rule that runs on nothing would be reported clean: list every offender at once.
    expect(rep.rules.filter((r) => r.status !== 'skipped' || !/^缺少数据：/.test(r.reason ?? '')).map((r) => `${r.id}: ${r.status}`)).toEqual([]);
    expect(rep.findings).toEqual([]);
  });

  describe('zhili screen', () => {
    let out = '';
    let dir = '';
    beforeEach(() => {
      out = '';
      dir = mkdtempSync(join(tmpdir(), 'zhili-cli-'));
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
        out += String(chunk);
        return true;
      });
    });
    afterEach(() => {
      vi.restoreAllMocks();
      rmSync(dir, { recursive: true, force: true });
    });

    it('rejects bad settings before opening the store', async () => {
      const program = new Command('zhili').exitOverride();
      registerScreen(program);
      await expect(program.parseAsync(['node', 'zhili', 'screen', '--db', join(dir, 'x.duckdb'), '--set', 'NOPE.x=1'])).rejects.toThrow(/未知规则 NOPE/);
      await expect(program.parseAsync(['node', 'zhili', 'screen', '--db', join(dir, 'x.duckdb'), '--out', join(dir, 'a.pdf')])).rejects.toThrow(/\.pdf/);
    });

    it('runs the registry, prints the per-rule table and writes the file', async () => {
      // The store is reopened by the command; close ours first (DuckDB allows one writer).
      await s.db.close();
      try {
        const program = new Command('zhili').exitOverride();
        registerScreen(program);
        const target = s.target.databaseUrl ? ['--database-url', s.target.databaseUrl] : ['--db', s.target.db!];
        await program.parseAsync(['node', 'zhili', 'screen', ...target, '--out', join(dir, 'c.jsonl')]);
      } finally {
        vi.restoreAllMocks();
        const { openStore } = await import('../src/store/index.ts');
        s.db = await openStore(s.target);
      }
      expect(out).toMatch(/^规则 +\| 名称 +\| 线索数 \| +用时 \| 状态\/跳过原因\n/);
      expect(out).toMatch(/筛查批次 \d+：运行 \d+ 条规则/);
      for (const r of RULES) expect(out).toContain(r.id);
      expect(readFileSync(join(dir, 'c.jsonl'), 'utf8').split('\n').filter(Boolean).every((l) => JSON.parse(l).rule)).toBe(true);
    });
  });
});
