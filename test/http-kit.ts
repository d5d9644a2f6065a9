/**
 * Shared pieces of the HTTP tests: users with bearer tokens, the real server on a free port, and a
 * JSON client that calls it as one of those users.
 */
import { CLI_ACTOR, type Role } from '../src/auth/actor.ts';
import { addUser, createToken } from '../src/auth/users.ts';
import { startServer, type Running } from '../src/server/serve.ts';
import type { Db } from '../src/store/db.ts';

/** Add users (username, role, region, platform?) and return a bearer token per username. */
export async function usersWithTokens(db: Db, users: readonly (readonly [string, Role, string, (string | null)?])[], password = 'http-test-password-1'): Promise<Record<string, string>> {
  const tok: Record<string, string> = {};
  for (const [username, role, region_code, platform] of users) {
    await addUser(db, CLI_ACTOR, { username, role, region_code, platform: platform ?? null, password });
    tok[username] = await createToken(db, CLI_ACTOR, username);
  }
  return tok;
}

/** `zhili serve` in-process on 127.0.0.1 with a free port (no scheduled tasks: tests drive the clock). */
export async function serveForTest(db: Db): Promise<{ srv: Running; base: string }> {
  const srv = await startServer({ db, port: 0, logger: false, scheduled: [] });
  return { srv, base: srv.url.replace('localhost', '127.0.0.1') };
}

/** A JSON client acting as `user` (bearer token): status and parsed body. */
export function bearerClient(base: () => string, tok: Record<string, string>) {
  return async (user: string, method: string, path: string, body?: unknown) => {
    const r = await fetch(base() + path, {
      method,
      headers: { authorization: `Bearer ${tok[user]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // biome-ignore lint: test code reads arbitrary JSON
    return { status: r.status, json: (await r.json()) as Record<string, any> };
  };
}
