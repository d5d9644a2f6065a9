/**
 * Types shared by the server and its route modules (contract: src/server/README.md).
 */
import type { Actor } from '../auth/actor.ts';
import type { Db } from '../store/db.ts';

/** Options every route module receives. */
export interface RouteOptions {
  db: Db;
}

/** How the request was authenticated (CSRF applies to sessions only). */
export type AuthKind = 'session' | 'token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user or token holder; null on public routes. */
    actor: Actor;
    /** 'session' (cookie), 'token' (Bearer) or null on public routes. */
    authKind: AuthKind | null;
    /** The session id hash when authenticated by cookie (logout). */
    sessionHash: string | null;
    /** The session's CSRF token when authenticated by cookie (`/api/auth/me` returns it). */
    csrfToken: string | null;
  }
  interface FastifyContextConfig {
    /** No login needed (health, login, certificate verification …). */
    public?: boolean;
  }
}
