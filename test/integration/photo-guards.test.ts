import { createHash } from 'node:crypto';
import { OPERATOR } from '../../src/domain/actor';
import { ManualClock } from '../../src/infra/clock';
import { photoSweepJob } from '../../src/jobs/photo-sweep.job';
import { createScope } from '../../src/scope';
import type * as Op from '../generated/operations';
import { ISSUE_BIND_CODE, REGISTER_MEMBER, REPORT_INCIDENT, VERIFY_INCIDENT } from '../operations';
import { codeIn, say } from '../setup/bot';
import { getPhoto, jpegOf, postPhoto, uploadPhoto } from '../factories/photos';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const clock = new ManualClock(new Date('2026-11-22T02:00:00Z'));
const t = useHub({ clock, bots: true, env: { PHOTO_QUOTA_PER_DAY: '4', PHOTO_QUOTA_MB_PER_DAY: '1' } });
const M1 = 'XHG-B01-C01-M01';
const M2 = 'XHG-B01-C01-M02';
/** The storage key a photo's bytes get (content-addressed). */
const keyOf = (tag: string) => `photos/${createHash('sha256').update(jpegOf(tag)).digest('hex')}.jpg`;
const report = (token: string, grid: string, photos: string[]) => gql<Op.ReportIncidentMutation>(t.hub, token, REPORT_INCIDENT, { input: { grid, description: '井盖缺失，夜间危险', photos } });

