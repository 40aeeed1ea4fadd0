import { suggestRiskColour, type RiskCounts } from '../../src/domain/risk-colour.js';

const none: RiskCounts = { openRedDisputes: 0, overdue: 0, openUrgent: 0 };

describe('suggested risk colour', () => {
  it.each([
    [{}, 'green'],
    [{ overdue: 1 }, 'yellow'],
    [{ openUrgent: 1 }, 'yellow'],
    [{ overdue: 2, openUrgent: 2 }, 'yellow'],
    [{ openRedDisputes: 1 }, 'red'],
    [{ overdue: 3 }, 'red'],
    [{ openUrgent: 3 }, 'red'],
    [{ openRedDisputes: 2, overdue: 5, openUrgent: 5 }, 'red'],
  ] as const)('%j suggests %s', (counts, colour) => {
    expect(suggestRiskColour({ ...none, ...counts })).toBe(colour);
  });

  it('follows thresholds given by configuration', () => {
    const strict = { red: { overdue: 1 }, yellow: { openUrgent: 1 } };
    expect(suggestRiskColour({ ...none, overdue: 1 }, strict)).toBe('red');
    // openRedDisputes has no threshold here, so it triggers nothing.
    expect(suggestRiskColour({ ...none, openRedDisputes: 4 }, strict)).toBe('green');
  });
});
