import type { Row } from '../../store/db.ts';
import { MAX_EVIDENCE_ROWS, type CodeRule, type RuleContext, type SqlRule } from '../types.ts';

/**
 * A rule evaluated in one SQL pass. Heavy rules (those reading attendance) would compute
 * their expensive aggregate twice as a `kind: 'sql'` rule (once for `detect`, again for
 * `evidence`); here one query returns, per subject, its facts plus zero or more evidence
 * rows: columns prefixed `e_` are evidence (prefix stripped), `e_rn` non-null marks a row
 * that carries evidence; every other column is the subject's facts (same on each of its
 * rows). `finding` is called like a SqlRule's. Order rows by subject, then e_rn.
 */
export interface OnePassDef extends Omit<SqlRule, 'kind' | 'detect' | 'evidence'> {
  query(ctx: RuleContext): string;
}

/** Build a CodeRule from a {@link OnePassDef}. */
export function onePass(def: OnePassDef): CodeRule {
  const { query, finding, ...meta } = def;
  return {
    ...meta,
    kind: 'code',
    async run(ctx) {
      const groups = new Map<string, { row: Row; ev: Row[] }>();
      for (const r of await ctx.db.query(query(ctx))) {
        const k = String(r.subject_id);
        let g = groups.get(k);
        if (!g) {
          const row: Row = {};
          for (const [key, v] of Object.entries(r)) if (!key.startsWith('e_')) row[key] = v;
          groups.set(k, (g = { row, ev: [] }));
        }
        if (r.e_rn != null && g.ev.length < MAX_EVIDENCE_ROWS) {
          const e: Row = { subject_id: r.subject_id };
          for (const [key, v] of Object.entries(r)) if (key.startsWith('e_') && key !== 'e_rn') e[key.slice(2)] = v;
          g.ev.push(e);
        }
      }
      return [...groups.values()].map((g) => finding(g.row, g.ev, ctx));
    },
  };
}
