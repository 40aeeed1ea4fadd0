import { CAP_CERTAINTIES, CAP_GRADING, CAP_MSG_TYPE, CAP_SEVERITIES, CAP_URGENCIES, capDateTime, capReferences } from '../../src/domain/cap-alert';
import { INSTRUCTION_GRADES } from '../../src/domain/instruction-grades';
import { FINAL_STATES, INCIDENT_STATES, OPEN_STATES } from '../../src/domain/incident-transitions';
import { formatLocation, gridCodeCandidates, mappedGridCode, OPEN311_STATUS, parseLocation, parsePoint, splitMediaUrl, statesOf, withMediaUrl } from '../../src/domain/open311';

describe('CAP grading as data', () => {
  it.each([
    ['I', 'Immediate', 'Extreme', 'Observed'],
    ['II', 'Immediate', 'Severe', 'Observed'],
    ['III', 'Expected', 'Moderate', 'Likely'],
    ['IV', 'Future', 'Minor', 'Likely'],
  ] as const)('grade %s is %s, %s, %s', (grade, urgency, severity, certainty) => {
    expect(CAP_GRADING[grade]).toEqual({ urgency, severity, certainty });
  });

  it('never rates a lower grade more severe or more urgent than a higher one', () => {
    for (let i = 1; i < INSTRUCTION_GRADES.length; i++) {
      const [higher, lower] = [CAP_GRADING[INSTRUCTION_GRADES[i - 1]!], CAP_GRADING[INSTRUCTION_GRADES[i]!]];
      expect(CAP_SEVERITIES.indexOf(lower.severity)).toBeGreaterThanOrEqual(CAP_SEVERITIES.indexOf(higher.severity));
      expect(CAP_URGENCIES.indexOf(lower.urgency)).toBeGreaterThanOrEqual(CAP_URGENCIES.indexOf(higher.urgency));
      expect(CAP_CERTAINTIES.indexOf(lower.certainty)).toBeGreaterThanOrEqual(CAP_CERTAINTIES.indexOf(higher.certainty));
    }
  });

  it('maps issue, amend and cancel onto Alert, Update and Cancel', () => {
    expect(CAP_MSG_TYPE).toEqual({ issue: 'Alert', amend: 'Update', cancel: 'Cancel' });
  });

  it('writes CAP date-times with seconds and an offset, never Z', () => {
    expect(capDateTime(new Date('2026-11-22T02:00:00.123Z'), 'Asia/Shanghai')).toBe('2026-11-22T10:00:00+08:00');
    expect(capDateTime(new Date('2026-11-22T02:00:00Z'), 'UTC')).toBe('2026-11-22T02:00:00+00:00');
  });

  it('lists references as sender,identifier,sent separated by spaces', () => {
    expect(capReferences([{ sender: 's', identifier: 'a', sent: 't1' }, { sender: 's', identifier: 'b', sent: 't2' }])).toBe('s,a,t1 s,b,t2');
  });
});

describe('Open311 as data', () => {
  it('folds every open state onto open and every other state onto closed', () => {
    for (const state of INCIDENT_STATES) expect(OPEN311_STATUS[state].status).toBe(OPEN_STATES.includes(state) ? 'open' : 'closed');
    expect(statesOf('open').sort()).toEqual([...OPEN_STATES].sort());
    for (const state of FINAL_STATES) expect(statesOf('closed')).toContain(state);
  });

  it('finds grid codes in an address, longest first, and the longest configured address', () => {
    expect(gridCodeCandidates('幸福路12号 xhg-b03-c07-m12 门口')).toEqual(['XHG-B03-C07-M12']);
    expect(gridCodeCandidates('No. 5, XHG-B03')).toEqual(['XHG-B03', 'NO']);
    const map = { 幸福小区: 'XHG-B03-C07', 幸福小区3栋: 'XHG-B03-C07-M11' };
    expect(mappedGridCode('幸福小区3栋门口', map)).toBe('XHG-B03-C07-M11');
    expect(mappedGridCode('幸福小区5栋', map)).toBe('XHG-B03-C07');
    expect(mappedGridCode('人民路', map)).toBeNull();
  });

  it('keeps address, point and media URL so they read back unchanged', () => {
    const location = formatLocation('人民路 1号', { lat: 31.2, long: -121.5 });
    expect(parseLocation(location)).toEqual({ address: '人民路 1号', lat: 31.2, long: -121.5 });
    expect(parseLocation(formatLocation(null, { lat: 1, long: 2 }))).toEqual({ address: null, lat: 1, long: 2 });
    expect(parseLocation('人民路')).toEqual({ address: '人民路', lat: null, long: null });
    expect(splitMediaUrl(withMediaUrl('积水', 'https://x.test/a.jpg'))).toEqual({ description: '积水', mediaUrl: 'https://x.test/a.jpg' });
    expect(splitMediaUrl('积水')).toEqual({ description: '积水', mediaUrl: null });
  });

  it('takes a point only as both coordinates in range', () => {
    expect(parsePoint(undefined, undefined)).toBeNull();
    expect(parsePoint('31.2', '121.4')).toEqual({ lat: 31.2, long: 121.4 });
    for (const [lat, long] of [['31.2', undefined], ['91', '0'], ['0', '181'], ['x', '1']] as const) expect(() => parsePoint(lat, long)).toThrow(/lat and long/);
  });
});
