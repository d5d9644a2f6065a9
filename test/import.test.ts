import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset, type ImportReport } from '../src/importer/import.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';
import { dumpAll, rowsOf, tempDir, writeText } from './import-fixtures.ts';

const dirs: string[] = [];
const mk = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const pick = <T extends Record<string, unknown>>(rows: T[], ...cols: string[]) => rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c]])));

/** Every accepted cell form of DATA-FORMAT.md "Cells", English headers, UTF-8. */
function cellFormsDataset(): string {
  const d = mk();
  writeText(
    d,
    'projects.csv',
    [
      'project_id,name,occupation_code,level,category,standard_hours,subsidy_per_person,catalog_from,catalog_to',
      'P1,电工,6-31-01-03,5,employment,80,1200,2023-07-05,',
      'P2,焊工,6-18-02-04,高级工,Upgrading,120.5,"1,200.50",2023/7/5,2023年12月31日',
      'P3,育婴员,4-10-01-02,技师,other,40,￥1200,20230705,',
      'P4,保育员,4-10-01-03,四级,other,40,¥99.9,2023-7-5,',
    ].join('\n'),
  );
  writeText(
    d,
    'persons.csv',
    [
      'id_number,name,is_public_official,date_of_death',
      '11010519491231002x,A,true,',
      '110105194912310011,B,false,',
      '110105194912310021,C,1,',
      '110105194912310031,D,0,',
      '110105194912310041,E,Y,',
      '110105194912310051,F,N,',
      '110105194912310061,G,是,',
      '110105194912310071,H,否,',
      '110105194912310012, I ,,2020-01-01',
    ].join('\r\n'),
  );
  writeText(
    d,
    'sessions.csv',
    [
      'session_id,class_id,starts_at,ends_at',
      'S1,C1,2023-07-05 08:30:00,2023-07-05T10:00:00+08:00',
      'S2,C1,2023-07-05T00:30:00Z,2023-07-05T08:30:00',
      'S3,C1,2023-07-05T01:30:00+01:00,2023-07-05 09:00',
    ].join('\n'),
  );
  writeText(
    d,
    'exams.csv',
    [
      'exam_id,institution_id,occupation_code,level,starts_at,ends_at,examiner_id_numbers,capacity',
      'E1,I1,6-31-01-03,初级工,2023-07-05 08:30:00,2023-07-05 11:30:00,110105194912310011;110105194912310021,30',
      'E2,I1,6-31-01-03,1,2023-07-05 08:30:00,2023-07-05 11:30:00,110105194912310011； 110105194912310021 ;,',
    ].join('\n'),
  );
  writeText(
    d,
    'eval_scopes.csv',
    ['institution_id,occupation_code,levels', 'I1,6-31-01-03,3;4;5', 'I1,6-31-01-04,3-5', 'I1,6-31-01-05,5；3', 'I1,6-31-01-06,初级工-中级工'].join('\n'),
  );
  writeText(
    d,
    'online_events.csv',
    ['event_id,id_number,class_id,at,type,position_s,hash', 'EV1, 11010519491231002x ,C1,2023-07-05T08:30:00+08:00,Login,12,abc'].join('\n'),
  );
  writeText(d, 'attendance.csv', ['session_id,id_number,checked_at', 'S1,110105199901010000,2023-07-05 08:31:00'].join('\n'));
  return d;
}

