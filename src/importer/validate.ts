/**
 * One vectorised DuckDB pass that turns the text cells of a file into typed values, or
 * names the first column that cannot be loaded and why (in Chinese). Every accepted cell
 * form of DATA-FORMAT.md "Cells" is handled here, in SQL, so that both store engines get
 * exactly the same values from the same parse.
 *
 * Reasons never contain the cell's value (it may be an identity number typed into the wrong
 * column): `_err` is the kind of problem, and the importer adds the cell's shape (length,
 * character classes) to the rows it keeps in detail, see {@link shapeSql}.
 */
import { type ColumnDef, columnByHeader, type EntityDef } from '../dataset/entities.ts';
import { lit } from '../dataset/source.ts';
import { SQL_TYPE } from '../store/schema.ts';

export const REASON = {
  required: '必填项为空',
  missingColumn: '文件缺少必填列',
  duplicateKey: '重复主键',
  duplicateRow: '重复记录（与已有记录完全相同）',
} as const;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

// Skill level names of DATA-FORMAT.md "level", longest first so 高级技师 is not read as 技师.
const LEVEL_NAMES: [string, string][] = [
  ['高级技师', '1'],
  ['技师', '2'],
  ['高级工', '3'],
  ['中级工', '4'],
  ['初级工', '5'],
  ['一级', '1'],
  ['二级', '2'],
  ['三级', '3'],
  ['四级', '4'],
  ['五级', '5'],
  ['级', ''],
];
const levelDigits = (t: string) => LEVEL_NAMES.reduce((acc, [from, to]) => `replace(${acc}, '${from}', '${to}')`, t);

const DATE_FORMATS = ['%Y-%m-%d', '%Y/%m/%d', '%Y年%m月%d日'];
const LOCAL_TS_FORMATS = [
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%dT%H:%M:%S',
  '%Y-%m-%d %H:%M:%S.%f',
  '%Y-%m-%dT%H:%M:%S.%f',
  '%Y-%m-%d %H:%M',
  '%Y-%m-%dT%H:%M',
  '%Y/%m/%d %H:%M:%S',
  '%Y/%m/%d %H:%M',
];
const TZ_SUFFIX = `'[0-9]:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?\\s*([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$'`;

const dateExpr = (t: string) =>
  `CAST(coalesce(${DATE_FORMATS.map((f) => `try_strptime(${t}, '${f}')`).join(', ')}, CASE WHEN length(${t}) = 8 THEN try_strptime(${t}, '%Y%m%d') END) AS DATE)`;

