/**
 * Users and API tokens (API.md "Identity"). Every change writes an audit entry in the same
 * transaction. Validation of role, region and platform follows WORKFLOW.md's role table:
 * ministry '00'; province admin a 2-digit province; city inspector a 4-digit city; market officer
 * and discipline liaison a 2-, 4- or 6-digit region; platform operator any region and a platform.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/index.ts';
import { localTimestamp } from '../clock.ts';
import { httpErr, invalid, notFound } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { type Actor, isRole, type Role, ROLE_ZH } from './actor.ts';
import { checkPasswordPolicy, hashPassword } from './password.ts';

export interface UserRow {
  user_id: string;
  username: string;
  role: Role;
  region_code: string;
  platform: string | null;
  password_hash: string;
  disabled: boolean;
  failed_count: number;
  locked_at: string | null;
  created_at: string;
}

/** The public view of a user (API.md login answer). */
export interface UserView {
  username: string;
  role: Role;
  region_code: string;
  platform: string | null;
}

export function userView(u: Pick<UserRow, 'username' | 'role' | 'region_code' | 'platform'>): UserView {
  return { username: u.username, role: u.role, region_code: u.region_code, platform: u.platform ?? null };
}

export function actorOf(u: Pick<UserRow, 'username' | 'role' | 'region_code' | 'platform'>): Actor {
  return userView(u);
}

/** SHA-256 hex of a secret (session ids and API tokens are stored only so). */
export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

const USERNAME_RE = /^[A-Za-z0-9_.\-@\u4e00-\u9fff]{2,64}$/;

/** Check role, region and platform against the role table (throws 400 naming the field). */
export function validateUserFields(role: string, region: string, platform: string | null | undefined): void {
  if (!isRole(role)) throw invalid('role', `角色应为 ${Object.keys(ROLE_ZH).join(' / ')}`);
  const ok: Record<Role, RegExp> = {
    ministry_analyst: /^00$/,
    province_admin: /^\d{2}$/,
    city_inspector: /^\d{4}$/,
    market_officer: /^(\d{2}|\d{4}|\d{6})$/,
    discipline_liaison: /^(\d{2}|\d{4}|\d{6})$/,
    platform_operator: /^(00|\d{2}|\d{4}|\d{6})$/,
  };
  const hint: Record<Role, string> = {
    ministry_analyst: '部级分析员的区域应为 00（全国）',
    province_admin: '省级管理员的区域应为 2 位省级代码',
    city_inspector: '市级检查员的区域应为 4 位地市代码',
    market_officer: '区域应为 2、4 或 6 位行政区划代码',
    discipline_liaison: '区域应为 2、4 或 6 位行政区划代码',
    platform_operator: '区域应为 00 或 2、4、6 位行政区划代码',
  };
  if (!ok[role].test(region) || (role !== 'ministry_analyst' && /^0+$/.test(region))) throw invalid('region', hint[role]);
  if (role === 'platform_operator' && !platform?.trim()) throw invalid('platform', '平台运营人员须指明平台（如 淘宝）');
  if (role !== 'platform_operator' && platform) throw invalid('platform', '只有平台运营人员有所属平台');
}

export interface NewUser {
  username: string;
  role: string;
  region_code: string;
  platform?: string | null;
  password: string;
}

/** Create a user (audited `user.add`). 409 when the name is taken. */
export async function addUser(db: Db, actor: Actor, u: NewUser): Promise<UserView> {
  if (!USERNAME_RE.test(u.username)) throw invalid('username', '用户名为 2–64 个字母、数字、汉字或 _ . - @');
  validateUserFields(u.role, u.region_code, u.platform);
  checkPasswordPolicy(u.password);
  const hash = await hashPassword(u.password);
  const row = { user_id: randomUUID(), username: u.username, role: u.role as Role, region_code: u.region_code, platform: u.platform?.trim() || null };
  return db.transaction(async () => {
    const dup = await db.query('SELECT 1 FROM users WHERE username = $1', [u.username]);
    if (dup.length) throw httpErr(409, 'user.exists', `用户 ${u.username} 已存在`);
    await db.query(
      `INSERT INTO users (user_id, username, role, region_code, platform, password_hash, disabled, failed_count, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, FALSE, 0, CAST($7 AS TIMESTAMP))`,
      [row.user_id, row.username, row.role, row.region_code, row.platform, hash, localTimestamp()],
    );
    const view = userView(row);
    await appendAudit(db, { actor, action: 'user.add', target_type: 'user', target_id: u.username, region_code: u.region_code, after: view });
    return view;
  });
}

/** A user by name, or null. */
export async function findUser(db: Db, username: string): Promise<UserRow | null> {
  const r = await db.query<UserRow>(
    'SELECT user_id, username, role, region_code, platform, password_hash, disabled, failed_count, CAST(locked_at AS VARCHAR) AS locked_at, CAST(created_at AS VARCHAR) AS created_at FROM users WHERE username = $1',
    [username],
  );
  return r[0] ?? null;
}

