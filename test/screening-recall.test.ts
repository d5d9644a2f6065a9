/**
 * Recall test: on provinces from the generator (two clean seeds, one messy), every rule of
 * the registry finds exactly the (rule, subject) pairs of the answer key — every planted
 * instance (recall 1.0) and no subject the generator kept clean for that rule — and DuckDB
 * and PostgreSQL produce the same clue set on one dataset.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClueRecord } from '../src/clues/repository.ts';
import { runScreening, type ScreeningReport } from '../src/screening/engine.ts';
import { findingProblems } from '../src/screening/kit/index.ts';
import { RULES } from '../src/screening/rules/index.ts';
import type { Db } from '../src/store/db.ts';
import { freshStore, type TestStore } from '../src/store/testing.ts';
import { requireOrSkip } from './prereq.ts';

const SYNTH = new URL('../src/synth/generate.ts', import.meta.url);
const IMPORTER = new URL('../src/importer/import.ts', import.meta.url);
const READY = existsSync(SYNTH) && existsSync(IMPORTER);
const SCALE = Number(process.env.RECALL_SCALE ?? 0.03);

interface Answer {
  rule: string;
  subject: { type: string; id: string };
}

const DATASETS = [
  { seed: 1, variant: 'clean' as const },
  { seed: 2, variant: 'clean' as const },
  { seed: 3, variant: 'messy' as const },
];

const key = (rule: string, type: string, id: string) => `${rule} ${type}:${id}`;

async function importInto(db: Db, dir: string): Promise<void> {
  const { importDataset } = (await import(IMPORTER.href)) as { importDataset: (db: Db, dir: string) => Promise<unknown> };
  await importDataset(db, dir);
}

describe.skipIf(requireOrSkip(READY, '生成器 src/synth/generate.ts 与导入器 src/importer/import.ts'))('screening recall on generated provinces', () => {
  const root = mkdtempSync(join(tmpdir(), 'zhili-recall-'));
  const results = new Map<string, { answers: Answer[]; report: ScreeningReport; dir: string; again?: ScreeningReport; stored: number }>();

  beforeAll(async () => {
    const { generate } = (await import(SYNTH.href)) as {
      generate: (o: { out: string; scale: number; seed: number; variant: 'clean' | 'messy' }) => Promise<{ answers: string }>;
    };
    for (const ds of DATASETS) {
      const dir = join(root, `${ds.variant}-${ds.seed}`);
      const gen = await generate({ out: dir, scale: SCALE, seed: ds.seed, variant: ds.variant });
      const answers = readFileSync(gen.answers, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Answer);
      const s = await freshStore('duckdb');
      try {
        await importInto(s.db, dir);
        const report = await runScreening(s.db);
        // Re-running on the same data must add nothing and retire nothing.
        const again = ds.seed === 1 ? await runScreening(s.db) : undefined;
        const [stored] = await s.db.query<{ n: number }>(`SELECT count(*) AS n FROM clues WHERE active AND source = 'screening'`);
        results.set(`${ds.variant}-${ds.seed}`, { answers, report, dir, again, stored: Number(stored!.n) });
      } finally {
        await s.drop();
      }
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe.each(DATASETS)('seed $seed, $variant', (ds) => {
    const get = () => results.get(`${ds.variant}-${ds.seed}`)!;

    it('every rule of the registry ran (none skipped or failed)', () => {
      const { report } = get();
      expect(report.rules.filter((r) => r.status !== 'ran').map((r) => `${r.id}: ${r.status} ${r.reason ?? ''}`)).toEqual([]);
    });

    it('stores one active clue per finding; a re-run adds and retires none', () => {
      const { report, again, stored } = get();
      expect(stored).toBe(report.findings.length);
      if (again) {
        expect([again.newClues, again.deactivated, again.findings.length]).toEqual([0, 0, report.findings.length]);
      }
    });

    it('every clue of every rule is well-formed (null, not "", for unknown region/institution; trimmed summary, no dangling label)', () => {
      const { report } = get();
      expect(report.findings.flatMap((f) => findingProblems(f).map((p) => `${f.rule} ${f.subject.id}: ${p}`))).toEqual([]);
    });

    it.each(RULES.map((r) => r.id))('%s: recall 1.0, no clue outside the answer key', (ruleId) => {
      const { answers, report } = get();
      const expected = new Set(answers.filter((a) => a.rule === ruleId).map((a) => key(a.rule, a.subject.type, a.subject.id)));
      const clues = report.findings.filter((f) => f.rule === ruleId);
      const found = new Map(clues.map((c) => [key(c.rule, c.subject.type, c.subject.id), c]));
      const missed = [...expected].filter((k) => !found.has(k));
      const extra = [...found].filter(([k]) => !expected.has(k)).map(([k, c]) => `${k} — ${c.summary}`);
      // One line per difference, so a failure names every subject (an object diff is truncated).
      expect([...missed.map((k) => `missed ${k}`), ...extra.map((k) => `extra ${k}`)].join('\n')).toBe('');
    });
  });

  describe('DuckDB and PostgreSQL', () => {
    let pg: TestStore;
    afterAll(async () => pg?.drop());

    it('produce the same clue set (rule, subject, summary) on the same dataset', async () => {
      const { report, dir } = results.get('clean-1')!;
      pg = await freshStore('postgres');
      await importInto(pg.db, dir);
      const pgReport = await runScreening(pg.db);
      const set = (fs: ClueRecord[]) => fs.map((f) => `${f.rule} ${f.subject.type}:${f.subject.id} ${f.summary}`).sort();
      const duck = set(report.findings);
      const post = set(pgReport.findings);
      expect({ onlyDuckDb: duck.filter((x) => !post.includes(x)), onlyPostgres: post.filter((x) => !duck.includes(x)) }).toEqual({
        onlyDuckDb: [],
        onlyPostgres: [],
      });
      expect(pgReport.rules.map((r) => [r.id, r.status])).toEqual(report.rules.map((r) => [r.id, r.status]));
    });
  });
});
