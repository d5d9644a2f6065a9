/**
 * Login, logout and the current user (API.md "Identity").
 */
import type { FastifyInstance } from 'fastify';
import { login, logout } from '../../auth/sessions.ts';
import { clearSessionCookie, setSessionCookie } from '../auth.ts';
import { errorResponses } from '../schemas.ts';
import type { RouteOptions } from '../types.ts';

const user = {
  type: 'object',
  properties: { username: { type: 'string' }, role: { type: 'string' }, region_code: { type: 'string' }, platform: { type: ['string', 'null'] } },
  required: ['username', 'role', 'region_code', 'platform'],
} as const;
const me = { type: 'object', properties: { user, csrf_token: { type: ['string', 'null'] } }, required: ['user'] } as const;

export default async function routes(app: FastifyInstance, opts: RouteOptions): Promise<void> {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: '登录（设置会话 Cookie zhili_session）',
        security: [],
        body: {
          type: 'object',
          properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
          required: ['username', 'password'],
          additionalProperties: false,
        },
        response: { 200: me, ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await login(opts.db, req.body.username, req.body.password, req.ip ?? null);
      setSessionCookie(req, reply, r.sessionId);
      return { user: r.user, csrf_token: r.csrf_token };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: '退出登录', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, ...errorResponses } } }, async (req, reply) => {
    if (req.sessionHash) await logout(opts.db, req.sessionHash);
    clearSessionCookie(req, reply);
    return { ok: true };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: '当前用户', response: { 200: me, ...errorResponses } } }, async (req) => ({
    user: { username: req.actor.username, role: req.actor.role, region_code: req.actor.region_code, platform: req.actor.platform },
    csrf_token: req.csrfToken,
  }));
}
