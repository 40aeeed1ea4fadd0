import {
  afterMediation,
  assertMediable,
  initialDisputeColour,
  recordMediation,
  type MediationOutcome,
  type MediationState,
} from '../../src/domain/dispute-colours.js';

describe('dispute colours', () => {
  it('a blue dispute turns yellow after three failed mediations', () => {
    let state: MediationState = { colour: 'blue', failedMediations: 0 };
    const changes: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      const result = recordMediation(state, 'failure');
      changes.push(result.colourChanged);
      state = result;
    }
    expect(state).toMatchObject({ colour: 'yellow', failedMediations: 3 });
    expect(changes).toEqual([false, false, true]);
  });

  it('a blue dispute stays blue after two failures', () => {
    expect(afterMediation('blue', 2)).toBe('blue');
    expect(afterMediation('blue', 3)).toBe('yellow');
    expect(afterMediation('blue', 7)).toBe('yellow');
  });

  it('red and yellow disputes keep their colour however often mediation fails', () => {
    expect(afterMediation('red', 10)).toBe('red');
    expect(afterMediation('yellow', 10)).toBe('yellow');
  });

  it('a success neither counts as a failure nor wipes earlier ones', () => {
    const outcomes: MediationOutcome[] = ['failure', 'failure', 'success', 'failure'];
    let state: MediationState = { colour: 'blue', failedMediations: 0 };
    for (const outcome of outcomes) state = recordMediation(state, outcome);
    expect(state).toMatchObject({ colour: 'yellow', failedMediations: 3 });
  });

  it('refuses an unknown outcome', () => {
    expect(() => recordMediation({ colour: 'blue', failedMediations: 0 }, 'draw' as MediationOutcome)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });

  it('mediates only disputes', () => {
    expect(() => assertMediable('dispute')).not.toThrow();
    expect(() => assertMediable('sanitation')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('colours a new dispute: as given, else red when urgent, else blue', () => {
    expect(initialDisputeColour({ category: 'dispute', colour: 'yellow', urgent: true })).toBe('yellow');
    expect(initialDisputeColour({ category: 'dispute', urgent: true })).toBe('red');
    expect(initialDisputeColour({ category: 'dispute' })).toBe('blue');
    expect(initialDisputeColour({ category: 'facility', urgent: true })).toBeNull();
    expect(() => initialDisputeColour({ category: 'facility', colour: 'red' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});
