import { DomainError } from '../../src/domain/errors.js';
import {
  INCIDENT_ACTOR_ROLES,
  INCIDENT_EVENTS,
  INCIDENT_EVENT_LABELS,
  INCIDENT_STATES,
  INCIDENT_STATE_LABELS,
  INCIDENT_TRANSITIONS,
  allowedEvents,
  applyTransition,
  assertTransitionInput,
  planSteps,
  type IncidentActorRole,
  type IncidentEvent,
  type IncidentState,
  type TransitionRequest,
} from '../../src/domain/incident-transitions.js';

// The expected machine, written out independently of the module's tables so the loop below
// checks the tables rather than restating them.
const LEGAL = `
  reported    handle   handled
  reported    escalate escalated
  reported    accept   accepted
  reported    reject   rejected
  reported    mediate  reported
  escalated   accept   accepted
  escalated   reject   rejected
  escalated   mediate  escalated
  accepted    dispatch dispatched
  accepted    reject   rejected
  accepted    mediate  accepted
  dispatched  start    in_progress
  dispatched  return   returned
  dispatched  resolve  resolved
  dispatched  mediate  dispatched
  in_progress return   returned
  in_progress resolve  resolved
  in_progress mediate  in_progress
  resolved    verify   verified
  verified    rate     closed
  verified    close    closed
  closed      reopen   accepted
  rejected    reopen   accepted
  returned    dispatch dispatched
  returned    reject   rejected
  returned    mediate  returned
`;
const expectedNext = new Map<string, string>(
  LEGAL.trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([from, event, to]) => [`${from} ${event}`, to!]),
);

const centre = ['admin', 'commander', 'instructor', 'chief'];
const WHO: Record<IncidentEvent, { always: string[]; asReporter: string[] }> = {
  handle: { always: ['admin', 'worker', 'chief'], asReporter: ['commander', 'instructor', 'assistant', 'volunteer', 'department'] },
  escalate: { always: ['admin', 'worker', 'chief', 'assistant'], asReporter: [] },
  accept: { always: centre, asReporter: [] },
  reject: { always: centre, asReporter: [] },
  dispatch: { always: centre, asReporter: [] },
  start: { always: ['admin', 'department'], asReporter: [] },
  return: { always: ['admin', 'department'], asReporter: [] },
  resolve: { always: ['admin', 'department'], asReporter: [] },
  verify: { always: ['admin', 'worker', 'chief'], asReporter: [] },
  rate: { always: ['admin', 'worker', 'chief'], asReporter: ['commander', 'instructor', 'assistant', 'volunteer', 'department', 'resident'] },
  close: { always: centre, asReporter: [] },
  reopen: { always: centre, asReporter: [] },
  mediate: { always: ['admin', 'commander', 'instructor', 'chief', 'worker', 'assistant', 'department'], asReporter: [] },
};