/** Value expression (typed) and failure reason expression of one cell type over `t`, the trimmed text. */
function parseExpr(col: ColumnDef, t: string): { value: string; reason: string | null } {
  switch (col.type) {
    case 'text':
    case 'region_code':
    case 'occupation_code':
      return { value: t, reason: null };
    case 'id_number':
      return { value: `CASE WHEN contains(${t}, 'x') THEN replace(${t}, 'x', 'X') ELSE ${t} END`, reason: null };
    case 'uscc':
      return { value: `upper(${t})`, reason: null };
    case 'int':
      return {
        value: `CASE WHEN regexp_full_match(${t}, '[+-]?[0-9]{1,9}') THEN CAST(${t} AS INTEGER) END`,
        reason: `'整数无法识别'`,
      };
    case 'num':
      return {
        value: `CASE WHEN isfinite(TRY_CAST(${t} AS DOUBLE)) AND NOT contains(${t}, '_') THEN TRY_CAST(${t} AS DOUBLE) END`,
        reason: `'数值无法识别'`,
      };
    case 'money': {
      const m = `replace(regexp_replace(${t}, '^[￥¥]\\s*', ''), ',', '')`;
      return {
        value: `CASE WHEN regexp_full_match(${m}, '-?[0-9]{1,15}(\\.[0-9]{1,2})?') THEN CAST(CAST(${m} AS DECIMAL(38,2)) * 100 AS BIGINT) END`,
        reason: `'金额无法识别（应为元，最多 15 位整数、2 位小数）'`,
      };
    }
    case 'date':
      return { value: dateExpr(t), reason: `'日期无法识别'` };
    case 'timestamp':
      return {
        value: `CASE WHEN length(${t}) = 19 AND substr(${t}, 11, 1) = ' ' THEN try_strptime(${t}, '%Y-%m-%d %H:%M:%S')
          WHEN regexp_matches(${t}, ${TZ_SUFFIX}) THEN CAST(timezone('Asia/Shanghai', TRY_CAST(${t} AS TIMESTAMPTZ)) AS TIMESTAMP)
          ELSE coalesce(${LOCAL_TS_FORMATS.map((f) => `try_strptime(${t}, '${f}')`).join(', ')}) END`,
        reason: `'时间无法识别'`,
      };
    case 'bool':
      return {
        value: `CASE lower(${t}) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'y' THEN true WHEN '是' THEN true
          WHEN 'false' THEN false WHEN '0' THEN false WHEN 'n' THEN false WHEN '否' THEN false END`,
        reason: `'是否值无法识别（应为 是/否、true/false、1/0、Y/N）'`,
      };
    case 'list':
      return {
        value: `nullif(array_to_string(list_filter(list_transform(regexp_split_to_array(${t}, '[;；]'), lambda x: trim(x)), lambda x: x <> ''), ';'), '')`,
        reason: null,
      };
    case 'level': {
      const d = `trim(${levelDigits(t)})`;
      return {
        value: `CASE WHEN regexp_full_match(${d}, '[1-5]') THEN CAST(${d} AS INTEGER) END`,
        reason: `'等级无法识别（应为 1–5）'`,
      };
    }
    case 'levels': {
      const d = levelDigits(t);
      const a = `CAST(regexp_extract(${d}, '^\\s*([1-5])', 1) AS INTEGER)`;
      const b = `CAST(regexp_extract(${d}, '([1-5])\\s*$', 1) AS INTEGER)`;
      return {
        value: `CASE WHEN regexp_full_match(${d}, '\\s*[1-5]\\s*[-~～－—至到]\\s*[1-5]\\s*') THEN array_to_string(range(least(${a}, ${b}), greatest(${a}, ${b}) + 1), ';')
          WHEN regexp_full_match(${d}, '\\s*[1-5](\\s*[;；,，、/]\\s*[1-5])*\\s*') THEN array_to_string(list_sort(list_distinct(regexp_extract_all(${d}, '[1-5]'))), ';') END`,
        reason: `'等级范围无法识别（如 3;4;5 或 3-5）'`,
      };
    }
    case 'enum': {
      const values = col.values ?? [];
      return {
        // Most files already write the lower-case value: no lower() copy for those.
        value: `CASE WHEN ${t} IN (${values.map(lit).join(', ')}) THEN ${t} WHEN lower(${t}) IN (${values.map(lit).join(', ')}) THEN lower(${t}) END`,
        reason: lit(`取值不在允许范围：应为 ${values.join('/')}`),
      };
    }
  }
}

/** Types whose text is stored as is: from a floating-point Parquet column only whole numbers make sense. */
const TEXT_LIKE = new Set(['text', 'id_number', 'uscc', 'region_code', 'occupation_code', 'list']);
const REASON_FLOAT = '来自浮点数列的值不是整数，无法作为编号或文本读取';

/**
 * The shape of a cell for a quarantine reason (never its value): length and character
 * classes, e.g. `（18 个字符：数字）`. Empty string for NULL.
 */
export function shapeSql(v: string): string {
  return `CASE WHEN ${v} IS NULL THEN '' ELSE '（' || length(${v}) || ' 个字符：' || CASE
    WHEN regexp_full_match(${v}, '[0-9]+') THEN '数字'
    WHEN regexp_full_match(${v}, '[A-Za-z]+') THEN '字母'
    WHEN regexp_full_match(${v}, '[0-9A-Za-z]+') THEN '字母与数字'
    WHEN regexp_full_match(${v}, '[0-9.,+-]+') THEN '数字与符号'
    WHEN regexp_matches(${v}, '[\u4e00-\u9fff]') THEN '含汉字'
    ELSE '其他字符' END || '）' END`;
}

export interface StageSql {
  /** CREATE TEMP TABLE statement of the stage. */
  sql: string;
  /** Header cells that name no column (kept in `extra`). */
  extraColumns: string[];
  /** Required columns the header lacks (every row is quarantined). */
  missingRequired: string[];
}

/**
 * Build the stage statement: `table` gets one row per source row, in file order (its rowid
 * is the row ordinal), with the typed store columns, `_raw` twins, `extra` (JSON of unknown
 * columns), and `_err_col`/`_err`/`_content` for rows that cannot be loaded.
 */