/** One small dataset written with every quarantine reason, at known lines. */
function messyDataset(): string {
  const d = mk();
  writeText(
    d,
    'institutions.csv',
    [
      'institution_id,name,uscc,kind,region_code,address', // 1
      'I1,甲,91110000MA00000001,training,110101,"北京市', // 2
      '海淀区"', // 3
      'I2,乙,91110000MA00000002,training,110101,x', // 4
      'I1,丙,91110000MA00000003,both,110101,x', // 5 duplicate key
      'I3,,91110000MA00000004,both,110101,x', // 6 missing name
      'I4,丁,91110000MA00000005,school,110101,x', // 7 unknown enum value
      'I5,戊,91110000MA00000006,both,110101', // 8 too few columns
      'I6,己,91110000MA00000007,both,110101,x,extra', // 9 too many columns
      'I7,"庚"x,91110000MA00000008,both,110101,x', // 10 broken quoting
      '', // 11 blank line
      'I8,辛,91110000MA00000009,both,110101,"多行', // 12
      '地址"', // 13
      'I9,壬,91110000MA00000010,evaluation,110101,x', // 14
    ].join('\n'),
  );
  writeText(
    d,
    'persons.csv',
    [
      'id_number,name,date_of_death',
      '110105194912310012,错校验位,', // wrong check digit: loaded, screening finds it
      '110105194912310039,已故学员,2020-01-01', // deceased: loaded as is
    ].join('\n'),
  );
  writeText(
    d,
    'attendance-1.csv',
    ['session_id,id_number,checked_at,face_score', 'S1,110105194912310012,2023-07-05 08:31:00,0.9', 'S1,110105194912310039,2023-07-05 08:32:00,0.8'].join('\n'),
  );
  writeText(
    d,
    'attendance-2.csv',
    [
      'session_id,id_number,checked_at,face_score',
      'S1,110105194912310012,2023-07-05 09:31:00,0.9', // 2 duplicate of a row of attendance-1
      'S2,110105194912310012,yesterday,abc', // 3 unparseable: first failing column is checked_at
      'S2,110105194912310039,2023-07-05 09:33:00,1.5', // 4 loaded (face score > 1 is screening's business)
    ].join('\n'),
  );
  writeText(
    d,
    'certificates.csv',
    [
      'certificate_no,id_number,occupation_code,level,institution_id,issued_on',
      'C1,110105194912310012,6-31-01-03,5,I1,2023-07-05',
      'C1,110105194912310039,6-31-01-03,5,I1,2023-07-05', // same number, other holder: evidence, loaded
      'C1,110105194912310012,6-31-01-03,5,I1,2023/7/5', // exact duplicate: quarantined
    ].join('\n'),
  );
  writeText(d, 'claims.csv', ['claim_id,institution_id,class_id,submitted_on', 'K1,I1,C1,2023-07-05', 'K2,I1,C1,2023-07-06'].join('\n'));
  return d;
}

/** The same persons and institutions, in a given encoding and header style. */
function encodedDataset(style: 'en-utf8' | 'zh-gb18030' | 'fw-bom'): string {
  const d = mk();
  const headers = {
    'en-utf8': ['id_number', 'name', 'phone', 'is_public_official', 'date_of_death'],
    'zh-gb18030': ['证件号码', '姓名', '手机号', '是否公职人员', '死亡日期'],
    'fw-bom': [' ＩＤ＿ＮＵＭＢＥＲ ', 'Name', 'PHONE', 'Is_Public_Official', ' 死亡日期 '],
  }[style];
  const rows = ['110105194912310011,张三,13800000000,是,', '110105194912310021,李四·阿卜杜拉,13900000000,否,2023年1月2日', '11010519491231003x,王五（测试）,,N,'];
  const inst = {
    'en-utf8': 'institution_id,name,uscc,kind,region_code,address',
    'zh-gb18030': '机构编号,机构名称,统一社会信用代码,机构类型,行政区划代码,地址',
    'fw-bom': 'ＩＮＳＴＩＴＵＴＩＯＮ＿ＩＤ,ＮＡＭＥ,ＵＳＣＣ,ＫＩＮＤ,ＲＥＧＩＯＮ＿ＣＯＤＥ,ＡＤＤＲＥＳＳ',
  }[style];
  const enc = style === 'en-utf8' ? 'utf-8' : style === 'zh-gb18030' ? 'gb18030' : 'utf-8-bom';
  writeText(d, 'persons.csv', [headers.join(','), ...rows].join('\r\n'), enc);
  writeText(d, 'institutions.csv', [inst, 'I1,广州市𠀀职业培训学校,91440101MA5CXXXX0X,training,440101,"广州市天河区,体育西路"'].join('\r\n'), enc);
  return d;
}

