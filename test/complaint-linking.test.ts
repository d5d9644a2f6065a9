/**
 * Complaint linking on the generator's complaints (WORKFLOW.md "Clues"): names as registered,
 * with the legal-form suffix dropped, spaced, in traditional characters, full-width, only in the
 * text, a credit code alone, and institutions that are not in the dataset. The generator writes
 * the truth beside the dataset (DIR.links.jsonl). No complaint may be linked to a wrong
 * institution; every known one is linked or, when its name is shared, lists it among the
 * candidates; unknown ones stay unlinked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestComplaints } from '../src/clues/intake.ts';
import { importDataset } from '../src/importer/import.ts';
import { freshStore, type TestStore } from '../src/store/testing.ts';
import { generate } from '../src/synth/generate.ts';

describe('complaint linking on generated complaints', () => {
  let s: TestStore;
  let tmp: string;
  let truth: { complaint_id: string; institution_id: string | null; variant: string }[];
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'zhili-links-'));
    const dir = join(tmp, 'd');
    await generate({ out: dir, scale: 0.3, seed: 7, variant: 'clean' });
    truth = readFileSync(`${dir}.links.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    s = await freshStore('duckdb');
    await importDataset(s.db, dir);
  });
  afterAll(async () => {
    await s?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('links every variant correctly and never to a wrong institution', async () => {
    expect(await ingestComplaints(s.db)).toBe(truth.length);
    const rows = await s.db.query<{ complaint_id: string; institution_id: string | null; link_candidates: string | null }>(
      'SELECT complaint_id, institution_id, link_candidates FROM clues WHERE complaint_id IS NOT NULL',
    );
    const got = new Map(rows.map((r) => [r.complaint_id, r]));
    const byVariant = new Map<string, number>();
    for (const t of truth) {
      const r = got.get(t.complaint_id)!;
      expect(r, t.complaint_id).toBeDefined();
      if (t.institution_id === null) {
        expect(r.institution_id, `${t.complaint_id} (${t.variant})`).toBeNull();
        continue;
      }
      if (r.institution_id !== null) {
        expect(r.institution_id, `${t.complaint_id} (${t.variant})`).toBe(t.institution_id);
        byVariant.set(t.variant, (byVariant.get(t.variant) ?? 0) + 1);
      } else {
        // Not linked: only when the name is shared, and then the truth is among the candidates.
        const candidates = JSON.parse(r.link_candidates ?? '[]') as string[];
        expect(candidates, `${t.complaint_id} (${t.variant}) unlinked`).toContain(t.institution_id);
      }
    }
    for (const v of ['name', 'no_suffix', 'spaced', 'traditional', 'full_width', 'in_text', 'uscc_only']) {
      expect(byVariant.get(v) ?? 0, v).toBeGreaterThan(0);
    }
  });
});
