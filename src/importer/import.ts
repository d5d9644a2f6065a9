/**
 * dataset directory → store. Every row of every file ends loaded or quarantined (with
 * file, line, column and a Chinese reason); read = loaded + quarantined per file.
 *
 * All parsing and validation runs in DuckDB (the store's own connection for a DuckDB
 * store, an in-memory DuckDB for PostgreSQL), so both engines receive identical values;
 * how rows reach each engine is src/store/bulk.ts's business. Each file is committed in
 * one transaction together with its bookkeeping row, so a re-run (after success or kill -9)
 * skips exactly the files already done and ends in the state of an uninterrupted import.
 *
 * Quarantine detail (line, column, reason, content) is kept for the first DETAIL_LIMIT
 * (1000) rows of a file; `import_quarantine_counts` holds the exact count per column and
 * reason, so counts stay exact while a file of millions of bad rows stays small.
 */
import { localTimestamp, now } from '../clock.ts';
import { env } from '../config/env.ts';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EntityDef } from '../dataset/entities.ts';
import { type DatasetFile, entityOrder, listDatasetFiles } from '../dataset/files.ts';
import { DETAIL_LIMIT, duckPath, inspectCsv, lit, parquetPlan, type ReadLimits, type ReadPlan, type ReasonCount, sha256File } from '../dataset/source.ts';
import { readWorkbook } from '../dataset/xlsx.ts';
import { ZhiliError, zerr } from '../errors.ts';
import { log } from '../log.ts';
import { scrubText } from '../privacy/mask.ts';
import { type BulkLoader, openBulk } from '../store/bulk.ts';
import type { Db } from '../store/db.ts';
import { withWriterLock } from '../store/lock.ts';
import { EFFECT_TABLES, reapplyEffects } from '../cases/effects.ts';
import { SQL_TYPE, storeColumns } from '../store/schema.ts';
import { REASON, shapeSql, stageSql } from './validate.ts';

/** One file's outcome; read = loaded + quarantined. */
export interface FileReport {
  file: string;
  entity: string;
  read: number;
  loaded: number;
  quarantined: number;
  /** Header cells naming no column of the entity (kept per row in `extra`). */
  extraColumns: string[];
}

export interface QuarantineEntry {
  file: string;
  line: number | null;
  column: string | null;
  reason: string;
}

/** Exact number of quarantined rows of a file per column and reason. */
export interface QuarantineCount {
  file: string;
  column: string | null;
  reason: string;
  rows: number;
}

/** A file not read at all (a symbolic link leading out of the dataset directory or nowhere). */
export interface RefusedFile {
  file: string;
  reason: string;
}

/** The `--report` JSON, plus extra columns per file and persons created from references. */
export interface ImportReport {
  files: FileReport[];
  /** Quarantined rows in detail: the first `quarantineDetailLimit` of each file, by line. */
  quarantine: QuarantineEntry[];
  /** Every quarantined row counted per file, column and reason (exact). */
  quarantineCounts: QuarantineCount[];
  /** Rows kept in detail per file. */
  quarantineDetailLimit: number;
  /** Files refused before reading, with the reason; the rest of the import went on. */
  refused: RefusedFile[];
  /** Persons created with the id alone because other entities reference them. */
  createdPersons: number;
  /** Files of this run that an earlier import had already loaded with the same content (skipped; counts are the earlier ones). */
  alreadyImported: string[];
}

export interface ImportOptions {
  /** Called after each file with the rows read from it. */
  onProgress?: (p: { file: string; rows: number }) => void;
  /** Called while files are being read, with bytes read so far (for progress bars). */
  onBytes?: (n: number) => void;
  /** Longest record and quarantine detail per file (defaults: 8 MiB, 1000); tests lower them. */
  limits?: ReadLimits;
}

/** Entities whose `id_number` references a person (DATA-FORMAT.md persons). */
export const PERSON_REFERENCES = ['staff', 'enrollments', 'attendance', 'online_events', 'claim_items', 'exam_results', 'certificates'] as const;

/** `ZHILI_IMPORT_TRACE=1` prints the time of each step on stderr (for benchmarking; no data is printed). */
const TRACE = env().ZHILI_IMPORT_TRACE;
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Prefix of the import's private temporary directories (`zhili-import-<pid>-XXXXXX`). */
export const TMP_PREFIX = 'zhili-import-';

