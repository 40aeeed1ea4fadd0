import {
  DEFAULT_DEADLINE_POLICY,
  deadlineFor,
  deadlinePolicy,
  escalationStops,
  escalationTarget,
  isOverdue,
  ratingWindowLapsed,
} from '../../src/domain/deadline-policy.js';
import { CATEGORY_IDS } from '../../src/domain/categories.js';
import type { GridLevel } from '../../src/domain/grid-levels.js';
import { INCIDENT_STATES } from '../../src/domain/incident-transitions.js';

const t0 = new Date('2026-11-22T08:00:00Z');
const hoursAfter = (h: number): Date => new Date(t0.getTime() + h * 3_600_000);

describe('deadline policy', () => {
  it.each([
    [{ category: 'sanitation', urgent: false }, 72],
    [{ category: 'sanitation', urgent: true }, 2],
    [{ category: 'safety_hazard', urgent: false }, 24],
    [{ category: 'safety_hazard', urgent: true }, 2],
    [{ category: 'dispute', urgent: false }, 72],
    [{ category: 'dispute', urgent: false, colour: 'red' }, 2],
    [{ category: 'dispute', urgent: false, colour: 'yellow' }, 168],
    [{ category: 'dispute', urgent: true, colour: 'yellow' }, 2],
    [{ category: 'dispute', urgent: false, colour: 'blue' }, 72],
    [{ category: 'dispute', urgent: true, colour: 'blue' }, 2],
    // A colour on a non-dispute is ignored.
    [{ category: 'facility', urgent: false, colour: 'red' }, 72],
  ] as const)('%j is due %i h after the report', (input, hours) => {
    expect(deadlineFor(input, t0)).toEqual(hoursAfter(hours));
  });

  it('lets the colour row, not the dispute row, time a coloured dispute', () => {
    const policy = deadlinePolicy({ categories: { dispute: { normal: 240 } } });
    expect(deadlineFor({ category: 'dispute', colour: 'yellow' }, t0, policy)).toEqual(hoursAfter(168));
    expect(deadlineFor({ category: 'dispute' }, t0, policy)).toEqual(hoursAfter(240));
  });

  it('covers every category with a default', () => {
    for (const id of CATEGORY_IDS) expect(DEFAULT_DEADLINE_POLICY.categories[id].urgent).toBe(2);
  });

  it('takes a partial override and keeps every other default', () => {
    const policy = deadlinePolicy({ categories: { sanitation: { normal: 48 } }, disputeColours: { red: 1 } });
    expect(deadlineFor({ category: 'sanitation' }, t0, policy)).toEqual(hoursAfter(48));
    expect(deadlineFor({ category: 'sanitation', urgent: true }, t0, policy)).toEqual(hoursAfter(2));
    expect(deadlineFor({ category: 'dispute', colour: 'red' }, t0, policy)).toEqual(hoursAfter(1));
    expect(deadlineFor({ category: 'safety_hazard' }, t0, policy)).toEqual(hoursAfter(24));
    expect(policy.ratingWindowHours).toBe(72);
  });

  it.each([
    ['供电', {}, false, 24],
    ['派出所', {}, false, 24],
    ['城管', {}, false, 72],
    ['供电', {}, true, 2],
    ['城管', { departments: { 城管: 48 } }, false, 48],
    ['供电', { departments: { 供电: 12 } }, false, 12],
  ] as const)('gives work dispatched to %s (override %j, urgent %s) its own %i hours', (department, override, urgent, expected) => {
    expect(deadlineFor({ category: 'other', urgent, department }, t0, deadlinePolicy(override))).toEqual(hoursAfter(expected));
  });

  it('refuses nonsense in an override', () => {
    const bad = [
      { departments: { 城管: 0 } },
      { categories: { sanitation: { normal: 0 } } },
      { categories: { sanitation: { urgent: Number.NaN } } },
      { disputeColours: { blue: -1 } },
      { categories: { weather: { normal: 1 } } },
      { disputeColours: { green: 1 } },
    ] as Parameters<typeof deadlinePolicy>[0][];
    for (const override of bad) expect(() => deadlinePolicy(override)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('overdue', () => {
  const deadline = hoursAfter(2);

  it('is overdue only after the deadline has passed', () => {
    expect(isOverdue(deadline, hoursAfter(1), 'dispatched')).toBe(false);
    expect(isOverdue(deadline, deadline, 'dispatched')).toBe(false);
    expect(isOverdue(deadline, new Date(deadline.getTime() + 1), 'dispatched')).toBe(true);
    expect(isOverdue(null, hoursAfter(100), 'reported')).toBe(false);
  });

  it('only open incidents can be overdue', () => {
    const late = hoursAfter(3);
    const overdue = INCIDENT_STATES.filter((s) => isOverdue(deadline, late, s));
    expect(overdue).toEqual(['reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'returned']);
  });

  it('lets a verified incident close unrated once the rating window lapses', () => {
    expect(ratingWindowLapsed(t0, hoursAfter(71))).toBe(false);
    expect(ratingWindowLapsed(t0, hoursAfter(72))).toBe(true);
  });
});

describe('escalation target', () => {
  const chain = (...levels: GridLevel[]) => levels.map((level, i) => ({ id: i + 1, level }));
  const xihanggang = chain('street', 'block', 'community', 'micro_grid');

  it('goes from a micro-grid to its community, then its street, then stops', () => {
    expect(escalationTarget(xihanggang, 0)).toEqual({ id: 3, level: 'community' });
    expect(escalationTarget(xihanggang, 1)).toEqual({ id: 1, level: 'street' });
    expect(escalationTarget(xihanggang, 2)).toBeNull();
  });

  it('goes from a unit under a micro-grid to the community, not the micro-grid', () => {
    expect(escalationStops(chain('city', 'district', 'street', 'community', 'grid', 'micro_grid', 'unit')).map((g) => g.level)).toEqual(['community', 'street']);
  });

  it('skips a missing community: Zhuzhou grids go straight to the street', () => {
    const zhuzhou = chain('city', 'district', 'street', 'grid');
    expect(escalationTarget(zhuzhou, 0)).toEqual({ id: 3, level: 'street' });
    expect(escalationTarget(zhuzhou, 1)).toBeNull();
  });

  it('a community escalates to its street; a street keeps hard matters', () => {
    expect(escalationStops(chain('street', 'block', 'community')).map((g) => g.level)).toEqual(['street']);
    expect(escalationTarget(chain('district', 'street'), 0)).toBeNull();
  });

  it('falls back to the parent once in a tree without communities and streets', () => {
    expect(escalationStops(chain('city', 'district', 'grid'))).toEqual([{ id: 2, level: 'district' }]);
  });

  it('is null when nothing is above', () => {
    expect(escalationTarget(chain('micro_grid'), 0)).toBeNull();
    expect(escalationTarget([], 0)).toBeNull();
    expect(() => escalationTarget(xihanggang, -1)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
