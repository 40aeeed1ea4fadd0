import { XMLParser } from 'fast-xml-parser';
import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { AMEND_INSTRUCTION, CANCEL_INSTRUCTION, ISSUE_INSTRUCTION } from '../operations';
import { gqlOk, useHub } from '../setup/hub';

// 10:00 in Shanghai on 2026-11-22.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock, env: { CAP_PUBLIC_GRID: 'XHG-B03', CAP_SENDER: 'gridhub@xhg.example.cn' } });

/** CAP 1.2 (OASIS, 2010) as the tests read it, restated here rather than imported. */
const CAP = {
  namespace: 'urn:oasis:names:tc:emergency:cap:1.2',
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  responseType: ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
  /** The sequence of the alert's elements in the CAP 1.2 XML schema. */
  alertOrder: ['identifier', 'sender', 'sent', 'status', 'msgType', 'source', 'scope', 'restriction', 'addresses', 'code', 'note', 'references', 'incidents', 'info'],
  infoOrder: ['language', 'category', 'event', 'responseType', 'urgency', 'severity', 'certainty', 'audience', 'eventCode', 'effective', 'onset', 'expires', 'senderName', 'headline', 'description', 'instruction', 'web', 'contact', 'parameter', 'resource', 'area'],
  /** dateTime with seconds and an explicit offset; "Z" is not allowed (section 3.3.2). */
  dateTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/,
  /** identifier and sender: no spaces, commas or restricted characters (< and &). */
  token: /^[^\s,<&]+$/,
};

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, isArray: (name) => ['entry', 'info', 'area'].includes(name) });

type Alert = Record<string, unknown> & { info: Array<Record<string, unknown> & { area: Array<Record<string, unknown>> }> };

