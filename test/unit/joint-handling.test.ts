import type { DomainError } from '../../src/domain/errors';
import { INCIDENT_STATES, INCIDENT_TRANSITIONS } from '../../src/domain/incident-transitions';
import {
  applyPartStep,
  assertLeadMayResolve,
  coDepartmentNames,
  DEPARTMENT_PART_EVENTS,
  DEPARTMENT_PART_STATES,
  finishEvent,
  leadPartState,
  MAX_CO_DEPARTMENTS,
  readDispatchTargets,
  type DepartmentPartEvent,
  type DepartmentPartState,
} from '../../src/domain/joint-handling';

// The part table restated independently: a co-department accepts, then reports or returns, once.
const EXPECTED = `
  dispatched  start    in_progress
  dispatched  return   returned
  dispatched  resolve  resolved
  in_progress return   returned
  in_progress resolve  resolved
`;
const allowed = new Map(
  EXPECTED.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/) as [DepartmentPartState, DepartmentPartEvent, DepartmentPartState])
    .map(([from, event, to]) => [`${from} ${event}`, to]),
);

const refusal = (f: () => unknown): DomainError | null => {
  try {
    f();
    return null;
  } catch (err) {
    return err as DomainError;
  }
};

describe('a co-department’s part (联合处置)', () => {
  const cases = DEPARTMENT_PART_STATES.flatMap((state) => DEPARTMENT_PART_EVENTS.map((event) => [state, event] as const));
  it.each(cases)('%s + %s follows the table', (state, event) => {
    const to = allowed.get(`${state} ${event}`);
    const input = { note: '已走访' };
    if (to) expect(applyPartStep(state, event, input)).toBe(to);
    else expect(refusal(() => applyPartStep(state, event, input))).toMatchObject({ code: 'CONFLICT', detail: { reason: 'ILLEGAL_STEP', state, event } });
  });

  it('a return or a report carries its note; starting needs none', () => {
    expect(refusal(() => applyPartStep('dispatched', 'return', { note: ' ' }))).toMatchObject({ code: 'BAD_USER_INPUT', detail: { reason: 'MISSING_FIELDS', missing: ['note'] } });
    expect(refusal(() => applyPartStep('in_progress', 'resolve', {}))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(applyPartStep('dispatched', 'start', {})).toBe('in_progress');
  });

  it('the lead resolves only when no part is still open, naming those that are', () => {
    expect(refusal(() => assertLeadMayResolve([]))).toBeNull();
    expect(refusal(() => assertLeadMayResolve([{ department: '民政', status: 'resolved' }, { department: '派出所', status: 'returned' }]))).toBeNull();
    expect(
      refusal(() =>
        assertLeadMayResolve([
          { department: '民政', status: 'in_progress' },
          { department: '派出所', status: 'returned' },
          { department: '供电', status: 'dispatched' },
        ]),
      ),
    ).toMatchObject({ code: 'CONFLICT', detail: { reason: 'CO_DEPARTMENTS_PENDING', departments: ['民政', '供电'] } });
  });

  it('co-departments are trimmed, unique, never the lead, and bounded', () => {
    expect(coDepartmentNames('城管', [' 民政 ', '城管', '民政', '', '派出所'])).toEqual(['民政', '派出所']);
    expect(coDepartmentNames('城管', null)).toEqual([]);
    const many = Array.from({ length: MAX_CO_DEPARTMENTS + 1 }, (_, i) => `部门${i}`);
    expect(refusal(() => coDepartmentNames('城管', many))).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it.each([
    ['城管', { lead: '城管', co: [] }],
    ['城管 尽快处理', { lead: '城管', co: [] }],
    ['城管 协办 民政 派出所', { lead: '城管', co: ['民政', '派出所'] }],
    ['城管 协办：民政、派出所', { lead: '城管', co: ['民政', '派出所'] }],
    ['城管+民政+派出所', { lead: '城管', co: ['民政', '派出所'] }],
    ['城管、民政 会同 供电', { lead: '城管', co: ['民政', '供电'] }],
    ['  ', null],
  ])('reads the chat dispatch %j', (text, expected) => {
    expect(readDispatchTargets(text)).toEqual(expected);
  });
});

describe('what 办结 means, and where the lead stands', () => {
  it.each(INCIDENT_STATES.map((s) => [s]))('%s', (state) => {
    expect(finishEvent(state)).toBe(INCIDENT_TRANSITIONS[state].resolve !== undefined ? 'resolve' : 'close');
  });

  it('shows the lead’s part from the incident’s state', () => {
    expect(leadPartState('dispatched')).toBe('dispatched');
    expect(leadPartState('in_progress')).toBe('in_progress');
    expect(leadPartState('returned')).toBe('returned');
    expect(leadPartState('verified')).toBe('resolved');
    expect(leadPartState('closed')).toBe('resolved');
    expect(leadPartState('accepted')).toBeNull();
  });
});
