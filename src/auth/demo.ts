/**
 * Demo accounts (`zhili demo`): one user per role for the demo province, each with a fresh
 * random password (crypto.randomBytes) printed once. Running the demo again gives the existing
 * demo users new passwords. Never fixed strings: the store could be exposed beyond the demo.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../store/db.ts';
import { CLI_ACTOR, type Role } from './actor.ts';
import { addUser, findUser, setPassword } from './users.ts';

export interface DemoAccount {
  username: string;
  role: Role;
  region_code: string;
  platform: string | null;
  password: string;
}

/** The province (2 digits) and city (4 digits) most institutions of the store lie in. */
async function demoRegion(db: Db): Promise<{ province: string; city: string }> {
  const [p] = await db.query<{ p: string }>(
    `SELECT substr(region_code, 1, 2) AS p FROM institutions WHERE region_code IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1`,
  );
  const province = p?.p ?? '44';
  const [c] = await db.query<{ c: string }>(
    `SELECT substr(region_code, 1, 4) AS c FROM institutions WHERE substr(region_code, 1, 2) = $1 GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1`,
    [province],
  );
  return { province, city: c?.c ?? `${province}01` };
}

/** Create (or re-key) one demo user per role; returns the accounts with their passwords. */
export async function createDemoUsers(db: Db, region?: { province: string; city: string }): Promise<DemoAccount[]> {
  const { province, city } = region ?? (await demoRegion(db));
  const plan: Omit<DemoAccount, 'password'>[] = [
    { username: 'demo_ministry', role: 'ministry_analyst', region_code: '00', platform: null },
    { username: 'demo_province', role: 'province_admin', region_code: province, platform: null },
    { username: 'demo_province2', role: 'province_admin', region_code: province, platform: null },
    { username: 'demo_city', role: 'city_inspector', region_code: city, platform: null },
    { username: 'demo_market', role: 'market_officer', region_code: city, platform: null },
    { username: 'demo_discipline', role: 'discipline_liaison', region_code: province, platform: null },
    { username: 'demo_platform', role: 'platform_operator', region_code: '00', platform: '淘宝' },
  ];
  const out: DemoAccount[] = [];
  for (const p of plan) {
    const password = randomBytes(12).toString('base64url');
    if (await findUser(db, p.username)) await setPassword(db, CLI_ACTOR, p.username, password);
    else await addUser(db, CLI_ACTOR, { ...p, password });
    out.push({ ...p, password });
  }
  return out;
}
