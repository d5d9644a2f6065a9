/**
 * Who is acting. Every service takes an explicit actor (API: the logged-in user or token;
 * CLI: the operator), so authorization is never bypassed (ARCHITECTURE.md).
 * Roles and scopes: WORKFLOW.md "Jurisdiction and roles".
 */
export const ROLES = [
  'ministry_analyst',
  'province_admin',
  'city_inspector',
  'market_officer',
  'discipline_liaison',
  'platform_operator',
] as const;
export type Role = (typeof ROLES)[number];

/** Chinese role names for the console and messages. */
export const ROLE_ZH: Record<Role, string> = {
  ministry_analyst: '部级分析员',
  province_admin: '省级管理员',
  city_inspector: '市级检查员',
  market_officer: '市场监管执法人员',
  discipline_liaison: '纪检监察联络员',
  platform_operator: '平台运营人员',
};

export interface Actor {
  /** Login name; `system` for the scheduler, `cli:<os user>` style for the server-side CLI operator. */
  username: string;
  role: Role;
  /** '00' = all regions (ministry); 2 digits = a province; 4 digits = a city; 6 = a county. */
  region_code: string;
  /** The platform a platform_operator speaks for (e.g. 淘宝); null otherwise. */
  platform: string | null;
}

/** The clock/scheduler acting on deadlines (overdue, proposed escalation). Sees everything. */
export const SYSTEM_ACTOR: Actor = { username: 'system', role: 'ministry_analyst', region_code: '00', platform: null };

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/**
 * The operator of the local CLI (`zhili user …`, `zhili audit …`): whoever can run the CLI on
 * the server's machine holds the store's files or database credentials, so it acts nationally.
 * Its audit entries name `cli`.
 */
export const CLI_ACTOR: Actor = { username: 'cli', role: 'ministry_analyst', region_code: '00', platform: null };
