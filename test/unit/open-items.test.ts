import { FOLLOWED_STATES, statesWaitingOn } from '../../src/domain/open-items';

// Restated by hand from the state table (docs/domain-rules.md#incidents): the states in which each
// role has a step that moves the incident on. Mediation (a record) and reopening (undoing a final
// state) are not pending work.
const WAITING: Record<string, string[]> = {
  worker: ['reported', 'resolved', 'verified'],
  chief: ['reported', 'escalated', 'accepted', 'resolved', 'verified', 'returned'],
  commander: ['reported', 'escalated', 'accepted', 'verified', 'returned'],
  instructor: ['reported', 'escalated', 'accepted', 'verified', 'returned'],
  assistant: ['reported'],
  volunteer: [],
  department: ['dispatched', 'in_progress'],
  viewer: [],
  resident: [],
};

it.each(Object.entries(WAITING))('#进度 lists for a %s the incidents in states %j', (role, states) => {
  expect(statesWaitingOn(role as never)).toEqual(states);
});

it('a reporter follows their incident until it is handled, closed or rejected', () => {
  expect(FOLLOWED_STATES).toEqual(['reported', 'escalated', 'accepted', 'dispatched', 'in_progress', 'resolved', 'verified', 'returned']);
});
