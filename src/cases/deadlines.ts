/**
 * Deadlines (WORKFLOW.md "Time"): a rectifying case past its deadline (by the one clock) without
 * a recorded verification turns `overdue`, and the next graded measure is proposed for a
 * province admin's approval — removal from the subsidy catalog for a training institution,
 * termination of registration for an evaluation institution (both for one that is both).
 * Run at server start, periodically, and by `zhili deadlines run`. Idempotent.
 */
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import { localDate } from '../clock.ts';
import type { Db } from '../store/db.ts';
import { proposeMeasure } from './measures.ts';
import type { MeasureType } from './model.ts';
import { loadCase, setState } from './service.ts';

export interface DeadlineRun {
  /** Cases that turned overdue now. */
  overdue: string[];
  /** Escalation measures proposed now. */
  proposed: { case_id: string; measure_id: string; type: MeasureType }[];
}

/** Check every deadline against today's date (Asia/Shanghai) and act on the expired ones. */
export async function runDeadlines(db: Db): Promise<DeadlineRun> {
  const today = localDate();
  const due = await db.query<{ case_id: string }>(
    `SELECT case_id FROM cases WHERE state = 'rectifying' AND deadline IS NOT NULL AND deadline < CAST($1 AS DATE) AND rectification_verified_on IS NULL ORDER BY case_id`,
    [today],
  );
  const out: DeadlineRun = { overdue: [], proposed: [] };
  for (const { case_id } of due) {
    await db.transaction(async () => {
      const k = await loadCase(db, SYSTEM_ACTOR, case_id);
      if (k.state !== 'rectifying' || k.rectification_verified_on) return;
      await setState(db, SYSTEM_ACTOR, k, 'overdue', `整改期限 ${k.deadline} 已过且未验收，案件逾期`);
      out.overdue.push(case_id);
      if (!k.institution_id) return;
      const [inst] = await db.query<{ kind: string }>('SELECT kind FROM institutions WHERE institution_id = $1', [k.institution_id]);
      const next: MeasureType[] = [];
      if (inst?.kind === 'training' || inst?.kind === 'both') next.push('remove_institution');
      if (inst?.kind === 'evaluation' || inst?.kind === 'both') next.push('terminate_registration');
      for (const type of next) {
        const [pending] = await db.query("SELECT 1 FROM measures WHERE case_id = $1 AND type = $2 AND status <> 'rejected'", [case_id, type]);
        if (pending) continue;
        const m = await proposeMeasure(
          db,
          SYSTEM_ACTOR,
          case_id,
          { type, version: 0, decided_on: today, legal_basis: null, note: `逾期未整改，系统建议升级处理（期限 ${k.deadline}）` },
          { system: true },
        );
        out.proposed.push({ case_id, measure_id: m.measure_id, type });
      }
    });
  }
  return out;
}
