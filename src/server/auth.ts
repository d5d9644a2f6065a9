/**
 * The auth hook: every `/api` route not declared `config: { public: true }` needs a session
 * cookie (`zhili_session`) or `Authorization: Bearer TOKEN`; it sets `req.actor`. Cookie-
 * authenticated requests that change anything (any method but GET/HEAD/OPTIONS) need header
 * `x-csrf-token` equal to the session's token (403 otherwise). Bearer tokens need no CSRF token:
 * a browser never sends them by itself.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorForToken } from '../auth/users.ts';
import { resolveSession } from '../auth/sessions.ts';
import { httpErr } from '../errors.ts';
import type { Db } from '../store/db.ts';

export const SESSION_COOKIE = 'zhili_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Whether the request reached us over HTTPS (directly, or via a trusted proxy). */
export function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/** Set the session cookie (HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS). */
export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string): void {
  reply.setCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', path: '/', secure: isHttps(req) });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', path: '/', secure: isHttps(req) });
}

/** Register the hook (runs before body parsing and validation: 401 comes before 400). */
export function installAuthHook(app: FastifyInstance, db: Db): void {
  app.addHook('onRequest', async (req) => {
    req.actor = null as never;
    req.authKind = null;
    req.sessionHash = null;
    req.csrfToken = null;
    if (!req.url.startsWith('/api/') && req.url !== '/api') return;
    if (req.routeOptions.config?.public) return;
    const auth = req.headers.authorization;
    if (auth && /^Bearer\s+/i.test(auth)) {
      const actor = await actorForToken(db, auth.replace(/^Bearer\s+/i, '').trim());
      if (!actor) throw httpErr(401, 'auth.required', '令牌无效或已撤销，请重新登录');
      req.actor = actor;
      req.authKind = 'token';
      return;
    }
    const sid = req.cookies?.[SESSION_COOKIE];
    if (!sid) throw httpErr(401, 'auth.required', '请先登录');
    const s = await resolveSession(db, sid);
    if (!s) throw httpErr(401, 'auth.required', '登录已过期，请重新登录');
    if (!SAFE.has(req.method)) {
      const h = req.headers['x-csrf-token'];
      if (typeof h !== 'string' || !sameSecret(h, s.csrf_token)) throw httpErr(403, 'auth.csrf', '缺少或错误的 CSRF 令牌（x-csrf-token）');
    }
    req.actor = s.actor;
    req.authKind = 'session';
    req.sessionHash = s.idHash;
    req.csrfToken = s.csrf_token;
  });
}
