/**
 * A server killed with SIGKILL in the middle of requests leaves no half case: every change is one
 * transaction (case row, its open-case key, timeline event, clue state, audit entry), so after a
 * restart each merged clue points at an existing case, each case has its opening event and
 * audit entry, the one-open-case keys match the open cases, and the audit chain verifies.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR } from '../src/auth/actor.ts';
import { addUser, createToken } from '../src/auth/users.ts';
import { verifyAudit } from '../src/audit/index.ts';
import { clueId, startRun, upsertScreeningClues } from '../src/clues/repository.ts';
import { insert } from '../src/screening/kit/testkit.ts';
import { openStore } from '../src/store/index.ts';
import { ENGINES, freshStore, type TestStore } from '../src/store/testing.ts';

const N = 60;

describe.each(ENGINES)('server killed mid-request on %s', (engine) => {
  let s: TestStore;
  let token = '';
  beforeAll(async () => {
    s = await freshStore(engine);
    await insert(
      s.db,
      'institutions',
      Array.from({ length: N }, (_, i) => ({ institution_id: `K${i}`, name: `广州市测试机构${i}`, uscc: `U${i}`, kind: 'training', region_code: '440106' })),
    );
    const run = await startRun(s.db);
    await upsertScreeningClues(
      s.db,
      run,
      ['TR-HOURS'],
      Array.from({ length: N }, (_, i) => ({ rule: 'TR-HOURS', subject: { type: 'class' as const, id: `C${i}` }, severity: 'high' as const, score: 0.5, region_code: '440106', institution_id: `K${i}`, summary: 'x', evidence: {}, related: [] })),
    );
    await addUser(s.db, CLI_ACTOR, { username: 'gz', role: 'city_inspector', region_code: '4401', platform: null, password: 'kill-test-password' });
    token = await createToken(s.db, CLI_ACTOR, 'gz');
    await s.db.close();
  });
  afterAll(async () => s?.drop());

  it('leaves every case whole after kill -9 and a restart', async () => {
    const args = ['bin/zhili.mjs', 'serve', '--port', '0', ...(s.target.db ? ['--db', s.target.db] : ['--database-url', s.target.databaseUrl!])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
        const m = /listening: (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
      });
      child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
      setTimeout(() => reject(new Error('server did not start')), 60_000);
    });
    const requests = Array.from({ length: N }, (_, i) =>
      fetch(`${url}/api/clues/${clueId('screening', 'TR-HOURS', 'class', `C${i}`)}/decision`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'merge', version: 1 }),
      }).then((r) => r.status, () => 0),
    );
    // Kill once some merges have answered, while others are in flight.
    let answered = 0;
    await new Promise<void>((resolve) => {
      for (const r of requests) void r.then(() => (++answered >= 5 ? resolve() : undefined));
      setTimeout(resolve, 20_000);
    });
    child.kill('SIGKILL');
    const statuses = await Promise.all(requests);
    expect(statuses.filter((c) => c === 200).length).toBeGreaterThanOrEqual(5);

    const db = await openStore(s.target);
    try {
      const merged = await db.query<{ clue_id: string; case_id: string | null }>("SELECT clue_id, case_id FROM clues WHERE state = 'merged'");
      expect(merged.length).toBeGreaterThanOrEqual(statuses.filter((c) => c === 200).length);
      const cases = await db.query<{ case_id: string; state: string }>('SELECT case_id, state FROM cases');
      const caseIds = new Set(cases.map((c) => c.case_id));
      for (const m of merged) expect(caseIds.has(m.case_id!)).toBe(true);
      expect(cases.length).toBe(merged.length); // one institution per clue here
      const opened = await db.query<{ case_id: string }>("SELECT case_id FROM case_events WHERE kind = 'opened'");
      expect(new Set(opened.map((o) => o.case_id))).toEqual(caseIds);
      const audited = await db.query<{ target_id: string }>("SELECT target_id FROM audit_log WHERE action = 'case.open'");
      expect(new Set(audited.map((a) => a.target_id))).toEqual(caseIds);
      const keys = await db.query<{ case_id: string }>('SELECT case_id FROM open_cases');
      expect(new Set(keys.map((k) => k.case_id))).toEqual(caseIds);
      expect((await verifyAudit(db)).ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});