function refusal(req: TransitionRequest): DomainError | null {
  try {
    applyTransition(req);
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

describe('incident transitions', () => {
  const cases: [IncidentState, IncidentEvent, IncidentActorRole, boolean][] = [];
  for (const state of INCIDENT_STATES) {
    for (const event of INCIDENT_EVENTS) {
      for (const role of INCIDENT_ACTOR_ROLES) {
        for (const isReporter of [false, true]) cases.push([state, event, role, isReporter]);
      }
    }
  }

  it.each(cases)('%s --%s--> as %s (reporter: %s) is allowed or refused with the right code', (state, event, role, isReporter) => {
    const next = expectedNext.get(`${state} ${event}`);
    const permitted = WHO[event].always.includes(role) || (isReporter && WHO[event].asReporter.includes(role));
    const req: TransitionRequest = { state, event, actorRole: role, isReporter, satisfied: true };
    if (next === undefined) {
      const err = refusal(req);
      expect(err?.code).toBe('CONFLICT');
      expect(err?.message).toContain(state);
      expect(err?.detail).toEqual({ reason: 'ILLEGAL_STEP', state, event, allowed: INCIDENT_EVENTS.filter((e) => expectedNext.has(`${state} ${e}`)) });
    } else if (!permitted) {
      expect(refusal(req)?.code).toBe('FORBIDDEN');
    } else {
      expect(applyTransition(req)).toBe(next);
    }
  });

  it('has no transition the expected machine lacks', () => {
    const actual = INCIDENT_STATES.flatMap((s) => Object.entries(INCIDENT_TRANSITIONS[s]).map(([e, to]) => `${s} ${e} ${to}`));
    expect(actual.sort()).toEqual([...expectedNext].map(([k, to]) => `${k} ${to}`).sort());
  });

  it('names the current state and the allowed steps in a CONFLICT', () => {
    const err = refusal({ state: 'dispatched', event: 'verify', actorRole: 'worker' });
    expect(err?.code).toBe('CONFLICT');
    expect(err?.message).toBe('cannot verify an incident that is dispatched; allowed: start, return, resolve, mediate');
    expect(err?.detail).toEqual({ reason: 'ILLEGAL_STEP', state: 'dispatched', event: 'verify', allowed: ['start', 'return', 'resolve', 'mediate'] });
  });

  it('refuses every step on an incident handled on the spot, listing none', () => {
    const err = refusal({ state: 'handled', event: 'reopen', actorRole: 'admin' });
    expect(err?.code).toBe('CONFLICT');
    expect(err?.detail).toMatchObject({ allowed: [] });
    expect(err?.message).toContain('allowed: none');
  });

  it('runs the whole loop from report to a satisfied rating', () => {
    const steps: [IncidentEvent, IncidentActorRole, IncidentState][] = [
      ['escalate', 'worker', 'escalated'],
      ['accept', 'commander', 'accepted'],
      ['dispatch', 'commander', 'dispatched'],
      ['start', 'department', 'in_progress'],
      ['resolve', 'department', 'resolved'],
      ['verify', 'worker', 'verified'],
      ['rate', 'resident', 'closed'],
    ];
    let state: IncidentState = 'reported';
    for (const [event, actorRole, expected] of steps) {
      state = applyTransition({ state, event, actorRole, isReporter: actorRole === 'resident', satisfied: true });
      expect(state).toBe(expected);
    }
  });

  it('sends an unsatisfied rating back to the department, then closes on the second try', () => {
    let state = applyTransition({ state: 'verified', event: 'rate', actorRole: 'resident', isReporter: true, satisfied: false });
    expect(state).toBe('dispatched');
    for (const event of ['resolve', 'verify'] as const) state = applyTransition({ state, event, actorRole: event === 'resolve' ? 'department' : 'chief' });
    expect(applyTransition({ state, event: 'rate', actorRole: 'worker', satisfied: true })).toBe('closed');
  });

  it('reopens a closed incident to the centre, which dispatches it again', () => {
    const reopened = applyTransition({ state: 'closed', event: 'reopen', actorRole: 'chief' });
    expect(reopened).toBe('accepted');
    expect(applyTransition({ state: reopened, event: 'dispatch', actorRole: 'instructor' })).toBe('dispatched');
  });

  it('re-dispatches a returned incident', () => {
    const returned = applyTransition({ state: 'in_progress', event: 'return', actorRole: 'department' });
    expect(applyTransition({ state: returned, event: 'dispatch', actorRole: 'commander' })).toBe('dispatched');
  });

  it('lets a volunteer handle what they reported, but not what someone else did', () => {
    expect(applyTransition({ state: 'reported', event: 'handle', actorRole: 'volunteer', isReporter: true })).toBe('handled');
    expect(refusal({ state: 'reported', event: 'handle', actorRole: 'volunteer' })?.code).toBe('FORBIDDEN');
    expect(refusal({ state: 'reported', event: 'handle', actorRole: 'resident', isReporter: true })?.code).toBe('FORBIDDEN');
  });

  it('requires a verdict to rate', () => {
    expect(refusal({ state: 'verified', event: 'rate', actorRole: 'chief' })?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses unknown states and steps from untyped callers', () => {
    expect(refusal({ state: 'lost' as IncidentState, event: 'handle', actorRole: 'admin' })?.code).toBe('BAD_USER_INPUT');
    expect(refusal({ state: 'reported', event: 'fix' as IncidentEvent, actorRole: 'admin' })?.code).toBe('BAD_USER_INPUT');
  });

  it('offers each role only the steps it may take', () => {
    expect(allowedEvents('reported', 'worker')).toEqual(['handle', 'escalate', 'mediate']);
    expect(allowedEvents('reported', 'commander')).toEqual(['accept', 'reject', 'mediate']);
    expect(allowedEvents('reported', 'commander', true)).toEqual(['handle', 'accept', 'reject', 'mediate']);
    expect(allowedEvents('dispatched', 'department')).toEqual(['start', 'return', 'resolve', 'mediate']);
    expect(allowedEvents('verified', 'resident', true)).toEqual(['rate']);
    expect(allowedEvents('verified', 'resident')).toEqual([]);
    expect(allowedEvents('closed', 'viewer')).toEqual([]);
  });

  it('labels every state and step in Chinese', () => {
    for (const s of INCIDENT_STATES) expect(INCIDENT_STATE_LABELS[s]).toMatch(/\p{Script=Han}/u);
    for (const e of INCIDENT_EVENTS) expect(INCIDENT_EVENT_LABELS[e]).toMatch(/\p{Script=Han}/u);
    expect(INCIDENT_STATE_LABELS.reported).toBe('已登记');
    expect(INCIDENT_STATE_LABELS.dispatched).toBe('已派单');
  });
});

describe('transition input', () => {
  const bad = (event: IncidentEvent, input: Parameters<typeof assertTransitionInput>[1]): unknown =>
    (() => {
      try {
        assertTransitionInput(event, input);
        return null;
      } catch (err) {
        return err;
      }
    })();

  it.each([
    ['handle', {}, ['note']],
    ['handle', { note: '   ' }, ['note']],
    ['dispatch', { department: 'cg' }, ['deadline']],
    ['resolve', { note: ' ', photos: ['p/1.jpg'] }, ['note']],
    ['verify', {}, ['photos']],
    ['return', {}, ['note']],
    ['reopen', {}, ['note']],
    ['reject', {}, ['reason']],
    ['rate', {}, ['satisfied']],
    ['mediate', {}, ['outcome']],
  ] as const)('%s without %j is refused', (event, input, missing) => {
    expect(bad(event, input)).toMatchObject({ code: 'BAD_USER_INPUT', detail: { reason: 'MISSING_FIELDS', missing } });
  });

  it('checks reject reasons and mediation outcomes', () => {
    expect(bad('reject', { reason: 'boring' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad('reject', { reason: 'other' })).toMatchObject({ code: 'BAD_USER_INPUT', detail: { reason: 'MISSING_FIELDS', missing: ['note'] } });
    expect(bad('reject', { reason: 'duplicate' })).toBeNull();
    expect(bad('mediate', { outcome: 'maybe' })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(bad('mediate', { outcome: 'failure' })).toBeNull();
  });

  it('accepts complete inputs', () => {
    expect(bad('dispatch', { department: 3, deadline: new Date(0) })).toBeNull();
    expect(bad('resolve', { note: '已修复', photos: ['p/1.jpg'] })).toBeNull();
    expect(bad('resolve', { note: '已修复' })).toBeNull();
    expect(bad('rate', { satisfied: false })).toBeNull();
    expect(bad('accept', {})).toBeNull();
  });
});

describe('one act, one meaning: dispatch is accept-and-dispatch on every channel', () => {
  const plan = (state: IncidentState, actorRole: IncidentActorRole) => planSteps({ state, event: 'dispatch', actorRole });
  const planned = (state: IncidentState, actorRole: IncidentActorRole): DomainError | IncidentEvent[] => {
    try {
      return plan(state, actorRole).map((s) => s.event);
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
  };

  it('accepts on the way from every state that can be accepted into a dispatchable state, for every role that may dispatch', () => {
    for (const state of INCIDENT_STATES) {
      for (const role of INCIDENT_ACTOR_ROLES) {
        const direct = INCIDENT_TRANSITIONS[state].dispatch !== undefined;
        const viaAccept = !direct && INCIDENT_TRANSITIONS[state].accept !== undefined && INCIDENT_TRANSITIONS[INCIDENT_TRANSITIONS[state].accept!].dispatch !== undefined;
        const got = planned(state, role);
        if (!direct && !viaAccept) expect([state, role, got instanceof DomainError && got.code]).toEqual([state, role, 'CONFLICT']);
        else if (!WHO.dispatch.always.includes(role)) expect([state, role, got instanceof DomainError && got.detail]).toEqual([state, role, { reason: 'ROLE_MAY_NOT', role, event: 'dispatch', state }]);
        else expect([state, role, got]).toEqual([state, role, direct ? ['dispatch'] : ['accept', 'dispatch']]);
      }
    }
  });

  it('takes a fresh report and an escalated one through accepted to dispatched', () => {
    expect(plan('reported', 'commander')).toEqual([{ event: 'accept', to: 'accepted' }, { event: 'dispatch', to: 'dispatched' }]);
    expect(plan('escalated', 'chief')).toEqual([{ event: 'accept', to: 'accepted' }, { event: 'dispatch', to: 'dispatched' }]);
    expect(plan('returned', 'instructor')).toEqual([{ event: 'dispatch', to: 'dispatched' }]);
  });

  it('leaves every other act a single step', () => {
    for (const event of INCIDENT_EVENTS.filter((e) => e !== 'dispatch')) {
      const from = INCIDENT_STATES.find((s) => INCIDENT_TRANSITIONS[s][event] !== undefined)!;
      expect(planSteps({ state: from, event, actorRole: 'admin', isReporter: true, satisfied: true })).toEqual([{ event, to: INCIDENT_TRANSITIONS[from][event] }]);
    }
  });
});
