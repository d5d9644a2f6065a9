/**
 * Jurisdiction (WORKFLOW.md): a user sees and changes only records of its region; outside it a
 * record answers as if it did not exist (404). Region scope is a prefix of the 6-digit code:
 * '00' = all, 2 digits = province, 4 = city. List queries filter inside the SQL with
 * `regionFilterSql`, single records are checked with `inJurisdiction`.
 */
import type { Actor, Role } from '../auth/actor.ts';
import { invalid } from '../errors.ts';

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

/** The smallest code above every code with this prefix ('4401' → '4402'): codes are digit strings. */
function prefixEnd(p: string): string {
  return String(Number(p) + 1).padStart(p.length, '0');
}

/**
 * SQL condition restricting `column` to the actor's region, appending its parameters to `params`
 * (placeholders `$n` as both engines take). A range on the code (`>= '4401' AND < '4402'`) rather
 * than a prefix function, so an index on the column serves it. Returns 'TRUE' for national scope.
 */
export function regionFilterSql(actor: Actor, column: string, params: unknown[]): string {
  const p = regionPrefix(actor);
  return p === null ? 'TRUE' : regionPrefixSql(column, p, params);
}

/** SQL condition: `column` (a region code) starts with the digit prefix `p`; parameters appended. */
export function regionPrefixSql(column: string, p: string, params: unknown[]): string {
  if (!/^\d{1,6}$/.test(p)) throw invalid('region_code', '应为 2、4 或 6 位行政区划代码');
  params.push(p, prefixEnd(p));
  return `(${column} >= $${params.length - 1} AND ${column} < $${params.length})`;
}

/** Roles that read identity numbers, phones and bank accounts masked (WORKFLOW.md role table). */
const MASKED_ROLES: ReadonlySet<Role> = new Set<Role>(['ministry_analyst', 'market_officer', 'platform_operator']);

/** True when personal identifiers must be masked for this actor. */
export function masksPersonalData(actor: Actor): boolean {
  return MASKED_ROLES.has(actor.role);
}
