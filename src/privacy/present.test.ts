import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.ts';
import { presentForActor } from './present.ts';

const ministry: Actor = { username: 'm', role: 'ministry_analyst', region_code: '00', platform: null };
const province: Actor = { username: 'p', role: 'province_admin', region_code: '44', platform: null };

const person = {
  person: { id_number: '11010119900307123X', name: '张三', phone: '13812345678' },
  claims: [{ claim_id: 'C1', payee_account: '6222021234567890123', teacher_id_number: '440106198001011234' }],
  exam: { examiner_id_numbers: ['440106198001011234', '440106198101011234'], certificate_no: '123456789012345678' },
  summary: '学员 110101199003071234 于 2023-08-01 签到，电话 13912345678',
  hash: 'a'.repeat(40) + '1234567890123456',
  count: 3,
};

describe('presentForActor', () => {
  it('masks known keys by type and scrubs free text for masking roles; codes stay', () => {
    const out = presentForActor(person, ministry);
    expect(out.person).toEqual({ id_number: '110101********123X', name: '张三', phone: '138****5678' });
    expect(out.claims[0]).toEqual({ claim_id: 'C1', payee_account: '6222***********0123', teacher_id_number: '440106********1234' });
    expect(out.exam.examiner_id_numbers).toEqual(['440106********1234', '440106********1234']);
    expect(out.exam.certificate_no).toBe('123456789012345678');
    expect(out.summary).toBe('学员 110101********1234 于 2023-08-01 签到，电话 139****5678');
    expect(out.hash).toBe(person.hash);
    expect(out.count).toBe(3);
    expect(presentForActor(out, ministry)).toEqual(out); // idempotent
    expect(person.person.id_number).toBe('11010119900307123X'); // input untouched
  });

  it('leaves everything to roles that read personal data in full', () => {
    expect(presentForActor(person, province)).toBe(person);
  });
});
