/**
 * Who may read and change clues and cases (WORKFLOW.md "Jurisdiction and roles"). Services call
 * these; list queries use `clueScopeSql` / `caseScopeSql` so the filter runs inside the SQL.
 * Outside the caller's scope a record answers 404 (existence never revealed); a role that may
 * never do something gets 403.
 */
import type { Actor } from '../auth/actor.ts';
import { forbidden } from '../errors.ts';
import { inJurisdiction, regionFilterSql } from './jurisdiction.ts';

/** Roles that read clues at all. */
const CLUE_READERS = new Set(['ministry_analyst', 'province_admin', 'city_inspector', 'market_officer']);
/** Roles that decide clues and run cases. */
const CASE_WORKERS = new Set(['province_admin', 'city_inspector', 'market_officer']);

/** SQL condition for the clues an actor may see (alias `c` for clues). */
export function clueScopeSql(actor: Actor, params: unknown[], alias = 'c'): string {
  if (!CLUE_READERS.has(actor.role)) return 'FALSE';
  const region = regionFilterSql(actor, `${alias}.region_code`, params);
  if (actor.role === 'market_officer') return `${region} AND ${alias}.topic = 'advertising'`;
  return region;
}

/** SQL condition for the cases an actor may see (alias `k` for cases). */
export function caseScopeSql(actor: Actor, params: unknown[], alias = 'k'): string {
  if (actor.role === 'platform_operator') return 'FALSE';
  const region = regionFilterSql(actor, `${alias}.region_code`, params);
  if (actor.role === 'market_officer') return `${region} AND ${alias}.topic = 'advertising'`;
  if (actor.role === 'discipline_liaison') return `${region} AND ${alias}.transferred_discipline`;
  return region;
}

export interface ScopedRecord {
  region_code: string | null;
  topic?: string | null;
  transferred_discipline?: boolean | null;
}

export function canSeeClue(actor: Actor, c: ScopedRecord): boolean {
  if (!CLUE_READERS.has(actor.role) || !inJurisdiction(actor, c.region_code)) return false;
  return actor.role !== 'market_officer' || c.topic === 'advertising';
}

export function canSeeCase(actor: Actor, k: ScopedRecord): boolean {
  if (actor.role === 'platform_operator' || !inJurisdiction(actor, k.region_code)) return false;
  if (actor.role === 'market_officer') return k.topic === 'advertising';
  if (actor.role === 'discipline_liaison') return Boolean(k.transferred_discipline);
  return true;
}

/** 403 unless the role may list clues. */
export function assertClueReader(actor: Actor): void {
  if (!CLUE_READERS.has(actor.role)) throw forbidden('当前角色无权查看线索');
}

/** 403 unless the role may list cases. */
export function assertCaseReader(actor: Actor): void {
  if (actor.role === 'platform_operator') throw forbidden('当前角色无权查看案件');
}

/** 403 unless the role may triage/dismiss/merge clues and run cases. */
export function assertCaseWorker(actor: Actor): void {
  if (!CASE_WORKERS.has(actor.role)) throw forbidden('当前角色无权处理线索和案件');
}

/** Manual intake: analysts, admins, inspectors and market officers. */
export function assertClueCreator(actor: Actor): void {
  if (!CLUE_READERS.has(actor.role)) throw forbidden('当前角色无权登记线索');
}

/** Four-eyes approvals: province admins only. */
export function assertApprover(actor: Actor): void {
  if (actor.role !== 'province_admin') throw forbidden('只有省级管理员可以审批');
}

/** Discipline liaisons record receipt and feedback on transfers to discipline bodies. */
export function assertLiaison(actor: Actor): void {
  if (actor.role !== 'discipline_liaison' && actor.role !== 'province_admin') throw forbidden('只有纪检监察联络员可以登记移送反馈');
}