describe.each(ENGINES)('import on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());

  describe('every accepted cell form', () => {
    let report: ImportReport;
    beforeAll(async () => {
      report = await importDataset(s.db, cellFormsDataset());
    });

    it('loads every row', () => {
      expect(report.quarantine).toEqual([]);
      expect(report.files.map((f) => [f.file, f.read, f.loaded])).toEqual([
        ['eval_scopes.csv', 4, 4],
        ['projects.csv', 4, 4],
        ['persons.csv', 9, 9],
        ['sessions.csv', 3, 3],
        ['attendance.csv', 1, 1],
        ['online_events.csv', 1, 1],
        ['exams.csv', 2, 2],
      ]);
    });

    it('money in fen, dates, levels, enums', async () => {
      expect(pick(await rowsOf(s.db, 'projects'), 'project_id', 'level', 'category', 'standard_hours', 'subsidy_per_person', 'catalog_from', 'catalog_to')).toEqual([
        { project_id: 'P1', level: 5, category: 'employment', standard_hours: 80, subsidy_per_person: 120000, catalog_from: '2023-07-05', catalog_to: null },
        { project_id: 'P2', level: 3, category: 'upgrading', standard_hours: 120.5, subsidy_per_person: 120050, catalog_from: '2023-07-05', catalog_to: '2023-12-31' },
        { project_id: 'P3', level: 2, category: 'other', standard_hours: 40, subsidy_per_person: 120000, catalog_from: '2023-07-05', catalog_to: null },
        { project_id: 'P4', level: 4, category: 'other', standard_hours: 40, subsidy_per_person: 9990, catalog_from: '2023-07-05', catalog_to: null },
      ]);
    });

    it('booleans, id numbers, trimming', async () => {
      const rows = await s.db.query<Record<string, unknown>>("SELECT * FROM persons WHERE src_file = 'persons.csv' ORDER BY src_line");
      expect(rows.map((r) => r.is_public_official)).toEqual([true, false, true, false, true, false, true, false, null]);
      expect(rows[0]!.id_number).toBe('11010519491231002X');
      expect(rows[8]).toMatchObject({ name: 'I', date_of_death: '2020-01-01', src_line: 10 });
    });

    it('timestamps: local as is, offsets converted to Asia/Shanghai', async () => {
      expect(pick(await rowsOf(s.db, 'sessions'), 'session_id', 'starts_at', 'ends_at')).toEqual([
        { session_id: 'S1', starts_at: '2023-07-05 08:30:00', ends_at: '2023-07-05 10:00:00' },
        { session_id: 'S2', starts_at: '2023-07-05 08:30:00', ends_at: '2023-07-05 08:30:00' },
        { session_id: 'S3', starts_at: '2023-07-05 08:30:00', ends_at: '2023-07-05 09:00:00' },
      ]);
    });

    it('lists, defaults, skill level ranges', async () => {
      expect(pick(await rowsOf(s.db, 'exams'), 'exam_id', 'level', 'examiner_id_numbers', 'pass_mark', 'capacity')).toEqual([
        { exam_id: 'E1', level: 5, examiner_id_numbers: '110105194912310011;110105194912310021', pass_mark: 60, capacity: 30 },
        { exam_id: 'E2', level: 1, examiner_id_numbers: '110105194912310011;110105194912310021', pass_mark: 60, capacity: null },
      ]);
      expect((await rowsOf<{ levels: string }>(s.db, 'eval_scopes')).map((r) => r.levels)).toEqual(['3;4;5', '3;4;5', '3;5', '4;5']);
    });

    it('raw twins keep the text exactly as in the file', async () => {
      const [ev] = await rowsOf(s.db, 'online_events');
      expect(ev).toMatchObject({
        event_id: 'EV1',
        id_number: '11010519491231002X',
        id_number_raw: ' 11010519491231002x ',
        at: '2023-07-05 08:30:00',
        at_raw: '2023-07-05T08:30:00+08:00',
        type: 'login',
        type_raw: 'Login',
        position_s: 12,
        position_s_raw: '12',
      });
    });

    it('creates persons referenced elsewhere but missing, with the id alone', async () => {
      expect(report.createdPersons).toBe(1);
      const stub = await s.db.query("SELECT id_number, name, src_file FROM persons WHERE src_file IS NULL");
      expect(stub).toEqual([{ id_number: '110105199901010000', name: null, src_file: null }]);
    });
  });
});