export interface UserListItem extends UserView {
  disabled: boolean;
  locked: boolean;
  created_at: string;
  tokens: number;
}

/** All users, by name. */
export async function listUsers(db: Db): Promise<UserListItem[]> {
  const rows = await db.query<UserRow & { tokens: number }>(
    `SELECT u.username, u.role, u.region_code, u.platform, u.disabled, CAST(u.locked_at AS VARCHAR) AS locked_at, CAST(u.created_at AS VARCHAR) AS created_at,
            (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = u.user_id AND t.revoked_at IS NULL) AS tokens
     FROM users u ORDER BY u.username`,
  );
  return rows.map((r) => ({ ...userView(r), disabled: Boolean(r.disabled), locked: r.locked_at != null, created_at: String(r.created_at).slice(0, 19), tokens: Number(r.tokens) }));
}

async function mustFind(db: Db, username: string): Promise<UserRow> {
  const u = await findUser(db, username);
  if (!u) throw notFound(`用户 ${username} `);
  return u;
}

/** Disable a user: it cannot log in, its sessions end and its tokens stop working (audited). */
export async function disableUser(db: Db, actor: Actor, username: string): Promise<void> {
  await db.transaction(async () => {
    const u = await mustFind(db, username);
    await db.query('UPDATE users SET disabled = TRUE WHERE user_id = $1', [u.user_id]);
    await db.query('DELETE FROM user_sessions WHERE user_id = $1', [u.user_id]);
    await appendAudit(db, { actor, action: 'user.disable', target_type: 'user', target_id: username, region_code: u.region_code, before: { disabled: Boolean(u.disabled) }, after: { disabled: true } });
  });
}

/** Lift a lock after repeated failed logins (audited). */
export async function unlockUser(db: Db, actor: Actor, username: string): Promise<void> {
  await db.transaction(async () => {
    const u = await mustFind(db, username);
    await db.query('UPDATE users SET failed_count = 0, locked_at = NULL WHERE user_id = $1', [u.user_id]);
    await appendAudit(db, { actor, action: 'user.unlock', target_type: 'user', target_id: username, region_code: u.region_code, before: { locked: u.locked_at != null }, after: { locked: false } });
  });
}

/** A new API token for the user, returned once (only its SHA-256 is kept; audited). */
export async function createToken(db: Db, actor: Actor, username: string): Promise<string> {
  const token = `zhl_${randomBytes(32).toString('base64url')}`;
  await db.transaction(async () => {
    const u = await mustFind(db, username);
    if (u.disabled) throw httpErr(409, 'user.disabled', `用户 ${username} 已停用`);
    await db.query('INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, CAST($3 AS TIMESTAMP))', [sha256(token), u.user_id, localTimestamp()]);
    await appendAudit(db, { actor, action: 'user.token_create', target_type: 'user', target_id: username, region_code: u.region_code });
  });
  return token;
}

/** Revoke every live token of the user; returns how many (audited). */
export async function revokeTokens(db: Db, actor: Actor, username: string): Promise<number> {
  return db.transaction(async () => {
    const u = await mustFind(db, username);
    const live = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL', [u.user_id]);
    await db.query('UPDATE api_tokens SET revoked_at = CAST($2 AS TIMESTAMP) WHERE user_id = $1 AND revoked_at IS NULL', [u.user_id, localTimestamp()]);
    const n = Number(live[0]?.n ?? 0);
    await appendAudit(db, { actor, action: 'user.token_revoke', target_type: 'user', target_id: username, region_code: u.region_code, after: { revoked: n } });
    return n;
  });
}

/** The actor holding an API token, or null (unknown, revoked, or user disabled). */
export async function actorForToken(db: Db, token: string): Promise<Actor | null> {
  const r = await db.query<UserRow>(
    `SELECT u.username, u.role, u.region_code, u.platform FROM api_tokens t JOIN users u ON u.user_id = t.user_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled`,
    [sha256(token)],
  );
  return r[0] ? actorOf(r[0]) : null;
}

/** Set a new password (audited `user.password_set`; lifts a lock). */
export async function setPassword(db: Db, actor: Actor, username: string, password: string): Promise<void> {
  checkPasswordPolicy(password);
  const hash = await hashPassword(password);
  await db.transaction(async () => {
    const u = await mustFind(db, username);
    await db.query('UPDATE users SET password_hash = $2, failed_count = 0, locked_at = NULL WHERE user_id = $1', [u.user_id, hash]);
    await appendAudit(db, { actor, action: 'user.password_set', target_type: 'user', target_id: username, region_code: u.region_code });
  });
}
