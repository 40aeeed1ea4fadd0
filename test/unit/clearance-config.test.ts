import { loadConfig } from '../../src/config.js';

describe('clearance configuration (CLEARANCE_*)', () => {
  it('defaults: every period, micro-grids, 17:30 / 19:30 / 20:00, Friday', () => {
    const c = loadConfig({}).clearance;
    expect(c).toMatchObject({ periods: ['daily', 'weekly', 'monthly'], levels: ['micro_grid'], rollCallAt: 1050, remindAt: 1170, deadlineAt: 1200, weeklyDay: 5 });
    expect([...c.holidays]).toEqual([]);
  });

  it('reads every variable', () => {
    const c = loadConfig({
      CLEARANCE_PERIODS: 'daily,weekly',
      CLEARANCE_LEVELS: 'micro_grid,grid',
      CLEARANCE_ROLLCALL_AT: '16:00',
      CLEARANCE_REMIND_AT: '17:00',
      CLEARANCE_DEADLINE_AT: '18:30',
      CLEARANCE_WEEKLY_DAY: '4',
      CLEARANCE_HOLIDAYS: '2026-10-01, 20261002',
      CLEARANCE_WORKDAYS: '2026-09-27',
    }).clearance;
    expect(c).toMatchObject({ periods: ['daily', 'weekly'], levels: ['micro_grid', 'grid'], rollCallAt: 960, remindAt: 1020, deadlineAt: 1110, weeklyDay: 4 });
    expect([...c.holidays]).toEqual(['20261001', '20261002']);
    expect([...c.workdays]).toEqual(['20260927']);
  });

  it.each([
    [{ CLEARANCE_DEADLINE_AT: '25:00' }, /^invalid configuration: CLEARANCE_DEADLINE_AT must be a time of day HH:MM/],
    [{ CLEARANCE_PERIODS: 'daily,yearly' }, /^invalid configuration: CLEARANCE_PERIODS must be a comma-separated subset/],
    [{ CLEARANCE_LEVELS: 'village' }, /^invalid configuration: CLEARANCE_LEVELS levels must be among/],
    [{ CLEARANCE_WEEKLY_DAY: '8' }, /^invalid configuration: CLEARANCE_WEEKLY_DAY/],
    [{ CLEARANCE_HOLIDAYS: '2026-02-30' }, /^invalid configuration: CLEARANCE_HOLIDAYS must be comma-separated days YYYY-MM-DD; bad: 2026-02-30/],
    [{ CLEARANCE_REMIND_AT: '20:30' }, /^invalid configuration: CLEARANCE_REMIND_AT roll-call \(17:30\) must come before the reminder \(20:30\)/],
  ] as Array<[Record<string, string>, RegExp]>)('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (err) {
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
  });
});