describe.each(ENGINES)('quarantine on %s', (engine) => {
  let s: TestStore;
  let dir: string;
  let report: ImportReport;
  beforeAll(async () => {
    s = await freshStore(engine);
    dir = messyDataset();
    report = await importDataset(s.db, dir);
  });
  afterAll(async () => s?.drop());

  it('every reason with file, physical line and column', () => {
    expect(report.quarantine).toEqual([
      { file: 'institutions.csv', line: 5, column: 'institution_id', reason: '重复主键' },
      { file: 'institutions.csv', line: 6, column: 'name', reason: '必填项为空' },
      { file: 'institutions.csv', line: 7, column: 'kind', reason: '取值不在允许范围：应为 training/evaluation/both（6 个字符：字母）' },
      { file: 'institutions.csv', line: 8, column: null, reason: '列数不符：应为 6 列，实为 5 列' },
      { file: 'institutions.csv', line: 9, column: null, reason: '列数不符：应为 6 列，实为 7 列' },
      { file: 'institutions.csv', line: 10, column: null, reason: '引号不匹配，无法切分字段' },
      { file: 'attendance-2.csv', line: 2, column: 'session_id,id_number', reason: '重复主键' },
      { file: 'attendance-2.csv', line: 3, column: 'checked_at', reason: '时间无法识别（9 个字符：字母）' },
      { file: 'claims.csv', line: 2, column: 'amount', reason: '文件缺少必填列' },
      { file: 'claims.csv', line: 3, column: 'amount', reason: '文件缺少必填列' },
      { file: 'certificates.csv', line: 4, column: 'certificate_no', reason: '重复记录（与已有记录完全相同）' },
    ]);
  });

  it('read = loaded + quarantined per file', () => {
    expect(report.files.map((f) => [f.file, f.read, f.loaded, f.quarantined])).toEqual([
      ['institutions.csv', 10, 4, 6],
      ['persons.csv', 2, 2, 0],
      ['attendance-1.csv', 2, 2, 0],
      ['attendance-2.csv', 3, 1, 2],
      ['claims.csv', 2, 0, 2],
      ['certificates.csv', 3, 2, 1],
    ]);
  });

  it('loaded rows keep their physical lines, also after multi-line fields and blank lines', async () => {
    expect(pick(await rowsOf(s.db, 'institutions'), 'institution_id', 'address', 'src_line')).toEqual([
      { institution_id: 'I1', address: '北京市\n海淀区', src_line: 2 },
      { institution_id: 'I2', address: 'x', src_line: 4 },
      { institution_id: 'I8', address: '多行\n地址', src_line: 12 },
      { institution_id: 'I9', address: 'x', src_line: 14 },
    ]);
  });

  it('problems for screening are loaded as they are', async () => {
    expect(pick(await rowsOf(s.db, 'persons'), 'id_number', 'date_of_death')).toEqual([
      { id_number: '110105194912310012', date_of_death: null },
      { id_number: '110105194912310039', date_of_death: '2020-01-01' },
    ]);
    expect((await rowsOf<{ face_score: number }>(s.db, 'attendance')).map((r) => r.face_score)).toEqual([0.9, 0.8, 1.5]);
    expect((await rowsOf<{ id_number: string }>(s.db, 'certificates')).map((r) => r.id_number)).toEqual(['110105194912310012', '110105194912310039']);
  });

  it('quarantined rows are kept with their content', async () => {
    const rows = await s.db.query<{ content: string }>("SELECT content FROM import_quarantine WHERE file = 'institutions.csv' AND line = 7");
    expect(JSON.parse(rows[0]!.content)).toMatchObject({ institution_id: 'I4', kind: 'school' });
    const cc = await s.db.query<{ content: string }>("SELECT content FROM import_quarantine WHERE file = 'institutions.csv' AND line = 9");
    expect(cc[0]!.content).toBe('I6,己,91110000MA00000007,both,110101,x,extra');
  });

  it('a second import changes nothing and reports the same', async () => {
    const before = await dumpAll(s.db);
    const again = await importDataset(s.db, dir);
    expect(report.alreadyImported).toEqual([]);
    expect(again).toEqual({ ...report, alreadyImported: report.files.map((f) => f.file) });
    expect(await dumpAll(s.db)).toEqual(before);
  });

  it('a changed file already imported is refused, not merged', async () => {
    writeText(dir, 'claims.csv', 'claim_id,institution_id,class_id,submitted_on,amount\nK1,I1,C1,2023-07-05,100');
    await expect(importDataset(s.db, dir)).rejects.toMatchObject({ id: 'import.file_changed' });
  });
});

