import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../../store/testing.ts';
import { PEOPLE, insertEvents, useOnlineStore, type Ev } from './testkit.ts';

describe.each(ENGINES)('ON-DEVICE-FARM on %s', (engine) => {
  const store = useOnlineStore(engine);
  const { run } = store;

  it('ON-DEVICE-FARM: 5 people on one device in one day is flagged, 4 is not, midnight splits days', async () => {
    const evs: Ev[] = [];
    PEOPLE.slice(0, 5).forEach((p, i) => evs.push({ p, c: 'C1', at: `2023-08-01 1${i}:00:00`, type: 'login', dev: 'FARM', ip: '10.0.0.1' }));
    PEOPLE.slice(0, 4).forEach((p, i) => evs.push({ p, c: 'C2', at: `2023-08-01 1${i}:00:00`, type: 'login', dev: 'HOME', ip: null }));
    // 3 on Aug 1 (one at 23:59:59), 2 on Aug 2 → never 5 on one day.
    PEOPLE.slice(0, 5).forEach((p, i) =>
      evs.push({ p, c: 'C2', at: i < 3 ? `2023-08-01 23:59:5${i}` : `2023-08-02 00:00:0${i}`, type: 'login', dev: 'EDGE', ip: null }),
    );
    await insertEvents(store.db, evs);
    let f = await run('ON-DEVICE-FARM');
    expect(f.map((x) => x.subject.id)).toEqual(['10.0.0.1', 'FARM']);
    const farm = f[1];
    expect(farm.subject.type).toBe('device');
    expect(farm.evidence).toMatchObject({ kind: 'device_id', max_people_per_day: 5, days: ['2023-08-01'] });
    expect(farm.institution_id).toBe('I1');
    expect(farm.summary).toContain('5 名不同学员');
    f = await run('ON-DEVICE-FARM', { min_people_per_day: 4 });
    expect(f.map((x) => x.subject.id)).toEqual(['10.0.0.1', 'FARM', 'HOME']);
  });
});
