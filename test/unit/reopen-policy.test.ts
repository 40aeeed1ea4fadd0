import { DomainError } from '../../src/domain/errors';
import { INCIDENT_ACTOR_ROLES } from '../../src/domain/incident-transitions';
import { DEFAULT_REOPEN_POLICY, judgeReopen, type ReopenPolicy } from '../../src/domain/reopen-policy';

const now = new Date('2026-12-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, ...err.detail };
    throw err;
  }
  throw new Error('not refused');
};

describe('the default reopen policy', () => {
  it.each([
    [0, 'reopen'],
    [1, 'reopen'],
    [2, 'escalate'],
  ] as const)('a centre reopen after %i earlier reopens does %s', (prior, outcome) => {
    expect(judgeReopen({ kind: 'reopen', role: 'commander', priorReopens: prior, closedAt: daysAgo(1), now })).toBe(outcome);
  });

  it('refuses a fourth reopen', () => {
    expect(refusal(() => judgeReopen({ kind: 'reopen', role: 'commander', priorReopens: 3, closedAt: daysAgo(1), now }))).toEqual({ code: 'FORBIDDEN', reason: 'REOPEN_REFUSED', why: 'limit', times: 3 });
  });

  it.each([
    [30, null],
    [30.01, 'window'],
  ] as const)('a reopen %f days after closing is refused for %s', (days, why) => {
    const judge = () => judgeReopen({ kind: 'reopen', role: 'chief', priorReopens: 0, closedAt: daysAgo(days), now });
    if (why === null) expect(judge()).toBe('reopen');
    else expect(refusal(judge)).toMatchObject({ code: 'FORBIDDEN', reason: 'REOPEN_REFUSED', why, days: 30 });
  });

  it.each(INCIDENT_ACTOR_ROLES.map((role) => [role, DEFAULT_REOPEN_POLICY.roles.includes(role)] as const))('%s may reopen: %s', (role, may) => {
    const judge = () => judgeReopen({ kind: 'reopen', role, priorReopens: 0, closedAt: daysAgo(1), now });
    if (may) expect(judge()).toBe('reopen');
    else expect(refusal(judge)).toMatchObject({ code: 'FORBIDDEN', reason: 'REOPEN_REFUSED', why: 'role' });
  });

  it.each([
    [0, 'reopen'],
    [1, 'reopen'],
    [2, 'escalate'],
    [7, 'escalate'],
  ] as const)('an unsatisfied verdict after %i reopens counts as one and does %s, never refused', (prior, outcome) => {
    expect(judgeReopen({ kind: 'verdict', role: 'resident', priorReopens: prior, closedAt: null, now })).toBe(outcome);
  });
});

it('reads any policy table: one reopen, escalating at once, within a day', () => {
  const strict: ReopenPolicy = { roles: ['admin'], windowDays: 1, onReopen: ['escalate'] };
  expect(judgeReopen({ kind: 'reopen', role: 'admin', priorReopens: 0, closedAt: daysAgo(0.5), now }, strict)).toBe('escalate');
  expect(refusal(() => judgeReopen({ kind: 'reopen', role: 'admin', priorReopens: 1, closedAt: daysAgo(0.5), now }, strict))).toMatchObject({ why: 'limit', times: 1 });
  expect(refusal(() => judgeReopen({ kind: 'reopen', role: 'commander', priorReopens: 0, closedAt: daysAgo(0.5), now }, strict))).toMatchObject({ why: 'role' });
});
