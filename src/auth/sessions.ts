/**
 * Login, sessions and throttling (API.md "Identity").
 *
 * - Wrong password, unknown user and disabled user all answer 401 `auth.invalid` with the same
 *   message (and the same argon2 work), so the answer never reveals whether a name exists.
 * - Throttling: more than ZHILI_LOGIN_USER_LIMIT failures for a username, or
 *   ZHILI_LOGIN_ADDR_LIMIT failures from one address, within the last minute → 429
 *   `auth.throttled` without checking the password.
 * - Lock: 10 failures in a row lock the name: 401 `auth.locked` ("账户已锁定") even with the right
 *   password, until `zhili user unlock`. Unknown names lock the same way (counted in
 *   login_attempts), so the lock does not reveal existence either.
 * - Sessions: a random 256-bit id in the HttpOnly cookie, stored as SHA-256; a CSRF token per
 *   session; 8 hours idle (by src/clock.ts) ends them.
 */
import { randomBytes } from 'node:crypto';
import { localTimestamp, nowMs } from '../clock.ts';
import { env } from '../config/env.ts';
import { httpErr } from '../errors.ts';
import type { Db } from '../store/db.ts';
import type { Actor } from './actor.ts';
import { dummyHash, verifyPassword } from './password.ts';
import { actorOf, findUser, sha256, type UserView, userView } from './users.ts';

export const SESSION_IDLE_MS = 8 * 3600_000;
export const LOCK_AFTER = 10;
const WINDOW_MS = 60_000;

const INVALID = () => httpErr(401, 'auth.invalid', '用户名或密码错误');
const LOCKED = () => httpErr(401, 'auth.locked', '登录失败次数过多，账户已锁定，请联系管理员解锁');

export interface LoginResult {
  user: UserView;
  /** The cookie value (never stored; the store keeps its SHA-256). */
  sessionId: string;
  csrf_token: string;
}

function ago(ms: number): string {
  return localTimestamp(new Date(nowMs() - ms));
}

async function recordAttempt(db: Db, username: string, address: string | null, ok: boolean): Promise<void> {
  await db.query('INSERT INTO login_attempts (attempted_at, username, address, ok) VALUES (CAST($1 AS TIMESTAMP), $2, $3, $4)', [localTimestamp(), username, address, ok]);
}

/** Check a username and password and open a session; throws 401 / 429 (see the module doc). */
export async function login(db: Db, username: string, password: string, address: string | null): Promise<LoginResult> {
  const since = ago(WINDOW_MS);
  const [byUser] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND NOT ok AND attempted_at > CAST($2 AS TIMESTAMP)', [username, since]);
  const [byAddr] = address
    ? await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM login_attempts WHERE address = $1 AND NOT ok AND attempted_at > CAST($2 AS TIMESTAMP)', [address, since])
    : [{ n: 0 }];
  if (Number(byUser?.n) >= env().ZHILI_LOGIN_USER_LIMIT || Number(byAddr?.n) >= env().ZHILI_LOGIN_ADDR_LIMIT) {
    throw httpErr(429, 'auth.throttled', '登录失败次数过多，请稍后再试');
  }
  const u = await findUser(db, username);
  if (u ? u.locked_at != null : await unknownLocked(db, username)) throw LOCKED();

  const ok = await verifyPassword(u?.password_hash ?? (await dummyHash()), password);
  if (!u || !ok || u.disabled) {
    await db.transaction(async () => {
      await recordAttempt(db, username, address, false);
      if (u) {
        const n = Number(u.failed_count) + 1;
        await db.query(`UPDATE users SET failed_count = $2, locked_at = ${n >= LOCK_AFTER ? 'CAST($3 AS TIMESTAMP)' : 'locked_at'} WHERE user_id = $1`, n >= LOCK_AFTER ? [u.user_id, n, localTimestamp()] : [u.user_id, n]);
      }
    });
    throw INVALID();
  }
  const sessionId = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db.transaction(async () => {
    await recordAttempt(db, username, address, true);
    await db.query('UPDATE users SET failed_count = 0 WHERE user_id = $1', [u.user_id]);
    await db.query(
      'INSERT INTO user_sessions (id_hash, user_id, csrf_token, created_at, last_seen, address) VALUES ($1, $2, $3, CAST($4 AS TIMESTAMP), CAST($4 AS TIMESTAMP), $5)',
      [sha256(sessionId), u.user_id, csrf, localTimestamp(), address],
    );
  });
  return { user: userView(u), sessionId, csrf_token: csrf };
}

async function unknownLocked(db: Db, username: string): Promise<boolean> {
  const [r] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM login_attempts WHERE username = $1 AND NOT ok', [username]);
  return Number(r?.n) >= LOCK_AFTER;
}

export interface SessionInfo {
  actor: Actor;
  csrf_token: string;
  idHash: string;
}

/**
 * The session of a cookie value, or null when unknown, idle for 8 hours or more (then removed),
 * or its user is disabled. Touches last_seen.
 */
export async function resolveSession(db: Db, sessionId: string): Promise<SessionInfo | null> {
  const idHash = sha256(sessionId);
  const [r] = await db.query<{ username: string; role: string; region_code: string; platform: string | null; disabled: boolean; csrf_token: string; last_seen: string }>(
    `SELECT u.username, u.role, u.region_code, u.platform, u.disabled, s.csrf_token, CAST(s.last_seen AS VARCHAR) AS last_seen
     FROM user_sessions s JOIN users u ON u.user_id = s.user_id WHERE s.id_hash = $1`,
    [idHash],
  );
  if (!r || r.disabled) return null;
  if (String(r.last_seen).slice(0, 19) <= ago(SESSION_IDLE_MS)) {
    await db.query('DELETE FROM user_sessions WHERE id_hash = $1', [idHash]);
    return null;
  }
  // Touch at most once a minute: most requests then read only.
  if (String(r.last_seen).slice(0, 19) < ago(60_000)) {
    await db.query('UPDATE user_sessions SET last_seen = CAST($2 AS TIMESTAMP) WHERE id_hash = $1', [idHash, localTimestamp()]);
  }
  return { actor: actorOf(r as never), csrf_token: r.csrf_token, idHash };
}

/** End a session. */
export async function logout(db: Db, idHash: string): Promise<void> {
  await db.query('DELETE FROM user_sessions WHERE id_hash = $1', [idHash]);
}
