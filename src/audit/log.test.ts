import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import { ENGINES, freshStore, type TestStore } from '../store/testing.ts';
import { appendAudit, canonicalJson, listAudit, verifyAudit } from './log.ts';

describe.each(ENGINES)('audit chain on %s', (engine) => {
  let s: TestStore;
  beforeAll(async () => {
    s = await freshStore(engine);
  });
  afterAll(async () => s?.drop());

  async function fill(n: number) {
    await s.db.exec('DELETE FROM audit_log');
    for (let i = 0; i < n; i++) {
      await s.db.transaction(() =>
        appendAudit(s.db, { actor: SYSTEM_ACTOR, action: 'case.transition', target_type: 'case', target_id: `K${i}`, region_code: '440106', before: { state: 'open' }, after: { state: 'investigating', i } }),
      );
    }
  }

  it('verifies an intact chain and lists entries', async () => {
    await fill(5);
    expect(await verifyAudit(s.db)).toEqual({ ok: true, entries: 5 });
    const l = await listAudit(s.db, { target_type: 'case', target_id: 'K3' });
    expect(l).toHaveLength(1);
    expect(l[0]!.after).toEqual({ i: 3, state: 'investigating' });
  });

  it('names the first edited entry', async () => {
    await fill(5);
    await s.db.exec(`UPDATE audit_log SET after_json = '{"state":"closed"}' WHERE seq = 3`);
    const r = await verifyAudit(s.db);
    expect(r).toMatchObject({ ok: false, seq: 3 });
  });

  it('detects a deletion and an insertion', async () => {
    await fill(5);
    await s.db.exec('DELETE FROM audit_log WHERE seq = 2');
    expect(await verifyAudit(s.db)).toMatchObject({ ok: false, seq: 2 });
    await fill(5);
    await s.db.exec(`UPDATE audit_log SET seq = seq + 1 WHERE seq >= 4`.replace('seq + 1', 'seq + 100'));
    await s.db.exec(`UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100`);
    await s.db.exec(`INSERT INTO audit_log SELECT 4, logged_at, actor, actor_role, action, target_type, 'FORGED', region_code, before_json, after_json, prev_hash, hash FROM audit_log WHERE seq = 3`);
    expect(await verifyAudit(s.db)).toMatchObject({ ok: false, seq: 4 });
  });

  it('detects a deleted last entry only through its successor — the tail is checked by count', async () => {
    await fill(3);
    await s.db.exec('DELETE FROM audit_log WHERE seq = 1');
    expect(await verifyAudit(s.db)).toMatchObject({ ok: false, seq: 1 });
  });
});

describe('canonicalJson', () => {
  it('sorts keys', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });
});
