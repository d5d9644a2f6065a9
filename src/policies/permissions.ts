/**
 * What each role may do — WORKFLOW.md's role table as data. Services check
 * `assertCan(actor, 'case.measure.propose')` (403 otherwise); the CLI and the API share it.
 * Jurisdiction (which records) is separate: src/policies/jurisdiction.ts.
 * Permission names are a stable contract: src/policies/README.md.
 */
import type { Actor, Role } from '../auth/actor.ts';
import { isMeasureType, type MeasureType } from '../cases/model.ts';
import { forbidden } from '../errors.ts';

export const PERMISSIONS = [
  // clues
  'clue.read', // list and read clues (market officer: only AD-/PL- and advertising complaints, see clueScope)
  'clue.create', // manual intake (POST /api/clues)
  'clue.decide', // triage, dismiss, merge
  // cases
  'case.read',
  'case.open', // open a case / merge clues into one
  'case.transition', // state transitions (closing itself goes through four eyes)
  'case.measure.propose', // propose/record a measure (which types: measureTypes(actor))
  'case.measure.approve', // four-eyes approvals (never one's own proposal)
  'case.rectification.verify',
  'case.recovery.record',
  'case.major.flag',
  'case.transfer.feedback', // discipline liaison: receipt and feedback on transfers
  // records
  'record.institution.read',
  'record.person.read',
  // platforms
  'directive.send',
  'directive.read',
  'directive.respond',
  // reports
  'report.read',
  'report.overview', // the ministry's all-province view
  'report.submit',
  // operations
  'import.run',
  'screening.run',
  'scan.text',
  'certificate.credential',
  'user.manage', // users of one's own region
  'audit.read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const INSPECTOR: Permission[] = [
  'clue.read', 'clue.create', 'clue.decide',
  'case.read', 'case.open', 'case.transition', 'case.measure.propose', 'case.rectification.verify', 'case.recovery.record', 'case.major.flag',
  'record.institution.read', 'record.person.read',
  'report.read', 'import.run', 'scan.text', 'certificate.credential',
];

/** WORKFLOW.md "Jurisdiction and roles" → permissions. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  ministry_analyst: new Set<Permission>([
    'clue.read', 'clue.create', 'case.read', 'record.institution.read', 'record.person.read',
    'directive.send', 'directive.read', 'report.read', 'report.overview', 'screening.run', 'scan.text', 'certificate.credential', 'audit.read',
  ]),
  province_admin: new Set<Permission>([
    ...INSPECTOR, 'case.measure.approve', 'user.manage', 'report.submit', 'directive.send', 'directive.read', 'screening.run', 'audit.read',
  ]),
  city_inspector: new Set<Permission>(INSPECTOR),
  market_officer: new Set<Permission>([
    'clue.read', 'clue.decide', 'case.read', 'case.open', 'case.transition', 'case.measure.propose', 'case.rectification.verify', 'scan.text',
  ]),
  discipline_liaison: new Set<Permission>(['case.read', 'case.transfer.feedback']),
  platform_operator: new Set<Permission>(['directive.read', 'directive.respond']),
};

const MARKET_MEASURES: ReadonlySet<MeasureType> = new Set(['guidance', 'interview', 'rectification', 'penalty', 'transfer_judicial', 'transfer_discipline', 'transfer_other']);

/** True when the actor's role may do `permission`. */
export function can(actor: Actor, permission: Permission): boolean {
  return ROLE_PERMISSIONS[actor.role]?.has(permission) ?? false;
}

/** Throw 403 `forbidden` unless the actor's role may do `permission`. */
export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw forbidden();
}

/** True when the actor may propose a measure of this type. */
export function canProposeMeasure(actor: Actor, type: string): boolean {
  if (!can(actor, 'case.measure.propose')) return false;
  if (actor.role === 'market_officer') return MARKET_MEASURES.has(type as MeasureType);
  return isMeasureType(type);
}

/**
 * Which clues a role reads (inside its region): 'all', or 'advertising' — AD-* and PL-* rule
 * clues, complaints about advertising, and the cases made of them (market officers) — or 'none'.
 */
export function clueScope(actor: Actor): 'all' | 'advertising' | 'none' {
  if (!can(actor, 'clue.read')) return 'none';
  return actor.role === 'market_officer' ? 'advertising' : 'all';
}

/** Rule-id prefixes of the clues a market officer reads. */
export const ADVERTISING_RULE_PREFIXES = ['AD-', 'PL-'] as const;

/**
 * Which cases a role reads (inside its region): all; those made of advertising clues (market
 * officer); those transferred to discipline bodies (discipline liaison); none.
 */
export function caseScope(actor: Actor): 'all' | 'advertising' | 'transferred_discipline' | 'none' {
  if (!can(actor, 'case.read')) return 'none';
  if (actor.role === 'market_officer') return 'advertising';
  if (actor.role === 'discipline_liaison') return 'transferred_discipline';
  return 'all';
}
