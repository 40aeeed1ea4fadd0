import type * as Op from '../generated/operations';
import { GRID_CHANGED, ISSUE_TOKEN, RECOLOR_GRID, RENAME_GRID, REVOKE_TOKEN, VIEWER } from '../operations';
import { ADMIN, collect, gql, gqlOk, settle, useHub } from '../setup/hub';

type Change = Op.GridChangedSubscription;

// Two hub processes' worth of state on one PostgreSQL and one Redis.
const t = useHub({ redis: true, instances: 2 });
const a = () => t.hubs[0]!;
const b = () => t.hubs[1]!;

it('a change made through one instance reaches a subscriber connected to the other', async () => {
  const feed = collect<Change>(t.ws(ADMIN, b()), GRID_CHANGED, { scope: 'XHG' });
  await settle(300);
  await gqlOk(a(), ADMIN, RENAME_GRID, { code: 'XHG-B01', name: '西航港第一片区（新）' });
  await feed.until(1);
  expect(feed.events[0]!.gridChanged).toMatchObject({ kind: 'RENAMED', code: 'XHG-B01', name: '西航港第一片区（新）' });
  expect(feed.errors).toEqual([]);
});

it('a community-scoped subscriber receives its own subtree and nothing of a sibling', async () => {
  const chief = await t.token('CHIEF', 'XHG-B03-C07');
  const own = collect<Change>(t.ws(chief, b()), GRID_CHANGED);
  const ownExplicit = collect<Change>(t.ws(chief, a()), GRID_CHANGED, { scope: 'XHG-B03-C07-M12' });
  await settle(300);
  await gqlOk(a(), ADMIN, RECOLOR_GRID, { code: 'XHG-B03-C06-M01', color: 'RED' });
  await gqlOk(a(), ADMIN, RECOLOR_GRID, { code: 'XHG-B03', color: 'YELLOW' });
  await gqlOk(a(), ADMIN, RECOLOR_GRID, { code: 'XHG-B03-C07-M12', color: 'YELLOW' });
  await own.until(1);
  await ownExplicit.until(1);
  await settle(300);
  expect(own.events.map((e) => e.gridChanged.code)).toEqual(['XHG-B03-C07-M12']);
  expect(ownExplicit.events.map((e) => e.gridChanged.code)).toEqual(['XHG-B03-C07-M12']);
});

it('refuses to subscribe to a scope outside the token’s subtree', async () => {
  const chief = await t.token('CHIEF', 'XHG-B03-C07');
  const feed = collect<Change>(t.ws(chief, a()), GRID_CHANGED, { scope: 'XHG-B03-C06' });
  await feed.until(1);
  expect(JSON.stringify(feed.errors)).toContain('NOT_FOUND');
  expect(feed.events).toEqual([]);
});

it('closes a socket without a valid token as UNAUTHENTICATED', async () => {
  for (const bearer of [null, 'gh_1_' + 'B'.repeat(43)]) {
    const feed = collect<Change>(t.ws(bearer, a()), GRID_CHANGED);
    await feed.until(1);
    const err = feed.errors[0] as { code?: number; reason?: string };
    expect({ code: err.code, reason: err.reason }).toEqual({ code: 4401, reason: 'UNAUTHENTICATED' });
  }
});

it('stops serving new operations on a socket whose token was revoked', async () => {
  const issued = await gqlOk<Op.IssueTokenMutation, Op.IssueTokenMutationVariables>(a(), ADMIN, ISSUE_TOKEN, { input: { role: 'VIEWER', grid: 'XHG' } });
  const c = t.ws(issued.issueToken.token, a());
  const first = collect<Change>(c, GRID_CHANGED);
  await settle(300);
  await gqlOk(a(), ADMIN, REVOKE_TOKEN, { id: issued.issueToken.id });
  const second = collect<Change>(c, GRID_CHANGED);
  await second.until(1);
  expect(JSON.stringify(second.errors)).toContain('UNAUTHENTICATED');
  first.unsubscribe();
  expect((await gql(a(), issued.issueToken.token, VIEWER)).status).toBe(401);
});