export function stageSql(entity: EntityDef, headers: string[], relation: string, table: string, floatColumns: number[] = []): StageSql {
  const floats = new Set(floatColumns);
  const byCol = new Map<string, number>();
  const extra: number[] = [];
  headers.forEach((h, i) => {
    const col = columnByHeader(entity, h);
    if (col && !byCol.has(col.name)) byCol.set(col.name, i);
    else extra.push(i);
  });
  const missingRequired = entity.columns.filter((c) => c.required && !byCol.has(c.name)).map((c) => c.name);

  const a: string[] = headers.map((_, i) => `c${i}`);
  const b: string[] = ['*'];
  const c: string[] = ['*'];
  const errs: { col: string; e: string; t: string }[] = [];
  const out: string[] = [];
  entity.columns.forEach((col, j) => {
    const i = byCol.get(col.name);
    const tName = `t${j}`;
    const vName = `v${j}`;
    const eName = `e${j}`;
    // Trim only cells that need it: trim() copies every string, the guard does not. A BOM
    // (U+FEFF) starting a cell comes from files concatenated mid-way and goes too.
    const ws = [' ', '\t', '\u3000'].flatMap((w) => [`starts_with(c${i}, '${w}')`, `ends_with(c${i}, '${w}')`]).join(' OR ');
    let tExpr =
      i === undefined ? 'CAST(NULL AS VARCHAR)' : `nullif(CASE WHEN ${ws} OR starts_with(c${i}, '\uFEFF') THEN trim(c${i}, ' \t\u3000\uFEFF') ELSE c${i} END, '')`;
    if (col.default !== undefined) tExpr = `coalesce(${tExpr}, ${lit(col.default)})`;
    a.push(`${tExpr} AS ${tName}`);
    let p = parseExpr(col, tName);
    if (i !== undefined && floats.has(i) && TEXT_LIKE.has(col.type)) {
      p = { value: `CASE WHEN regexp_full_match(${tName}, '-?[0-9]+') THEN ${p.value} END`, reason: lit(REASON_FLOAT) };
    }
    b.push(`${p.value} AS ${vName}`);
    let eExpr: string | null = null;
    if (i === undefined && col.required) eExpr = lit(REASON.missingColumn);
    else if (col.required || p.reason) {
      eExpr = `CASE WHEN ${tName} IS NULL THEN ${col.required ? lit(REASON.required) : 'NULL'}${
        p.reason ? ` WHEN ${vName} IS NULL THEN ${p.reason}` : ''
      } END`;
    }
    if (eExpr) {
      c.push(`${eExpr} AS ${eName}`);
      errs.push({ col: col.name, e: eName, t: tName });
    }
    out.push(`CAST(${vName} AS ${SQL_TYPE[col.type]}) AS ${q(col.name)}`);
    if (col.raw) out.push(`${i === undefined ? 'CAST(NULL AS VARCHAR)' : `c${i}`} AS ${q(`${col.name}_raw`)}`);
  });
  const json = (idx: number[]) => `CAST(json_object(${idx.map((i) => `${lit(headers[i]!.trim())}, c${i}`).join(', ')}) AS VARCHAR)`;
  out.push(`${extra.length ? json(extra) : 'CAST(NULL AS VARCHAR)'} AS extra`);
  const errAny = errs.length ? `coalesce(${errs.map((e) => e.e).join(', ')})` : 'CAST(NULL AS VARCHAR)';
  out.push(
    errs.length
      ? `CASE ${errs.map((e) => `WHEN ${e.e} IS NOT NULL THEN ${lit(e.col)}`).join(' ')} END AS _err_col`
      : 'CAST(NULL AS VARCHAR) AS _err_col',
  );
  out.push(`${errAny} AS _err`);
  // The failing cell's trimmed text, only to describe its shape in detail rows.
  out.push(errs.length ? `CASE ${errs.map((e) => `WHEN ${e.e} IS NOT NULL THEN ${e.t}`).join(' ')} END AS _err_val` : 'CAST(NULL AS VARCHAR) AS _err_val');
  out.push(`CASE WHEN ${errAny} IS NOT NULL THEN ${headers.length ? json(headers.map((_, i) => i)) : 'CAST(NULL AS VARCHAR)'} END AS _content`);
  const sql = `CREATE OR REPLACE TEMP TABLE ${table} AS
WITH a AS (SELECT ${a.join(', ')} FROM ${relation}),
b AS (SELECT ${b.join(', ')} FROM a),
c AS (SELECT ${c.join(', ')} FROM b)
SELECT ${out.join(',\n  ')} FROM c`;
  return { sql, extraColumns: extra.map((i) => headers[i]!.trim()), missingRequired };
}
