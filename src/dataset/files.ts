/**
 * Finding the files of a dataset directory (DATA-FORMAT.md "Container") and checking the
 * problems a person can act on before anything is loaded.
 */
import { accessSync, constants, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { zerr } from '../errors.ts';
import { ENTITIES, ENTITY_NAMES, type EntityDef, entityByName, normaliseHeader } from './entities.ts';

export type FileKind = 'csv' | 'csv.gz' | 'parquet' | 'xlsx';

/** One file of a dataset directory (an XLSX workbook is expanded into sheets later). */
export interface DatasetFile {
  /** File name inside the dataset directory. */
  name: string;
  path: string;
  kind: FileKind;
  size: number;
  /** Entity for CSV and Parquet files; undefined for workbooks (one entity per sheet). */
  entity?: EntityDef;
  /**
   * Why the file is not read (Chinese), for a symbolic link that leads out of the dataset
   * directory or nowhere; the rest of the import goes on.
   */
  refused?: string;
}

const KIND_BY_SUFFIX: [string, FileKind][] = [
  ['.csv.gz', 'csv.gz'],
  ['.csv', 'csv'],
  ['.parquet', 'parquet'],
  ['.xlsx', 'xlsx'],
];

/**
 * Entity named by a file stem: the entity name itself (English or Chinese), or the entity
 * name followed by a separator (`-`, `_`, `.`, space, a digit or an opening bracket) and anything
 * (`attendance-2023-07`, `attendance2`, `考勤记录（7月）`). The longest matching
 * entity name wins, so `claim_items-1` is claim_items, not claims.
 */
export function entityOfFileStem(stem: string): EntityDef | undefined {
  const exact = entityByName(stem);
  if (exact) return exact;
  const s = normaliseHeader(stem);
  let best: EntityDef | undefined;
  for (const name of ENTITY_NAMES) {
    const e = ENTITIES[name];
    for (const n of [e.name, normaliseHeader(e.zh)]) {
      if (s.length > n.length && s.startsWith(n) && /[-_.\s0-9（(]/.test(s[n.length]!)) {
        if (!best || n.length > best.name.length) best = e;
      }
    }
  }
  return best;
}

/** Sort key of an entity: its position in DATA-FORMAT.md (referenced entities first). */
export function entityOrder(e: EntityDef): number {
  return ENTITY_NAMES.indexOf(e.name);
}

/**
 * List the dataset files of `dir`, checking that each can be read, is not empty and is
 * named after an entity. Hidden files are ignored. Throws a ZhiliError on the first problem;
 * a symbolic link leading outside `dir` (or nowhere) is listed with `refused` instead.
 */
export function listDatasetFiles(dir: string): DatasetFile[] {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw zerr('dataset.dir_missing', `数据集目录不存在：${dir}`, `dataset directory not found: ${dir}`);
  }
  if (!st.isDirectory()) throw zerr('dataset.not_dir', `不是目录：${dir}`, `not a directory: ${dir}`);
  const out: DatasetFile[] = [];
  const root = realpathSync(dir);
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    let path = join(dir, name);
    let refused: string | undefined;
    let fst = lstatSync(path);
    if (fst.isSymbolicLink()) {
      // A link is followed only inside the dataset directory: a dataset must not make the
      // importer read (and store) files elsewhere on the machine.
      let target: string | null = null;
      try {
        target = realpathSync(path);
        fst = statSync(target);
      } catch {
        target = null;
      }
      if (target === null) refused = '符号链接指向的文件不存在，未读取';
      else {
        const rel = relative(root, target);
        if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) refused = '符号链接指向数据集目录之外，出于安全未读取';
        else path = target;
      }
    }
    if (!refused && fst.isDirectory()) continue;
    const lower = name.toLowerCase();
    const hit = KIND_BY_SUFFIX.find(([suf]) => lower.endsWith(suf));
    if (!hit) {
      throw zerr(
        'dataset.unknown_file',
        `无法识别的数据文件：${name}（应为以实体命名的 .csv、.csv.gz、.parquet 或 .xlsx 文件）`,
        `unrecognised dataset file: ${name} (expected an entity-named .csv, .csv.gz, .parquet or .xlsx file)`,
      );
    }
    const [suffix, kind] = hit;
    let entity: EntityDef | undefined;
    if (kind !== 'xlsx') {
      entity = entityOfFileStem(name.slice(0, name.length - suffix.length));
      if (!entity) {
        throw zerr(
          'dataset.unknown_entity',
          `文件名不对应任何实体：${name}（应以实体名开头，如 attendance-1.csv）`,
          `file name names no entity: ${name} (expected e.g. attendance-1.csv)`,
        );
      }
    }
    if (refused) {
      out.push({ name, path, kind, size: 0, entity, refused });
      continue;
    }
    try {
      accessSync(path, constants.R_OK);
    } catch {
      throw zerr('dataset.unreadable', `文件无法读取：${name}`, `cannot read file: ${name}`);
    }
    if (fst.size === 0) throw zerr('dataset.empty_file', `文件为空：${name}`, `empty file: ${name}`);
    out.push({ name, path, kind, size: fst.size, entity });
  }
  return out;
}
