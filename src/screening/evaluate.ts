import type { Row } from '../store/db.ts';
import { MAX_EVIDENCE_ROWS, type Finding, type Rule, type RuleContext } from './types.ts';

/**
 * Evaluate one rule against the store and return its findings, sorted by subject id.
 * Parameters must already be resolved (defaults + overrides) in `ctx.params`.
 */
export async function evaluateRule(rule: Rule, ctx: RuleContext): Promise<Finding[]> {
  let findings: Finding[];
  if (rule.kind === 'code') {
    findings = await rule.run(ctx);
  } else {
    const rows = await ctx.db.query(rule.detect(ctx));
    const bySubject = new Map<string, Row[]>();
    if (rule.evidence && rows.length) {
      // Evidence queries may return rows of subjects that did not pass the threshold: keep
      // only the detected subjects' rows so memory follows the clue count, not the data.
      const detected = new Set(rows.map((r) => String(r.subject_id)));
      for (const e of await ctx.db.query(rule.evidence(ctx))) {
        const k = String(e.subject_id);
        if (!detected.has(k)) continue;
        let list = bySubject.get(k);
        if (!list) bySubject.set(k, (list = []));
        if (list.length < MAX_EVIDENCE_ROWS) list.push(e);
      }
    }
    findings = rows.map((r) => rule.finding(r, bySubject.get(String(r.subject_id)) ?? [], ctx));
  }
  return findings.sort((a, b) => (a.subject.id < b.subject.id ? -1 : a.subject.id > b.subject.id ? 1 : 0));
}

/** Defaults of a rule's parameters, overridden by `overrides`. */
export function resolveParams(rule: Rule, overrides: Record<string, unknown> = {}): RuleContext['params'] {
  const p: RuleContext['params'] = {};
  for (const def of rule.params) p[def.name] = (overrides[def.name] as never) ?? def.default;
  return p;
}