describe('who sees a photo and who may put it on an incident', () => {
  it('serves a photo to its uploader until an incident refers to it, then to tokens whose subtree holds that incident', async () => {
    const w1 = await t.token('WORKER', M1);
    const w2 = await t.token('WORKER', M2);
    const community = await t.token('VIEWER', 'XHG-B01-C01');
    const key = await uploadPhoto(t.hub, w1, jpegOf('seen'));
    expect((await getPhoto(t.hub, w1, key)).status).toBe(200);
    // Nobody else sees an unreferenced upload, and a key nobody may see reads as missing.
    for (const tk of [w2, community]) expect((await getPhoto(t.hub, tk, key)).status).toBe(404);

    const code = (await report(w1, M1, [key])).data!.reportIncident.code;
    expect(code).toMatch(/^E/);
    expect((await getPhoto(t.hub, community, key)).status).toBe(200);
    expect((await getPhoto(t.hub, await t.token('COMMANDER', 'XHG'), key)).status).toBe(200);
    expect((await getPhoto(t.hub, w1, key)).status).toBe(200);
    // The sibling grid's worker does not hold the incident.
    const sibling = await getPhoto(t.hub, w2, key);
    expect({ status: sibling.status, body: await sibling.json() }).toEqual({ status: 404, body: { error: expect.objectContaining({ code: 'NOT_FOUND' }) } });
  });

  it('incident steps accept only keys uploaded by the same token, member or a grid of the subtree', async () => {
    const w1 = await t.token('WORKER', M1);
    const w1b = await t.token('WORKER', M1);
    const w2 = await t.token('WORKER', M2);
    const key = await uploadPhoto(t.hub, w1, jpegOf('mine'));
    const stolen = await report(w2, M2, [key]);
    expect(stolen.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PHOTO_NOT_YOURS', key });
    const never = `photos/${'f'.repeat(64)}.jpg`;
    expect((await report(w1, M1, [never])).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PHOTO_NOT_YOURS', key: never });
    // Another token of the same grid, and the community's chief above it, may use it.
    expect((await report(w1b, M1, [key])).errors).toBeUndefined();
    expect((await report(await t.token('CHIEF', 'XHG-B01-C01'), M1, [key])).errors).toBeUndefined();
    // A later step is checked alike.
    const code = (await report(w1, M1, [])).data!.reportIncident.code;
    expect((await gql(t.hub, ADMIN, VERIFY_INCIDENT, { code, photos: [never], note: null })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('records a photo sent to the bot with the group’s grid, so that grid’s tokens may use it and its viewers see it', async () => {
    const code = codeIn((await say(t.hub, M2, 'worker', '#上报 路灯杆倾斜'))[0]);
    const jpeg = Buffer.from(jpegOf('from chat'));
    expect(await say(t.hub, M2, 'worker', null, jpeg)).toEqual([expect.stringContaining(code)]);
    const { rows } = await t.pg.query(`select p.key, p.uploader_token_id, g.code as grid from photo p join grid g on g.id = p.uploader_grid_id where p.referenced_at is not null and p.uploader_token_id is null`);
    expect(rows).toEqual([expect.objectContaining({ uploader_token_id: null, grid: M2 })]);
    const key = rows[0].key as string;
    expect((await getPhoto(t.hub, await t.token('VIEWER', M2), key)).status).toBe(200);
    expect((await getPhoto(t.hub, await t.token('VIEWER', M1), key)).status).toBe(404);
    expect((await report(await t.token('WORKER', M2), M2, [key])).errors).toBeUndefined();
    expect((await report(await t.token('WORKER', M1), M1, [key])).errors?.[0]?.extensions?.reason).toBe('PHOTO_NOT_YOURS');
  });

  it('refuses a photo sent to the bot by a bound viewer, who only watches, as POST /photos does; an unbound resident’s photo is still kept', async () => {
    const registered = await gqlOk<Op.RegisterMemberMutation>(t.hub, ADMIN, REGISTER_MEMBER, { input: { grid: M2, name: '林只看', role: 'VIEWER' } });
    const viewer = Number(registered.registerMember.id);
    const code = (await gqlOk<Op.IssueBindCodeMutation>(t.hub, ADMIN, ISSUE_BIND_CODE, { member: viewer })).issueBindCode.code;
    expect(await say(t.hub, M2, '林只看', `#绑定 ${code}`)).toEqual([expect.stringContaining('绑定成功')]);
    const stored = async (tag: string) => (await t.pg.query(`select uploader_member_id from photo where key = $1`, [keyOf(tag)])).rows;
    await say(t.hub, M2, '林只看', null, Buffer.from(jpegOf('viewer in chat')));
    expect(await stored('viewer in chat')).toEqual([]);
    // A resident (a contact bound to nobody) may send a photo with their report, as before.
    await say(t.hub, M2, '王路人', null, Buffer.from(jpegOf('resident in chat')));
    expect(await stored('resident in chat')).toEqual([{ uploader_member_id: null }]);
  });
});

describe('upload quota per token', () => {
  it('counts photos and bytes per token over a day: past either, 429 with the time until the oldest upload leaves the day', async () => {
    const tk = await t.token('WORKER', M1);
    for (let i = 0; i < 4; i++) expect((await postPhoto(t.hub, tk, jpegOf(`quota ${i}`))).status).toBe(201);
    const fifth = await postPhoto(t.hub, tk, jpegOf('quota 5'));
    expect(fifth.status).toBe(429);
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(23 * 3600);
    expect(await fifth.json()).toEqual({ error: expect.objectContaining({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) }) });
    // Another token has its own quota; a day later this one's is free again.
    expect((await postPhoto(t.hub, await t.token('WORKER', M1), jpegOf('other token'))).status).toBe(201);
    clock.advance(24 * 3600_000 + 1000);
    expect((await postPhoto(t.hub, tk, jpegOf('next day'))).status).toBe(201);

    // Bytes: 1 MB a day (PHOTO_QUOTA_MB_PER_DAY=1).
    const big = await t.token('WORKER', M1);
    const half = new Uint8Array(600 * 1024);
    half.set(jpegOf('big'));
    expect((await postPhoto(t.hub, big, half)).status).toBe(201);
    half[half.length - 1] = 1;
    expect((await postPhoto(t.hub, big, half)).status).toBe(429);
  });
});

describe('the sweep of unreferenced photos', () => {
  it('deletes uploads no incident refers to a day after their upload, rows and files, and keeps the referenced and the recent', async () => {
    const tk = await t.token('WORKER', M1);
    const unused = await uploadPhoto(t.hub, tk, jpegOf('unused'));
    const used = await uploadPhoto(t.hub, tk, jpegOf('used'));
    expect((await report(tk, M1, [used])).errors).toBeUndefined();
    clock.advance(23 * 3600_000);
    const recent = await uploadPhoto(t.hub, tk, jpegOf('recent'));
    clock.advance(2 * 3600_000);

    const storage = t.hub.deps.photoStorage;
    expect(await storage.get(unused)).not.toBeNull();
    const swept = await photoSweepJob.run(createScope(t.hub.deps, OPERATOR), clock.now());
    expect(swept.files).toBeGreaterThanOrEqual(1);
    expect(await storage.get(unused)).toBeNull();
    expect(await storage.get(used)).not.toBeNull();
    expect(await storage.get(recent)).not.toBeNull();
    const { rows } = await t.pg.query(`select key from photo where key = any($1::text[])`, [[unused, used, recent]]);
    expect(rows.map((r) => r.key).sort()).toEqual([used, recent].sort());
    // The uploader no longer sees it, and it can no longer go on an incident.
    expect((await getPhoto(t.hub, tk, unused)).status).toBe(404);
    expect((await report(tk, M1, [unused])).errors?.[0]?.extensions?.reason).toBe('PHOTO_NOT_YOURS');
  });
});