/**
 * Remove temporary directories of earlier imports whose process is gone (killed with
 * kill -9, they could not clean up; they may hold transcoded personal data).
 */
export function removeStaleTempDirs(base: string = tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^zhili-import-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    rmSync(join(base, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Source {
  name: string;
  entity: EntityDef;
  size: number;
  /** Resolves hash and reading plan lazily: CSV inspection reads the file once. */
  open: () => Promise<{ sha256: string; encoding: string | null; plan: () => Promise<ReadPlan> }>;
}

interface Recorded {
  file: string;
  entity: string;
  sha256: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  extra_columns: string | null;
}

/**
 * Import the dataset in `dir` into `db` (already migrated, see openStore). Throws a
 * ZhiliError for problems a person can act on (missing directory, unreadable, empty or
 * unknown files); rows that cannot be loaded are quarantined, not thrown.
 */
export async function importDataset(db: Db, dir: string, opts: ImportOptions = {}): Promise<ImportReport> {
  // The store's writer lock: a second import waits, then finds the files recorded and skips them.
  return withWriterLock(db, () => importLocked(db, dir, opts));
}

async function importLocked(db: Db, dir: string, opts: ImportOptions): Promise<ImportReport> {
  const files = listDatasetFiles(dir);
  const stale = removeStaleTempDirs();
  if (stale.length) log.info({ event: 'import.tmp_cleaned', dirs: stale.length }, 'removed temporary directories of killed imports');
  // Private: transcoded copies and quarantine material are personal data (0700 / 0600).
  const tmp = mkdtempSync(join(tmpdir(), `${TMP_PREFIX}${process.pid}-`));
  chmodSync(tmp, 0o700);
  const t0 = Date.now();
  log.info({ event: 'import.start', dir, files: files.length, engine: db.dialect }, 'import started');
  let bulk: BulkLoader | null = null;
  try {
    bulk = await openBulk(db, tmp);
    const run = new Importer(db, bulk, tmp, opts);
    const report = await run.importAll(dir, files);
    log.info(
      {
        event: 'import.end',
        dir,
        files: report.files.length,
        refused: report.refused.length,
        alreadyImported: report.alreadyImported.length,
        read: report.files.reduce((n, f) => n + f.read, 0),
        quarantined: report.files.reduce((n, f) => n + f.quarantined, 0),
        ms: Date.now() - t0,
      },
      'import finished',
    );
    return report;
  } catch (e) {
    log.error({ event: 'import.error', dir, id: e instanceof ZhiliError ? e.id : 'internal', ms: Date.now() - t0 }, 'import failed');
    throw e;
  } finally {
    await bulk?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

class Importer {
  private readonly runId = randomUUID();
  private readonly conn: DuckDBConnection;
  private readonly detailLimit: number;

  constructor(
    private readonly db: Db,
    private readonly bulk: BulkLoader,
    private readonly tmp: string,
    private readonly opts: ImportOptions,
  ) {
    this.conn = bulk.duck;
    this.detailLimit = opts.limits?.detailLimit ?? DETAIL_LIMIT;
  }

  private async duck(sql: string): Promise<void> {
    const t = Date.now();
    await this.conn.run(sql);
    if (TRACE) console.error(`[import] ${Date.now() - t} ms ${sql.slice(0, 80).replace(/\s+/g, ' ')}`);
  }

  private async duckRows<T>(sql: string): Promise<T[]> {
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJson() as T[];
  }

  async importAll(dir: string, files: DatasetFile[]): Promise<ImportReport> {
    const started = now();
    const refused: RefusedFile[] = [];
    for (const f of files) {
      if (!f.refused) continue;
      refused.push({ file: f.name, reason: f.refused });
      log.warn({ event: 'import.file_refused', file: f.name, reason: f.refused }, 'file refused');
    }
    const sources = await this.sources(files.filter((f) => !f.refused));
    const recorded = new Map((await this.db.query<Recorded>('SELECT * FROM import_files')).map((r) => [r.file, r]));
    let loaded = 0;
    let skipped = 0;
    const alreadyImported: string[] = [];
    // Inspect (hash, encoding) the next file while DuckDB works on this one.
    let next = sources.length ? sources[0]!.open() : null;
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i]!;
      const to = Date.now();
      const opened = await next!.catch((e: unknown) => {
        if (e instanceof ZhiliError) throw e;
        throw zerr('dataset.unreadable', `文件无法读取：${src.name}（${firstLine(e)}）`, `cannot read ${src.name}`);
      });
      next = i + 1 < sources.length ? sources[i + 1]!.open() : null;
      next?.catch(() => undefined); // surfaced when awaited
      if (TRACE) console.error(`[import] open ${src.name} ${Date.now() - to} ms`);
      const prev = recorded.get(src.name);
      if (prev) {
        if (prev.sha256 !== opened.sha256) {
          throw zerr(
            'import.file_changed',
            `文件 ${src.name} 已以不同内容导入过该数据库；请导入到新的数据库，或先删除原数据库`,
            `${src.name} was imported before with different content; import into a new database`,
          );
        }
        skipped++;
        alreadyImported.push(src.name);
        log.info({ event: 'import.file_skipped', file: src.name, entity: src.entity.name }, 'file already imported');
        this.opts.onProgress?.({ file: src.name, rows: Number(prev.rows_read) });
        continue;
      }
      const t = Date.now();
      const r = await this.importSource(src, opened.sha256, opened.encoding, await opened.plan());
      log.info(
        { event: 'import.file', file: src.name, entity: src.entity.name, read: r.read, loaded: r.loaded, quarantined: r.quarantined, ms: Date.now() - to, encoding: opened.encoding },
        'file imported',
      );
      if (TRACE) console.error(`[import] file ${src.name} ${Date.now() - t} ms`);
      loaded++;
      this.opts.onProgress?.({ file: src.name, rows: r.read });
    }
    await this.createReferencedPersons();
    const names = sources.map((s) => s.name);
    const report = { ...(await this.report(names)), refused, alreadyImported };
    await this.db.query(
      `INSERT INTO import_runs (run_id, dir, started_at, finished_at, files_loaded, files_skipped) VALUES ($1, $2, $3, $4, $5, $6)`,
      [this.runId, dir, localTimestamp(started), localTimestamp(), loaded, skipped],
    );
    return report;
  }

  /** The dataset's sources in load order: entity order of DATA-FORMAT.md, then name. */
  private async sources(files: DatasetFile[]): Promise<Source[]> {
    const out: Source[] = [];
    for (const f of files) {
      if (f.kind === 'csv' || f.kind === 'csv.gz') {
        out.push({
          name: f.name,
          entity: f.entity!,
          size: f.size,
          open: async () => {
            const ins = await inspectCsv(f, this.tmp, this.opts.onBytes, this.opts.limits);
            if (ins.empty) throw zerr('dataset.empty_file', `文件为空：${f.name}`, `empty file: ${f.name}`);
            return { sha256: ins.sha256, encoding: ins.encoding, plan: ins.plan };
          },
        });
      } else if (f.kind === 'parquet') {
        out.push({
          name: f.name,
          entity: f.entity!,
          size: f.size,
          open: async () => {
            const sha256 = await sha256File(f.path);
            return {
              sha256,
              encoding: null,
              plan: async () => {
                const path = duckPath(f.path, this.tmp);
                let cols: { column_name: string; column_type: string }[];
                try {
                  cols = await this.duckRows<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM read_parquet(${lit(path)})`);
                } catch (e) {
                  throw zerr('dataset.unreadable', `文件无法读取：${f.name}（${firstLine(e)}）`, `cannot read Parquet file ${f.name}`);
                }
                return parquetPlan(path, cols.map((c) => ({ name: c.column_name, type: c.column_type })));
              },
            };
          },
        });
      } else {
        const sha256 = await sha256File(f.path);
        for (const sheet of await readWorkbook(f.path, f.name, this.tmp)) {
          out.push({
            name: `${f.name}#${sheet.sheet}`,
            entity: sheet.entity,
            size: f.size,
            open: async () => ({ sha256, encoding: 'xlsx', plan: async () => sheet.plan }),
          });
        }
      }
    }
    const seen = new Set<string>();
    for (const s of out) {
      if (seen.has(s.name)) throw zerr('dataset.duplicate_file', `数据集中有重名文件：${s.name}`, `duplicate file name in dataset: ${s.name}`);
      seen.add(s.name);
    }
    return out.sort((a, b) => entityOrder(a.entity) - entityOrder(b.entity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Stage one file in DuckDB; on a failed or miscounted fast read, retry with the careful plan. */
  private async stage(src: Source, plan: ReadPlan): Promise<{ plan: ReadPlan; extraColumns: string[] }> {
    for (;;) {
      if (plan.relation === '') throw zerr('dataset.empty_file', `文件为空：${src.name}`, `empty file: ${src.name}`);
      const st = stageSql(src.entity, plan.headers, plan.relation, '_zs', plan.floatColumns);
      let problem: string | null = null;
      try {
        await this.duck(st.sql);
        if (plan.expected !== null) {
          const [{ n }] = await this.duckRows<{ n: string }>('SELECT count(*) AS n FROM _zs');
          if (Number(n) !== plan.expected) problem = `行数不一致（${n} ≠ ${plan.expected}）`;
        }
      } catch (e) {
        problem = firstLine(e);
      }
      if (!problem) return { plan, extraColumns: st.extraColumns };
      if (plan.fallback) {
        plan = await plan.fallback();
        continue;
      }
      // Internal (the careful plan hands DuckDB only what it reads): details in the log only.
      log.error({ event: 'import.read_failed', file: src.name, problem: scrubText(problem.slice(0, 200)) }, 'DuckDB could not read the prepared file');
      throw zerr('import.read_failed', `无法读取文件 ${src.name}（内部错误，详见日志）`, `cannot read ${src.name}`);
    }
  }

  private keyColumns(e: EntityDef): string[] {
    return e.keyMode === 'unique' ? e.key : e.columns.map((c) => c.name);
  }

  private async importSource(
    src: Source,
    sha256: string,
    encoding: string | null,
    plan0: ReadPlan,
  ): Promise<{ read: number; loaded: number; quarantined: number }> {
    const e = src.entity;
    const { plan, extraColumns } = await this.stage(src, plan0);

    // Line numbers: ordinal + base, shifted where the file is irregular.
    let lineExpr = `s._o + ${plan.base}`;
    let joins = '';
    if (plan.breakpointFile) {
      await this.duck(
        `CREATE OR REPLACE TEMP TABLE _zb AS SELECT * FROM read_csv(${lit(plan.breakpointFile)}, header = false, auto_detect = false, delim = ',', columns = {'o': 'BIGINT', 'd': 'BIGINT'})`,
      );
    } else if (plan.breakpoints.length) {
      await this.duck('CREATE OR REPLACE TEMP TABLE _zb (o BIGINT, d BIGINT)');
      for (let i = 0; i < plan.breakpoints.length; i += 1000) {
        const vals = plan.breakpoints.slice(i, i + 1000).map((b) => `(${b.o}, ${b.d})`);
        await this.duck(`INSERT INTO _zb VALUES ${vals.join(', ')}`);
      }
    }
    if (plan.breakpointFile || plan.breakpoints.length) {
      lineExpr = `s._o + ${plan.base} + coalesce(b.d, 0)`;
      joins += ' ASOF LEFT JOIN _zb b ON s._o >= b.o';
    }

    // Duplicates: a later row with a key seen earlier in this file or already loaded.
    const keys = this.keyColumns(e);
    const on = (l: string, r: string) => keys.map((k) => `${l}.${q(k)} IS NOT DISTINCT FROM ${r}.${q(k)}`).join(' AND ');
    const keyCols = keys.map((k) => ({ name: k, sqlType: SQL_TYPE[e.columns.find((c) => c.name === k)!.type] }));
    const existing = await this.bulk.storeRows(e.name, keyCols, 'src_file IS NOT NULL');
    const anyExisting = (await this.duckRows(`SELECT 1 FROM ${existing} LIMIT 1`)).length > 0;
    // Group on a 64-bit hash first (cheap), compare the real keys only among candidates.
    const h = (a: string) => `hash(${keys.map((k) => `${a}.${q(k)}`).join(', ')})`;
    await this.duck(`CREATE OR REPLACE TEMP TABLE _zd AS
      SELECT o FROM (
        SELECT o, row_number() OVER (PARTITION BY ${keys.map(q).join(', ')} ORDER BY o) AS rn FROM (
          SELECT s.rowid AS o, ${keys.map((k) => `s.${q(k)}`).join(', ')} FROM _zs s
          WHERE s._err IS NULL AND ${h('s')} IN (SELECT ${h('z')} FROM _zs z WHERE z._err IS NULL GROUP BY 1 HAVING count(*) > 1)))
      WHERE rn > 1
      ${anyExisting ? `UNION SELECT s.rowid AS o FROM _zs s WHERE s._err IS NULL AND EXISTS (SELECT 1 FROM ${existing} x WHERE ${on('s', 'x')})` : ''}`);
    const anyDup = (await this.duckRows('SELECT 1 FROM _zd LIMIT 1')).length > 0;
    const dupReason = e.keyMode === 'unique' ? REASON.duplicateKey : REASON.duplicateRow;
    const dupCol = e.key.join(',');
    const rowJson = `CAST(json_object(${e.columns.map((c) => `${lit(c.name)}, s.${q(c.name)}`).join(', ')}) AS VARCHAR)`;
    if (anyDup) joins += ' LEFT JOIN _zd d ON d.o = s._o';
    const isDup = anyDup ? 'd.o IS NOT NULL' : 'false';
    const final = `(SELECT s.*, ${lineExpr} AS _line,
        (s._err IS NULL AND NOT (${isDup})) AS _ok,
        CASE WHEN s._err IS NOT NULL THEN s._err WHEN ${isDup} THEN ${lit(dupReason)} END AS _reason,
        CASE WHEN s._err IS NOT NULL THEN s._err_col WHEN ${isDup} THEN ${lit(dupCol)} END AS _col,
        CASE WHEN s._err IS NOT NULL THEN s._content WHEN ${isDup} THEN ${rowJson} END AS _qcontent
      FROM (SELECT *, rowid AS _o FROM _zs) s${joins})`;

    // Rows rejected before DuckDB (column count, quoting, encoding …): the detail kept.
    await this.duck('CREATE OR REPLACE TEMP TABLE _zr (line BIGINT, col VARCHAR, reason VARCHAR, content VARCHAR)');
    for (let i = 0; i < plan.rejects.length; i += 500) {
      const vals = plan.rejects
        .slice(i, i + 500)
        .map((r) => `(${r.line}, ${r.column === null ? 'NULL' : lit(r.column)}, ${lit(r.reason)}, ${lit(r.content)})`);
      await this.duck(`INSERT INTO _zr VALUES ${vals.join(', ')}`);
    }

    const [counts] = await this.duckRows<{ n: string; err: string }>('SELECT count(*) AS n, count(_err) AS err FROM _zs');
    const dups = anyDup ? Number((await this.duckRows<{ n: string }>('SELECT count(*) AS n FROM _zd'))[0]!.n) : 0;
    const okRows = Number(counts!.n) - Number(counts!.err) - dups;
    const inFileBad = Number(counts!.err) + dups;
    const badRows = inFileBad + plan.rejected;
    const read = okRows + badRows;

    // Exact counts per column and reason (a handful of rows), whatever the detail limit.
    const reasonCounts = new Map<string, ReasonCount>();
    const addCount = (c: ReasonCount) => {
      const k = `${c.column}\u0000${c.reason}`;
      const have = reasonCounts.get(k);
      if (have) have.rows += c.rows;
      else reasonCounts.set(k, { ...c });
    };
    plan.rejectCounts.forEach(addCount);
    if (inFileBad) {
      const rows = await this.duckRows<{ col: string | null; reason: string; n: string }>(`SELECT _col AS col, _reason AS reason, count(*) AS n FROM ${final} WHERE NOT _ok GROUP BY ALL`);
      for (const r of rows) addCount({ column: r.col, reason: r.reason, rows: Number(r.n) });
    }

    const cols = storeColumns(e).map((c) => c.name);
    const sel = cols.map((c) => (c === 'src_file' ? lit(src.name) : c === 'src_line' ? '_line' : q(c))).join(', ');
    const okSql = `SELECT ${sel} FROM ${final} WHERE _ok`;
    // Detail of the first rows by line; the reason says the failing cell's shape, not its value.
    const qSql = `SELECT ${lit(src.name)} AS file, line, column_name, reason, content FROM (
        SELECT line, col AS column_name, reason, content FROM _zr${
          inFileBad ? ` UNION ALL SELECT _line, _col, _reason || CASE WHEN _err IS NOT NULL THEN ${shapeSql('_err_val')} ELSE '' END, _qcontent FROM ${final} WHERE NOT _ok` : ''
        }) ORDER BY line, column_name LIMIT ${this.detailLimit}`;
    const fileRow = [src.name, e.name, src.size, sha256, encoding, read, okRows, badRows, JSON.stringify(extraColumns), this.runId, localTimestamp()];
    const fileSql = `INSERT INTO import_files (file, entity, size, sha256, encoding, rows_read, rows_loaded, rows_quarantined, extra_columns, run_id, imported_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
    const stubCleanup = `DELETE FROM persons WHERE src_file IS NULL AND id_number IN (SELECT id_number FROM persons WHERE src_file = $1)`;

    const tc = Date.now();
    await this.db.transaction(async () => {
      await this.bulk.insertSelect(e.name, cols, okSql);
      if (badRows) {
        await this.bulk.insertSelect('import_quarantine', ['file', 'line', 'column_name', 'reason', 'content'], qSql);
        for (const c of reasonCounts.values()) {
          await this.db.query('INSERT INTO import_quarantine_counts (file, column_name, reason, "rows") VALUES ($1, $2, $3, $4)', [src.name, c.column, c.reason, c.rows]);
        }
      }
      if (e.name === 'persons') await this.db.query(stubCleanup, [src.name]);
      // Measures stand over whatever the export says (WORKFLOW.md): re-applied in the same transaction.
      if (EFFECT_TABLES.has(e.name)) await reapplyEffects(this.db, e.name);
      await this.db.query(fileSql, fileRow);
    });
    await this.bulk.remember(e.name, `SELECT ${keys.map(q).join(', ')} FROM ${final} WHERE _ok`);
    if (TRACE) console.error(`[import] commit ${Date.now() - tc} ms`);
    await this.duck('DROP TABLE IF EXISTS _zs; DROP TABLE IF EXISTS _zd; DROP TABLE IF EXISTS _zb; DROP TABLE IF EXISTS _zr');
    return { read, loaded: okRows, quarantined: badRows };
  }

  /** Persons referenced elsewhere but absent from persons: created with the id alone. */
  private async createReferencedPersons(): Promise<void> {
    const refs = PERSON_REFERENCES.map((t) => `SELECT id_number FROM ${t}`).join(' UNION ');
    await this.db.transaction(async () => {
      await this.db.exec(
        `INSERT INTO persons (id_number) SELECT r.id_number FROM (${refs}) r
         WHERE r.id_number IS NOT NULL AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.id_number = r.id_number)`,
      );
    });
  }

  private async report(names: string[]): Promise<Omit<ImportReport, 'alreadyImported' | 'refused'>> {
    const order = new Map(names.map((n, i) => [n, i]));
    const recs = (await this.db.query<Recorded>('SELECT * FROM import_files')).filter((r) => order.has(r.file));
    recs.sort((a, b) => order.get(a.file)! - order.get(b.file)!);
    const files: FileReport[] = recs.map((r) => ({
      file: r.file,
      entity: r.entity,
      read: Number(r.rows_read),
      loaded: Number(r.rows_loaded),
      quarantined: Number(r.rows_quarantined),
      extraColumns: r.extra_columns ? (JSON.parse(r.extra_columns) as string[]) : [],
    }));
    const qrows = (
      await this.db.query<{ file: string; line: number | null; column_name: string | null; reason: string }>(
        'SELECT file, line, column_name, reason FROM import_quarantine',
      )
    ).filter((r) => order.has(r.file));
    qrows.sort((a, b) => order.get(a.file)! - order.get(b.file)! || (a.line ?? 0) - (b.line ?? 0) || (a.column_name ?? '').localeCompare(b.column_name ?? ''));
    const quarantine = qrows.map((r) => ({ file: r.file, line: r.line === null ? null : Number(r.line), column: r.column_name, reason: r.reason }));
    const crows = (
      await this.db.query<{ file: string; column_name: string | null; reason: string; rows: number }>('SELECT file, column_name, reason, "rows" FROM import_quarantine_counts')
    ).filter((r) => order.has(r.file));
    crows.sort((a, b) => order.get(a.file)! - order.get(b.file)! || Number(b.rows) - Number(a.rows) || (a.column_name ?? '').localeCompare(b.column_name ?? '') || a.reason.localeCompare(b.reason));
    const quarantineCounts = crows.map((r) => ({ file: r.file, column: r.column_name, reason: r.reason, rows: Number(r.rows) }));
    const [{ n }] = await this.db.query<{ n: number }>('SELECT count(*) AS n FROM persons WHERE src_file IS NULL');
    return { files, quarantine, quarantineCounts, quarantineDetailLimit: this.detailLimit, createdPersons: Number(n) };
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}