describe.each(ENGINES)('encodings and header languages on %s', (engine) => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.drop();
  });

  it('UTF-8, GB18030 and UTF-8 with BOM; English, Chinese and full-width headers load identically', async () => {
    const dumps = [];
    for (const style of ['en-utf8', 'zh-gb18030', 'fw-bom'] as const) {
      const s = await freshStore(engine);
      stores.push(s);
      const r = await importDataset(s.db, encodedDataset(style));
      expect(r.quarantine).toEqual([]);
      const all = await dumpAll(s.db);
      dumps.push({ persons: all.persons, institutions: all.institutions });
      const enc = await s.db.query<{ encoding: string }>("SELECT encoding FROM import_files WHERE file = 'persons.csv'");
      expect(enc[0]!.encoding).toBe(style === 'zh-gb18030' ? 'gb18030' : 'utf-8');
    }
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]).toEqual(dumps[0]);
    const p = dumps[0]!.persons.map((j) => JSON.parse(j));
    expect(p.map((r) => [r.name, r.is_public_official, r.date_of_death])).toEqual([
      ['张三', true, null],
      ['李四·阿卜杜拉', false, '2023-01-02'],
      ['王五（测试）', false, null],
    ]);
    expect(JSON.parse(dumps[0]!.institutions[0]!)).toMatchObject({ name: '广州市𠀀职业培训学校', address: '广州市天河区,体育西路' });
  });
});

describe.each(ENGINES)('containers on %s', (engine) => {
  let s: TestStore;
  let report: ImportReport;
  beforeAll(async () => {
    s = await freshStore(engine);
    const d = mk();
    // XLSX: a Chinese-named sheet and an English-named one, real date cells, an empty row.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('人员');
    ws.addRow(['证件号码', '姓名', '死亡日期', '是否公职人员']);
    ws.addRow(['110105194912310011', '张三', new Date(Date.UTC(2023, 6, 5)), true]);
    ws.addRow([]);
    ws.addRow(['110105194912310021', '李四', '2023年7月6日', '否']);
    ws.getCell('C2').numFmt = 'yyyy-mm-dd';
    const ss = wb.addWorksheet('sessions');
    ss.addRow(['session_id', 'class_id', 'starts_at', 'ends_at']);
    ss.addRow(['S1', 'C1', new Date(Date.UTC(2023, 6, 5, 8, 30)), '2023-07-05 10:00:00']);
    ss.getCell('C2').numFmt = 'yyyy-mm-dd hh:mm:ss';
    await wb.xlsx.writeFile(join(d, 'book.xlsx'));
    // gzip
    writeFileSync(join(d, 'claims.csv.gz'), gzipSync(Buffer.from('claim_id,institution_id,class_id,submitted_on,amount\nK1,I1,C1,2023-07-05,"1,000"\nK2,I1,C1,bad,1\n')));
    // Parquet with typed columns
    const inst = await DuckDBInstance.create(':memory:');
    const c = await inst.connect();
    await c.run(
      `COPY (SELECT 'S1' AS session_id, '110105194912310011' AS id_number, TIMESTAMP '2023-07-05 08:31:00' AS checked_at, 0.93::DOUBLE AS face_score, 'FACE' AS method
             UNION ALL SELECT 'S1', '110105194912310021', TIMESTAMP '2023-07-05 08:32:00', NULL, 'card')
       TO '${join(d, 'attendance.parquet')}' (FORMAT parquet)`,
    );
    c.closeSync();
    inst.closeSync();
    report = await importDataset(s.db, d);
  });
  afterAll(async () => s?.drop());

  it('reads XLSX sheets by English or Chinese name, with sheet row numbers', async () => {
    expect(report.files.map((f) => [f.file, f.read, f.loaded])).toEqual([
      ['book.xlsx#人员', 2, 2],
      ['book.xlsx#sessions', 1, 1],
      ['attendance.parquet', 2, 2],
      ['claims.csv.gz', 2, 1],
    ]);
    expect(pick(await rowsOf(s.db, 'persons'), 'name', 'date_of_death', 'is_public_official', 'src_line')).toEqual([
      { name: '张三', date_of_death: '2023-07-05', is_public_official: true, src_line: 2 },
      { name: '李四', date_of_death: '2023-07-06', is_public_official: false, src_line: 4 },
    ]);
    expect(pick(await rowsOf(s.db, 'sessions'), 'starts_at', 'ends_at')).toEqual([{ starts_at: '2023-07-05 08:30:00', ends_at: '2023-07-05 10:00:00' }]);
  });

  it('reads Parquet and gzip-compressed CSV', async () => {
    expect(pick(await rowsOf(s.db, 'attendance'), 'id_number', 'checked_at', 'face_score', 'method', 'src_line')).toEqual([
      { id_number: '110105194912310011', checked_at: '2023-07-05 08:31:00', face_score: 0.93, method: 'face', src_line: 1 },
      { id_number: '110105194912310021', checked_at: '2023-07-05 08:32:00', face_score: null, method: 'card', src_line: 2 },
    ]);
    expect(pick(await rowsOf(s.db, 'claims'), 'claim_id', 'amount')).toEqual([{ claim_id: 'K1', amount: 100000 }]);
    expect(report.quarantine).toEqual([{ file: 'claims.csv.gz', line: 3, column: 'submitted_on', reason: '日期无法识别（3 个字符：字母）' }]);
  });
});

