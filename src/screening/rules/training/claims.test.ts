import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { insert, run, useStore } from '../../kit/testkit.ts';
import { CLAIM_RULES } from './claims.ts';

const byId = Object.fromEntries(CLAIM_RULES.map((r) => [r.id, r]));
const ATT = byId['TR-CLAIM-ATTENDANCE']!;
const AMOUNT = byId['TR-CLAIM-AMOUNT']!;
const PAYEE = byId['TR-PAYEE']!;

describe.each(ENGINES)('training claim rules on %s', (engine) => {
  const s = useStore(engine, async (db) => {
    await insert(db, 'institutions', [
      { institution_id: 'I1', name: '甲职业培训学校（有限公司）', uscc: 'X', kind: 'training', region_code: '440106', payee_account: '6222 0000 1111', payee_name: '甲职业培训学校（有限公司）' },
      { institution_id: 'I2', name: '乙', uscc: 'Y', kind: 'training', region_code: '440105' },
    ]);
    await insert(db, 'projects', [{ project_id: 'P1', name: '电工', standard_hours: 10, subsidy_per_person: 100000, catalog_from: '2020-01-01' }]);
    await insert(db, 'classes', [
      { class_id: 'C1', institution_id: 'I1', project_id: 'P1', mode: 'offline', start_date: '2023-07-01', end_date: '2023-07-20', planned_hours: 10 },
      { class_id: 'C2', institution_id: 'I2', project_id: 'P1', mode: 'online', start_date: '2023-07-01', end_date: '2023-07-20', planned_hours: 10 },
    ]);
  });

  it('TR-CLAIM-ATTENDANCE: 4 of 5 sessions (80 %) passes, 3 of 5 flags, no attendance is 0 %; online classes and rejected claims skipped', async () => {
    await insert(s.db, 'sessions', [1, 2, 3, 4, 5].map((n) => ({ session_id: `S${n}`, class_id: 'C1', starts_at: `2023-07-0${n} 09:00:00`, ends_at: `2023-07-0${n} 11:00:00` })));
    const att = (id: string, n: number) => Array.from({ length: n }, (_, k) => ({ session_id: `S${k + 1}`, id_number: id, checked_at: '2023-07-01 08:55:00' }));
    await insert(s.db, 'attendance', [...att('A', 4), ...att('B', 3)]);
    await insert(s.db, 'claims', [
      { claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-25', amount: 300000 },
      { claim_id: 'K2', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-25', amount: 100000, status: 'rejected' },
      { claim_id: 'K3', institution_id: 'I2', class_id: 'C2', submitted_on: '2023-07-25', amount: 100000 },
    ]);
    await insert(s.db, 'claim_items', [
      { claim_id: 'K1', id_number: 'A', amount: 100000 },
      { claim_id: 'K1', id_number: 'B', amount: 100000 },
      { claim_id: 'K1', id_number: 'Z', amount: 100000 },
      { claim_id: 'K2', id_number: 'Y', amount: 100000 },
      { claim_id: 'K3', id_number: 'X', amount: 100000 },
    ]);
    const f = await run(s.db, ATT);
    expect(f.map((x) => x.subject.id)).toEqual(['K1']);
    expect((f[0]!.evidence.rows as { id_number: string; attended: number; rate: number }[]).map((r) => [r.id_number, r.attended, r.rate])).toEqual([
      ['Z', 0, 0],
      ['B', 3, 0.6],
    ]);
    expect(f[0]!.summary).toContain('3 名人员中有 2 人出勤率低于 80%');
    expect(f[0]!.summary).toContain('2,000.00元');
    expect(f[0]!.institution_id).toBe('I1');
    expect((await run(s.db, ATT, { min_rate: 0.81 })).map((x) => (x.evidence.rows as unknown[]).length)).toEqual([3]);
  });

  it('TR-CLAIM-ATTENDANCE: everyone claimed for an offline or blended class without any session row attended 0 % (ghost class); online not judged', async () => {
    await insert(s.db, 'classes', [
      { class_id: 'G1', institution_id: 'I1', project_id: 'P1', mode: 'blended', start_date: '2023-07-01', end_date: '2023-07-20', planned_hours: 10 },
      { class_id: 'G2', institution_id: 'I2', project_id: 'P1', mode: 'online', start_date: '2023-07-01', end_date: '2023-07-20', planned_hours: 10 },
    ]);
    await insert(s.db, 'claims', [
      { claim_id: 'K1', institution_id: 'I1', class_id: 'G1', submitted_on: '2023-07-25', amount: 200000 },
      { claim_id: 'K2', institution_id: 'I2', class_id: 'G2', submitted_on: '2023-07-25', amount: 100000 },
      { claim_id: 'K3', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-25', amount: 100000 }, // offline C1 has no sessions either
      { claim_id: 'K4', institution_id: 'I1', class_id: 'G1', submitted_on: '2023-07-25', amount: 100000, status: 'rejected' },
    ]);
    await insert(s.db, 'claim_items', [
      { claim_id: 'K1', id_number: 'A', amount: 100000 },
      { claim_id: 'K1', id_number: 'B', amount: 100000 },
      { claim_id: 'K2', id_number: 'X', amount: 100000 },
      { claim_id: 'K3', id_number: 'Y', amount: 100000 },
      { claim_id: 'K4', id_number: 'Z', amount: 100000 },
    ]);
    const f = await run(s.db, ATT);
    expect(f.map((x) => x.subject.id)).toEqual(['K1', 'K3']);
    expect(f[0]!.evidence).toMatchObject({ items: 2, low_items: 2, low_amount_fen: 200000 });
    expect((f[0]!.evidence.rows as { rate: number; sessions: number }[]).map((r) => [r.rate, r.sessions])).toEqual([[0, 0], [0, 0]]);
    expect(f[0]!.summary).toContain('该班没有任何课次记录，出勤率按 0 计');
    expect(f[0]!.score).toBe(1);
  });

  it('TR-CLAIM-AMOUNT: each sub-condition at and past its edge', async () => {
    await insert(s.db, 'claims', [
      // clean: 2 items × 1000 元, submitted on the end date
      { claim_id: 'K0', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-20', amount: 200000 },
      // over standard by 1 fen, items match the amount
      { claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-21', amount: 200001 },
      // item mismatch (under the standard), submitted a day early
      { claim_id: 'K2', institution_id: 'I2', class_id: 'C2', submitted_on: '2023-07-19', amount: 150000 },
      // second claim for a person of K0; rejected duplicate K4 is ignored
      { claim_id: 'K3', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-08-01', amount: 100000 },
      { claim_id: 'K4', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-08-02', amount: 100000, status: 'rejected' },
    ]);
    await insert(s.db, 'claim_items', [
      { claim_id: 'K0', id_number: 'A', amount: 100000 },
      { claim_id: 'K0', id_number: 'B', amount: 100000 },
      { claim_id: 'K1', id_number: 'C', amount: 100001 },
      { claim_id: 'K1', id_number: 'D', amount: 100000 },
      { claim_id: 'K2', id_number: 'E', amount: 100000 },
      { claim_id: 'K2', id_number: 'F', amount: 40000 },
      { claim_id: 'K3', id_number: 'B', amount: 100000 },
      { claim_id: 'K4', id_number: 'A', amount: 100000 },
    ]);
    const f = await run(s.db, AMOUNT);
    expect(f.map((x) => [x.subject.id, x.evidence.flags])).toEqual([
      ['K1', ['over_standard']],
      ['K2', ['item_mismatch', 'before_end']],
      ['K3', ['duplicate']],
    ]);
    expect(f[0]!.summary).toContain('申领金额 2,000.01元 超过补贴标准 1,000.00元×2人=2,000.00元');
    expect(f[1]!.summary).toContain('明细合计 1,400.00元 与申领金额 1,500.00元 不符');
    expect(f[1]!.summary).toContain('于 2023-07-19 提交，早于结业日期 2023-07-20');
    expect(f[2]!.evidence.duplicates).toEqual([{ id_number: 'B', earlier_claim_id: 'K0' }]);
    expect(f[2]!.related).toContainEqual({ type: 'claim', id: 'K0' });
  });

  it('TR-PAYEE: spacing and full-width brackets are the same payee; another account or name flags; unknown institution payee is not judged', async () => {
    await insert(s.db, 'claims', [
      { claim_id: 'K1', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-21', amount: 100000 },
      { claim_id: 'K2', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-21', amount: 100000 },
      { claim_id: 'K3', institution_id: 'I1', class_id: 'C1', submitted_on: '2023-07-21', amount: 100000 },
      { claim_id: 'K4', institution_id: 'I2', class_id: 'C2', submitted_on: '2023-07-21', amount: 100000 },
    ]);
    await insert(s.db, 'payments', [
      { payment_id: 'M1', claim_id: 'K1', paid_on: '2023-08-01', amount: 100000, payee_account: '622200001111', payee_name: '甲职业培训学校(有限公司)' },
      { payment_id: 'M2', claim_id: 'K2', paid_on: '2023-08-01', amount: 60000, payee_account: '622200002222', payee_name: '甲职业培训学校（有限公司）' },
      { payment_id: 'M3', claim_id: 'K2', paid_on: '2023-08-02', amount: 40000, payee_account: '622200001111', payee_name: '甲职业培训学校（有限公司）' },
      { payment_id: 'M4', claim_id: 'K3', paid_on: '2023-08-01', amount: 100000, payee_account: '622200001111', payee_name: '张三' },
      { payment_id: 'M5', claim_id: 'K4', paid_on: '2023-08-01', amount: 100000, payee_account: '1', payee_name: '李四' },
    ]);
    const f = await run(s.db, PAYEE);
    expect(f.map((x) => x.subject.id)).toEqual(['K2', 'K3']);
    expect(f[0]!.summary).toContain('1 笔拨付（600.00元，2023-08-01 起）收款账号与机构 I1 登记的不一致');
    expect(f[0]!.evidence.rows).toEqual([expect.objectContaining({ payment_id: 'M2', account_differs: true, name_differs: false })]);
    expect(f[1]!.summary).toContain('收款户名为“张三”');
  });
});
