import { ConfigError, loadConfig } from '../../src/config';
import { LIMIT_NAMES, LIMIT_RULES, parseBudget } from '../../src/domain/rate-limits';
import { UPLOAD_RIGHTS } from '../../src/domain/roles';

describe('rate-limit budgets', () => {
  it.each([
    ['20/10m', { points: 20, windowSeconds: 600 }],
    ['5/1h', { points: 5, windowSeconds: 3600 }],
    [' 3 / 30s ', { points: 3, windowSeconds: 30 }],
    ['100/d', { points: 100, windowSeconds: 86_400 }],
  ])('reads %j', (text, budget) => expect(parseBudget(text)).toEqual(budget));

  it.each(['', '20', '0/1m', '20/0m', '20/10x', '-1/1m', 'ten/1m'])('refuses %j', (text) => expect(parseBudget(text)).toBeNull());

  it('every limit has a default that reads, and its variable configures it', () => {
    for (const name of LIMIT_NAMES) {
      expect({ name, budget: parseBudget(LIMIT_RULES[name].fallback) }).toEqual({ name, budget: expect.objectContaining({ points: expect.any(Number) }) });
      expect(loadConfig({ [LIMIT_RULES[name].variable]: '7/2h' }).rateLimits[name]).toEqual({ points: 7, windowSeconds: 7200 });
    }
  });

  it('a bad budget stops start-up with one line naming the variable', () => {
    try {
      loadConfig({ RATE_LIMIT_REPORTS: 'lots' });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(/^invalid configuration: RATE_LIMIT_REPORTS must read POINTS\/WINDOW like 20\/10m .*\(got "lots"\)$/);
    }
  });
});

it('only watchers never upload, departments only with dispatched work, every other role always', () => {
  expect(Object.entries(UPLOAD_RIGHTS).filter(([, right]) => right !== 'always')).toEqual([
    ['department', 'dispatched'],
    ['viewer', 'never'],
  ]);
});