describe('errors a person can act on', () => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore('duckdb');
  });
  afterAll(async () => s?.drop());

  const attempt = async (setup: (d: string) => void) => {
    const d = mk();
    setup(d);
    return importDataset(s.db, d).then(
      () => null,
      (e: { id: string; message: string }) => e,
    );
  };

  it('missing directory', async () => {
    const e = await importDataset(s.db, '/nonexistent/zhili-ds').catch((x) => x);
    expect(e).toMatchObject({ id: 'dataset.dir_missing' });
    expect(e.message).toMatch(/^数据集目录不存在：.* \/ dataset directory not found/);
  });

  it('empty file, also an empty .csv.gz', async () => {
    expect(await attempt((d) => writeFileSync(join(d, 'persons.csv'), ''))).toMatchObject({ id: 'dataset.empty_file', message: expect.stringMatching(/^文件为空：persons.csv/) });
    expect(await attempt((d) => writeFileSync(join(d, 'persons.csv.gz'), gzipSync(Buffer.alloc(0))))).toMatchObject({ id: 'dataset.empty_file' });
  });

  it('a file that cannot be read as what its name says', async () => {
    const e = await attempt((d) => writeFileSync(join(d, 'persons.csv.gz'), 'not gzip at all'));
    expect(e).toMatchObject({ id: 'dataset.unreadable', message: expect.stringMatching(/^文件无法读取：persons.csv.gz/) });
  });

  it('a file name that names no entity, or is no dataset file', async () => {
    expect(await attempt((d) => writeText(d, 'trainees.csv', 'a,b\n1,2\n'))).toMatchObject({ id: 'dataset.unknown_entity', message: expect.stringMatching(/^文件名不对应任何实体：trainees.csv/) });
    expect(await attempt((d) => writeText(d, 'notes.txt', 'x'))).toMatchObject({ id: 'dataset.unknown_file' });
  });

  it('nothing is loaded when the directory has such a problem', async () => {
    await attempt((d) => {
      writeText(d, 'persons.csv', 'id_number,name\n110105194912310011,张三\n');
      writeText(d, 'trainees.csv', 'a,b\n1,2\n');
    });
    expect(await s.db.query('SELECT count(*) AS n FROM persons')).toEqual([{ n: 0 }]);
  });
});
