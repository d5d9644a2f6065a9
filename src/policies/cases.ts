/**
 * Which clues and cases an actor sees (WORKFLOW.md "Jurisdiction and roles"): the role's scope
 * (src/policies/permissions.ts) within its region. List queries use `clueScopeSql` /
 * `caseScopeSql` so the filter runs inside the SQL; single records use canSeeClue / canSeeCase
 * and answer 404 outside (existence never revealed). What a role may do: assertCan.
 */
import type { Actor } from '../auth/actor.ts';
import { inJurisdiction, regionFilterSql } from './jurisdiction.ts';
import { caseScope, clueScope } from './permissions.ts';

/** SQL condition for the clues an actor may see (alias `c` for clues). */
export function clueScopeSql(actor: Actor, params: unknown[], alias = 'c'): string {
  const scope = clueScope(actor);
  if (scope === 'none') return 'FALSE';
  const region = regionFilterSql(actor, `${alias}.region_code`, params);
  return scope === 'advertising' ? `${region} AND ${alias}.topic = 'advertising'` : region;
}

/** SQL condition for the cases an actor may see (alias `k` for cases). */
export function caseScopeSql(actor: Actor, params: unknown[], alias = 'k'): string {
  const scope = caseScope(actor);
  if (scope === 'none') return 'FALSE';
  const region = regionFilterSql(actor, `${alias}.region_code`, params);
  if (scope === 'advertising') return `${region} AND ${alias}.topic = 'advertising'`;
  if (scope === 'transferred_discipline') return `${region} AND ${alias}.transferred_discipline`;
  return region;
}

export interface ScopedRecord {
  region_code: string | null;
  topic?: string | null;
  transferred_discipline?: boolean | null;
}

/** True when the actor may see this clue (single-record form of clueScopeSql). */
export function canSeeClue(actor: Actor, c: ScopedRecord): boolean {
  const scope = clueScope(actor);
  if (scope === 'none' || !inJurisdiction(actor, c.region_code)) return false;
  return scope === 'all' || c.topic === 'advertising';
}

/** True when the actor may see this case (single-record form of caseScopeSql). */
export function canSeeCase(actor: Actor, k: ScopedRecord): boolean {
  const scope = caseScope(actor);
  if (scope === 'none' || !inJurisdiction(actor, k.region_code)) return false;
  if (scope === 'advertising') return k.topic === 'advertising';
  if (scope === 'transferred_discipline') return Boolean(k.transferred_discipline);
  return true;
}
