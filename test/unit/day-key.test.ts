import { dayKey, dayRange } from '../../src/domain/day-key.js';

describe('day keys', () => {
  it('2026-11-22T16:30Z is already 20261123 in Asia/Shanghai', () => {
    const instant = new Date('2026-11-22T16:30:00Z');
    expect(dayKey(instant, 'Asia/Shanghai')).toBe('20261123');
    expect(dayKey(instant, 'UTC')).toBe('20261122');
  });

  it('the last instant before local midnight stays on its day', () => {
    expect(dayKey(new Date('2026-11-22T15:59:59.999Z'), 'Asia/Shanghai')).toBe('20261122');
    expect(dayKey(new Date('2026-11-22T16:00:00Z'), 'Asia/Shanghai')).toBe('20261123');
  });

  it('answers from the remembered day only inside that day, in either direction of time', () => {
    const hours = [0, 15, 16, 15.99, 40, 16, -5, 23.5, 8, 24 * 200 + 3].map((h) => new Date(Date.UTC(2026, 10, 22) + h * 3_600_000));
    for (const zone of ['Asia/Shanghai', 'America/New_York', 'UTC']) {
      for (const instant of hours) {
        const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
        expect([instant.toISOString(), zone, dayKey(instant, zone)]).toEqual([instant.toISOString(), zone, parts.replaceAll('-', '')]);
      }
    }
  });

  it('gives a day its local midnights, half-open', () => {
    const { from, to } = dayRange('20261123', 'Asia/Shanghai');
    expect(from.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('round-trips: every instant of a range has that day key', () => {
    const { from, to } = dayRange('20261231', 'Asia/Shanghai');
    expect(dayKey(from, 'Asia/Shanghai')).toBe('20261231');
    expect(dayKey(new Date(to.getTime() - 1), 'Asia/Shanghai')).toBe('20261231');
    expect(dayKey(to, 'Asia/Shanghai')).toBe('20270101');
  });

  it('a daylight-saving day is 23 hours long where the zone has one', () => {
    const { from, to } = dayRange('20260308', 'America/New_York');
    expect((to.getTime() - from.getTime()) / 3_600_000).toBe(23);
  });

  it('refuses bad days and zones', () => {
    for (const day of ['2026-11-23', '20261131', '2026112']) {
      expect(() => dayRange(day, 'Asia/Shanghai')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
    expect(() => dayKey(new Date(0), 'Mars/Olympus')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => dayKey(new Date(Number.NaN), 'UTC')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
