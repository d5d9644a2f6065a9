/**
 * Jurisdiction (WORKFLOW.md): a user sees and changes only records of its region; outside it a
 * record answers as if it did not exist (404). Region scope is a prefix of the 6-digit code:
 * '00' = all, 2 digits = province, 4 = city. List queries filter inside the SQL with
 * `regionFilterSql`, single records are checked with `inJurisdiction`.
 */
import type { Actor, Role } from '../auth/actor.ts';

/** The region prefix an actor is confined to, or null for all regions. */
export function regionPrefix(actor: Actor): string | null {
  const r = actor.region_code ?? '';
  return r === '' || r === '00' || /^0+$/.test(r) ? null : r;
}

/** True when a record of `regionCode` lies within the actor's region. A record without region is visible only to national scope. */
export function inJurisdiction(actor: Actor, regionCode: string | null | undefined): boolean {
  const p = regionPrefix(actor);
  if (p === null) return true;
  if (!regionCode) return false;
  return String(regionCode).startsWith(p);
}

/**
 * SQL condition restricting `column` to the actor's region, appending its parameter to `params`
 * (placeholders `$n` as both engines take). Returns 'TRUE' for national scope.
 */
export function regionFilterSql(actor: Actor, column: string, params: unknown[]): string {
  const p = regionPrefix(actor);
  if (p === null) return 'TRUE';
  params.push(p);
  return `substr(${column}, 1, ${p.length}) = $${params.length}`;
}

/** Roles that read identity numbers, phones and bank accounts masked (WORKFLOW.md role table). */
const MASKED_ROLES: ReadonlySet<Role> = new Set<Role>(['ministry_analyst', 'market_officer', 'platform_operator']);

/** True when personal identifiers must be masked for this actor. */
export function masksPersonalData(actor: Actor): boolean {
  return MASKED_ROLES.has(actor.role);
}