/** Checks every element and value list CAP 1.2 requires of an alert, and returns it. */
function assertCapAlert(alert: Alert): Alert {
  expect(alert['@_xmlns']).toBe(CAP.namespace);
  const elements = Object.keys(alert).filter((k) => !k.startsWith('@_'));
  for (const required of ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope']) expect(elements).toContain(required);
  expect(elements).toEqual(CAP.alertOrder.filter((e) => elements.includes(e)));
  expect(alert['identifier']).toMatch(CAP.token);
  expect(alert['sender']).toMatch(CAP.token);
  expect(alert['sent']).toMatch(CAP.dateTime);
  expect(CAP.status).toContain(alert['status']);
  expect(CAP.msgType).toContain(alert['msgType']);
  expect(CAP.scope).toContain(alert['scope']);
  if (alert['scope'] === 'Restricted') expect(alert['restriction']).toEqual(expect.any(String));
  expect(alert.info.length).toBeGreaterThan(0);
  for (const info of alert.info) {
    const fields = Object.keys(info);
    for (const required of ['category', 'event', 'urgency', 'severity', 'certainty']) expect(fields).toContain(required);
    expect(fields).toEqual(CAP.infoOrder.filter((e) => fields.includes(e)));
    expect(CAP.category).toContain(info['category']);
    expect(String(info['event']).length).toBeGreaterThan(0);
    expect(CAP.responseType).toContain(info['responseType']);
    expect(CAP.urgency).toContain(info['urgency']);
    expect(CAP.severity).toContain(info['severity']);
    expect(CAP.certainty).toContain(info['certainty']);
    for (const at of ['effective', 'expires']) expect(info[at]).toMatch(CAP.dateTime);
    expect(info.area.length).toBeGreaterThan(0);
    for (const area of info.area) expect(String(area['areaDesc']).length).toBeGreaterThan(0);
  }
  return alert;
}

const base = () => t.hub.url.replace(/\/graphql$/, '');
async function get(path: string, token: string | null, hubUrl = base()): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const res = await fetch(`${hubUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: parser.parse(await res.text()) as Record<string, unknown> };
}
const alertAt = async (path: string, token: string | null) => assertCapAlert((await get(path, token)).body['alert'] as Alert);
/** `sender,identifier,sent` of an alert, as `references` lists it. */
const ref = (a: Alert) => `${a['sender'] as string},${a['identifier'] as string},${a['sent'] as string}`;

let viewer = '';
const code = 'I20261122-001';

beforeAll(async () => {
  viewer = await t.token('VIEWER', 'XHG');
  const commander = await t.token('COMMANDER', 'XHG');
  await gqlOk<Op.IssueInstructionMutation>(t.hub, commander, ISSUE_INSTRUCTION, { input: { grade: 'II', title: '返沪人员排查', body: '请立即核查名单内人员健康状况' } });
  clock.advance(10 * 60_000);
  await gqlOk<Op.AmendInstructionMutation>(t.hub, commander, AMEND_INSTRUCTION, { code, text: '名单新增两人' });
  clock.advance(10 * 60_000);
  await gqlOk<Op.CancelInstructionMutation>(t.hub, commander, CANCEL_INSTRUCTION, { code, reason: '排查已由卫健部门完成' });
  // Another block's instruction: not in the public feed of XHG-B03.
  await gqlOk<Op.IssueInstructionMutation>(t.hub, await t.token('COMMANDER', 'XHG-B01'), ISSUE_INSTRUCTION, { input: { grade: 'IV', title: '楼道杂物清理' } });
});

it('serves an issued instruction as a CAP 1.2 Alert with every required element, its grade’s urgency and severity, and its scope as the area', async () => {
  const alert = await alertAt(`/cap/${code}.xml?seq=0`, viewer);
  expect(alert).toMatchObject({ identifier: `urn:gridhub:${code}`, sender: 'gridhub@xhg.example.cn', sent: '2026-11-22T10:00:00+08:00', status: 'Actual', msgType: 'Alert', scope: 'Restricted' });
  expect(alert['references']).toBeUndefined();
  expect(alert.info[0]).toMatchObject({
    language: 'zh-CN',
    category: 'Safety',
    event: '返沪人员排查',
    urgency: 'Immediate',
    severity: 'Severe',
    certainty: 'Observed',
    effective: '2026-11-22T10:00:00+08:00',
    expires: '2026-11-22T11:00:00+08:00',
    description: '请立即核查名单内人员健康状况',
  });
  expect(alert.info[0]!.area[0]).toMatchObject({ areaDesc: expect.stringContaining('(XHG)'), geocode: { valueName: 'GridHub grid code', value: 'XHG' } });
});

it('serves an amendment as an Update and the cancellation as a Cancel, each referencing the original (and the cancel the update too)', async () => {
  const original = await alertAt(`/cap/${code}.xml?seq=0`, viewer);
  const update = await alertAt(`/cap/${code}.xml?seq=1`, viewer);
  expect(update).toMatchObject({ identifier: `urn:gridhub:${code}:1`, msgType: 'Update', sent: '2026-11-22T10:10:00+08:00', references: ref(original) });
  expect(update.info[0]).toMatchObject({ description: '名单新增两人', instruction: '名单新增两人' });
  // The instruction's own address is its current state: cancelled.
  const cancel = await alertAt(`/cap/${code}.xml`, viewer);
  expect(cancel).toMatchObject({ identifier: `urn:gridhub:${code}:2`, msgType: 'Cancel', sent: '2026-11-22T10:20:00+08:00', references: `${ref(original)} ${ref(update)}` });
  expect(cancel.info[0]).toMatchObject({ description: '排查已由卫健部门完成' });
});

it('serves every message as an Atom feed, newest first, each entry carrying its alert', async () => {
  const r = await get('/cap/feed.atom', viewer);
  expect(r.status).toBe(200);
  expect(r.type).toMatch(/application\/atom\+xml/);
  const feed = r.body['feed'] as { '@_xmlns': string; entry: Array<{ id: string; updated: string; content: { '@_type': string; alert: Alert } }> };
  expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
  expect(feed.entry.map((e) => [e.id, e.content.alert['msgType']])).toEqual([
    ['urn:gridhub:I20261122-002', 'Alert'],
    [`urn:gridhub:${code}:2`, 'Cancel'],
    [`urn:gridhub:${code}:1`, 'Update'],
    [`urn:gridhub:${code}`, 'Alert'],
  ]);
  for (const e of feed.entry) {
    assertCapAlert(e.content.alert);
    expect(e.content['@_type']).toBe('application/cap+xml');
    expect(e.updated).toBe(e.content.alert['sent']);
  }
  expect(feed.entry[0]!.content.alert.info[0]).toMatchObject({ urgency: 'Future', severity: 'Minor', certainty: 'Likely' });
});

it('lets anyone read the configured public grid’s feed without a token, and nothing outside it', async () => {
  const r = await get('/cap/feed.atom', null);
  const entries = (r.body['feed'] as { entry?: Array<{ id: string }> }).entry ?? [];
  expect(entries.map((e) => e.id)).toEqual([`urn:gridhub:${code}:2`, `urn:gridhub:${code}:1`, `urn:gridhub:${code}`]);
  expect((await get('/cap/I20261122-002.xml', null)).status).toBe(404);
});

it('refuses a reader without a token when no public grid is configured, and a forged token always', async () => {
  const closed = await t.start({ env: {} });
  const url = closed.url.replace(/\/graphql$/, '');
  expect((await get('/cap/feed.atom', null, url)).status).toBe(401);
  expect((await get(`/cap/${code}.xml`, null, url)).status).toBe(401);
  expect((await get('/cap/feed.atom', 'gh_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(401);
  await t.stop(closed);
});
