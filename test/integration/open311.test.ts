import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ManualClock } from '../../src/infra/clock';
import type * as Op from '../generated/operations';
import { HANDLE_INCIDENT, REPORT_INCIDENT } from '../operations';
import { gqlOk, useHub } from '../setup/hub';

// 10:00 in Shanghai on 2026-11-22.
const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock, env: { OPEN311_ADDRESS_MAP: JSON.stringify({ 幸福小区3栋: 'XHG-B03-C07-M11' }) } });

const FIXTURES = join(__dirname, '..', 'fixtures', 'open311');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error'].includes(name) });

type Item = Record<string, unknown>;
const base = () => `${t.hub.url.replace(/\/graphql$/, '')}/open311/v2`;

async function call(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${base()}/${path}`, { method, ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } }) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const json = async (method: 'GET' | 'POST', path: string, body?: string) => {
  const r = await call(method, path, body);
  return { status: r.status, items: JSON.parse(r.text) as Item[] };
};

/** Field names and JSON types of an item, as a comparable map. */
const shape = (item: Item, extra: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries({ ...Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v])), ...extra }).sort(([a], [b]) => a.localeCompare(b)),
  );
/** The element names under each item of an XML answer (`<services><service>…`), sorted. */
const xmlFields = (doc: string, outer: string, inner: string): string[][] => {
  const parsed = xml.parse(doc) as Record<string, Record<string, Item[]>>;
  return parsed[outer]![inner]!.map((i) => Object.keys(i).sort());
};
const specFields = (name: string, outer: string, inner: string) => xmlFields(fixture(name), outer, inner)[0]!;

let key = '';
let created = { code: '', token: '' };

beforeAll(async () => {
  // A client system's API key: a token for its community, named after it.
  key = await t.token('WORKER', 'XHG-B03-C07');
});

describe('services', () => {
  it('lists our categories with exactly the fields and types of the spec’s example, in JSON and XML, without a key', async () => {
    const spec = JSON.parse(fixture('services.response.json')) as Item[];
    const { status, items } = await json('GET', 'services.json');
    expect(status).toBe(200);
    expect(items.map((s) => s['service_code'])).toEqual(['sanitation', 'street_order', 'safety_hazard', 'facility', 'dispute', 'illegal_construction', 'public_security', 'market', 'epidemic', 'livelihood', 'other']);
    expect(items[2]).toMatchObject({ service_code: 'safety_hazard', service_name: '安全隐患', metadata: false, type: 'realtime' });
    for (const s of items) expect(shape(s)).toEqual(shape(spec[0]!));

    const x = await call('GET', 'services.xml');
    expect(x.type).toMatch(/application\/xml/);
    const fields = xmlFields(x.text, 'services', 'service');
    expect(fields).toHaveLength(11);
    for (const f of fields) expect(f).toEqual(specFields('services.response.xml', 'services', 'service'));
  });
});

describe('requests', () => {
  it('files the spec’s POST as an incident in the grid its address names, through the same report as the bot and GraphQL', async () => {
    const { status, items } = await json('POST', 'requests.json', `api_key=${key}&${fixture('post-requests.request.form')}`);
    expect(status).toBe(201);
    // The spec's answer fields, plus `token`, which the spec lists among them (GET tokens/<token>).
    expect(shape(items[0]!)).toEqual(shape((JSON.parse(fixture('post-requests.response.json')) as Item[])[0]!, { token: 'string' }));
    created = { code: items[0]!['service_request_id'] as string, token: items[0]!['token'] as string };
    expect(created.code).toBe('E20261122-0001');

    const { rows } = await t.pg.query<{ grid: string; category: string; status: string; source_key: string; location: string }>(
      `select g.code as grid, i.category, i.status, i.source_key, i.location from incident i join grid g on g.id = i.grid_id where i.code = $1`,
      [created.code],
    );
    expect(rows[0]).toEqual({ grid: 'XHG-B03-C07-M12', category: 'facility', status: 'reported', source_key: `open311:${created.token}`, location: 'XHG-B03-C07-M12 幸福路12号 @31.2304,121.4737' });
  });

  it('answers GET by id with every field of the spec’s example: open, the deadline as expected_datetime, the media URL', async () => {
    const spec = (JSON.parse(fixture('requests.response.json')) as Item[])[0]!;
    const { status, items } = await json('GET', `requests/${created.code}.json?api_key=${key}`);
    expect(status).toBe(200);
    expect(shape(items[0]!)).toEqual(shape(spec));
    expect(items[0]).toMatchObject({
      service_request_id: created.code,
      status: 'open',
      status_notes: 'Received; waiting for the grid centre to accept it.',
      service_code: 'facility',
      service_name: '设施损坏',
      description: 'A large sinkhole is destroying the street',
      requested_datetime: '2026-11-22T02:00:00.000Z',
      address: 'XHG-B03-C07-M12 幸福路12号',
      address_id: 'XHG-B03-C07-M12',
      lat: 31.2304,
      long: 121.4737,
      media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
    });
    const { rows } = await t.pg.query<{ deadline_at: Date }>('select deadline_at from incident where code = $1', [created.code]);
    expect(items[0]!['expected_datetime']).toBe(rows[0]!.deadline_at.toISOString());

    const x = await call('GET', `requests/${created.code}.xml?api_key=${key}`);
    expect(xmlFields(x.text, 'service_requests', 'request')).toEqual([specFields('requests.response.xml', 'service_requests', 'request')]);
    const parsed = xml.parse(x.text) as { service_requests: { request: Item[] } };
    expect(parsed.service_requests.request[0]).toMatchObject({ service_request_id: created.code, status: 'open', lat: '31.2304' });
  });

  it('answers GET tokens/<token> with the id, in JSON and XML', async () => {
    const { items } = await json('GET', `tokens/${created.token}.json?api_key=${key}`);
    expect(items).toEqual([{ service_request_id: created.code, token: created.token }]);
    expect(shape(items[0]!)).toEqual(shape((JSON.parse(fixture('tokens.response.json')) as Item[])[0]!));
    const x = await call('GET', `tokens/${created.token}.xml?api_key=${key}`);
    expect(xmlFields(x.text, 'service_requests', 'request')).toEqual([specFields('tokens.response.xml', 'service_requests', 'request')]);
  });

  it('finds the grid from a configured address, or takes the key’s own grid for a point without an address', async () => {
    const mapped = await json('POST', 'requests.json', `api_key=${key}&service_code=sanitation&address_string=${encodeURIComponent('幸福小区3栋门口')}&description=${encodeURIComponent('垃圾堆积')}`);
    const point = await json('POST', 'requests.json', `api_key=${key}&service_code=sanitation&lat=31.1&long=121.2&description=${encodeURIComponent('路面积水')}`);
    const { rows } = await t.pg.query<{ code: string; grid: string }>(`select i.code, g.code as grid from incident i join grid g on g.id = i.grid_id where i.code = any($1) order by i.code`, [
      [mapped.items[0]!['service_request_id'], point.items[0]!['service_request_id']],
    ]);
    expect(rows.map((r) => r.grid)).toEqual(['XHG-B03-C07-M11', 'XHG-B03-C07']);
  });

  it('posts in XML with the spec’s XML answer', async () => {
    const x = await call('POST', 'requests.xml', `api_key=${key}&service_code=market&address_string=XHG-B03-C07-M12&description=${encodeURIComponent('占道经营')}`);
    expect(x.status).toBe(201);
    expect(xmlFields(x.text, 'service_requests', 'request')).toEqual([[...specFields('post-requests.response.xml', 'service_requests', 'request'), 'token'].sort()]);
  });

  it('maps our states onto open and closed and filters the time window by status and service code', async () => {
    const worker = await t.token('WORKER', 'XHG-B03-C07');
    const handled = await gqlOk<Op.ReportIncidentMutation>(t.hub, worker, REPORT_INCIDENT, { input: { grid: 'XHG-B03-C07-M12', description: '井盖松动', category: 'FACILITY' } });
    await gqlOk<Op.HandleIncidentMutation>(t.hub, worker, HANDLE_INCIDENT, { code: handled.reportIncident.code, note: '已现场加固' });

    const window = 'start_date=2026-11-22T00:00:00%2B08:00&end_date=2026-11-23T00:00:00%2B08:00';
    const all = await json('GET', `requests.json?api_key=${key}&${window}`);
    expect(all.items).toHaveLength(5);
    const closed = await json('GET', `requests.json?api_key=${key}&${window}&status=closed`);
    expect(closed.items.map((r) => [r['service_request_id'], r['status'], r['status_notes']])).toEqual([[handled.reportIncident.code, 'closed', 'Handled on the spot.']]);
    const open = await json('GET', `requests.json?api_key=${key}&${window}&status=open&service_code=facility`);
    expect(open.items.map((r) => r['service_request_id'])).toEqual([created.code]);
    // The day before holds nothing; the default window (the last 90 days) holds all five.
    expect((await json('GET', `requests.json?api_key=${key}&start_date=2026-11-21T00:00:00%2B08:00&end_date=2026-11-22T00:00:00%2B08:00`)).items).toEqual([]);
    expect((await json('GET', `requests.json?api_key=${key}`)).items).toHaveLength(5);
    // A key of another community sees none of them.
    const other = await t.token('WORKER', 'XHG-B01-C01');
    expect((await json('GET', `requests.json?api_key=${other}`)).items).toEqual([]);
    expect((await json('GET', `requests/${created.code}.json?api_key=${other}`)).status).toBe(404);
  });
});

describe('errors', () => {
  const spec = (JSON.parse(fixture('error.response.json')) as Item[])[0]!;

  it.each([
    ['a missing api_key', 403, 'POST', 'requests', 'service_code=facility&address_string=XHG-B03-C07-M12&description=x'],
    ['a forged api_key', 403, 'GET', 'requests', 'api_key=gh_1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['an unknown service_code', 404, 'POST', 'requests', 'service_code=potholes&address_string=XHG-B03-C07-M12&description=x'],
    ['no location', 400, 'POST', 'requests', 'service_code=facility&description=x'],
    ['an address outside the key’s subtree', 400, 'POST', 'requests', 'service_code=facility&address_string=XHG-B01-C01-M01&description=x'],
    ['half a point', 400, 'POST', 'requests', 'service_code=facility&lat=31.2&description=x'],
    ['a bad status', 400, 'GET', 'requests', 'status=pending'],
    ['a bad date', 400, 'GET', 'requests', 'start_date=yesterday'],
    ['an unknown id', 404, 'GET', 'requests/E20261122-0999', ''],
    ['an unknown token', 404, 'GET', 'tokens/00000000-0000-0000-0000-000000000000', ''],
  ] as const)('answers %s with the spec’s error array and HTTP %d', async (_what, code, method, path, params) => {
    const withKey = (p: string) => (p.startsWith('api_key') || _what === 'a missing api_key' ? p : [`api_key=${key}`, p].filter(Boolean).join('&'));
    for (const format of ['json', 'xml'] as const) {
      const r = method === 'POST' ? await call('POST', `${path}.${format}`, withKey(params)) : await call('GET', `${path}.${format}?${withKey(params)}`);
      expect(r.status).toBe(code);
      if (format === 'json') {
        const items = JSON.parse(r.text) as Item[];
        expect(items).toHaveLength(1);
        expect(shape(items[0]!)).toEqual(shape(spec));
        expect(items[0]!['code']).toBe(code);
      } else {
        expect(xmlFields(r.text, 'errors', 'error')).toEqual([specFields('error.response.xml', 'errors', 'error')]);
        expect((xml.parse(r.text) as { errors: { error: Item[] } }).errors.error[0]!['code']).toBe(String(code));
      }
    }
  });
});
