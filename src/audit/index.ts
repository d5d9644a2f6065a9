/**
 * The audit log (WORKFLOW.md "Audit"): append-only, hash-chained entries for every change of a
 * clue, case, measure, approval, certificate status, user, directive and report submission, and
 * every view of a person's full identity number.
 *
 * Contract used by every service (implementation: src/audit/log.ts):
 *   await appendAudit(db, { actor, action: 'case.transition', target_type: 'case', target_id, before, after })
 * Call it inside the same db.transaction() as the change it records.
 */
export type { AuditInput, AuditEntry } from './log.ts';
export { appendAudit, verifyAudit, listAudit } from './log.ts';
