import type * as Op from '../generated/operations';
import { CREATE_GRID, DELETE_GRID, GRID, GRIDS_PAGE, ISSUE_TOKEN, MOVE_GRID, RECOLOR_GRID, REGISTER_MEMBER, RENAME_GRID, REVOKE_TOKEN, VIEWER } from '../operations';
import { BROKEN_SYNTAX, COSTLY_GRIDS, nestedChildren } from '../refused-operations';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const statements: string[] = [];
const t = useHub({ onQuery: (sql) => statements.push(sql) });
const token = (role: Op.Role, grid: string | null, ttlHours?: number) => t.token(role, grid, ttlHours);

describe('reading the grid tree', () => {
  it('returns a grid with its parent and children by code, case-insensitively', async () => {
    const d = await gqlOk<Op.GridQuery, Op.GridQueryVariables>(t.hub, ADMIN, GRID, { code: 'xhg-b03-c07-m12' });
    expect(d.grid).toMatchObject({ code: 'XHG-B03-C07-M12', level: 'MICRO_GRID', parent: { code: 'XHG-B03-C07' } });
    expect(d.grid.children.map((c) => c.code)).toEqual(['XHG-B03-C07-M12-U01', 'XHG-B03-C07-M12-U02', 'XHG-B03-C07-M12-U03']);
    expect(d.grid.households).toBeGreaterThan(0);
  });

  it('serves the demo city: 1 street, 11 blocks, 16 communities, 151 micro-grids', async () => {
    const count = async (level: Op.GridLevel) => {
      let after: string | null = null;
      let n = 0;
      for (;;) {
        const d: Op.GridsPageQuery = await gqlOk<Op.GridsPageQuery, Op.GridsPageQueryVariables>(t.hub, ADMIN, GRIDS_PAGE, { under: 'XHG', level, first: 100, after });
        n += d.grids.length;
        if (d.grids.length < 100) return n;
        after = d.grids[d.grids.length - 1]!.code;
      }
    };
    expect(await count('STREET')).toBe(1);
    expect(await count('BLOCK')).toBe(11);
    expect(await count('COMMUNITY')).toBe(16);
    expect(await count('MICRO_GRID')).toBe(151);
  });

  it('loads a page of 100 grids with parents and members in a constant number of statements', async () => {
    const run = async (first: number) => {
      statements.length = 0;
      const d = await gqlOk<Op.GridsPageQuery, Op.GridsPageQueryVariables>(t.hub, ADMIN, GRIDS_PAGE, { under: 'XHG', level: 'UNIT', first });
      expect(d.grids).toHaveLength(first);
      expect(d.grids.every((g) => g.parent && g.members.length > 0)).toBe(true);
      return statements.length;
    };
    const small = await run(5);
    const large = await run(100);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(4);
  });

  it('rejects a page larger than 500 with BAD_USER_INPUT', async () => {
    const r = await gql(t.hub, ADMIN, GRIDS_PAGE, { first: 501 });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('scoped tokens', () => {
  it('a community token sees its own subtree and nothing of a sibling community', async () => {
    const chief = await token('CHIEF', 'XHG-B03-C07');
    expect((await gqlOk<Op.ViewerQuery>(t.hub, chief, VIEWER)).viewer).toEqual({ role: 'CHIEF', scope: 'XHG-B03-C07' });
    const own = await gqlOk<Op.GridQuery, Op.GridQueryVariables>(t.hub, chief, GRID, { code: 'XHG-B03-C07-M12' });
    expect(own.grid.code).toBe('XHG-B03-C07-M12');
    // Its own root's parent lies outside the scope: null, not the data.
    const root = await gqlOk<Op.GridQuery, Op.GridQueryVariables>(t.hub, chief, GRID, { code: 'XHG-B03-C07' });
    expect(root.grid.parent).toBeNull();
    for (const code of ['XHG-B03-C06', 'XHG-B03-C06-M01', 'XHG', 'XHG-B03']) {
      const r = await gql<Op.GridQuery>(t.hub, chief, GRID, { code });
      expect(r.data).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(r)).not.toContain('社区第');
    }
    const list = await gqlOk<Op.GridsPageQuery, Op.GridsPageQueryVariables>(t.hub, chief, GRIDS_PAGE, { first: 500 });
    expect(list.grids.length).toBe(1 + 14 + 14 * 3);
    expect(list.grids.every((g) => g.code.startsWith('XHG-B03-C07'))).toBe(true);
    const sibling = await gql(t.hub, chief, GRIDS_PAGE, { under: 'XHG-B03-C06' });
    expect(sibling.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses missing, forged, expired and revoked tokens with UNAUTHENTICATED', async () => {
    const forged = 'gh_1_' + 'A'.repeat(43);
    const expired = await token('VIEWER', 'XHG', 1);
    const revokedRes = await gqlOk<Op.IssueTokenMutation, Op.IssueTokenMutationVariables>(t.hub, ADMIN, ISSUE_TOKEN, { input: { role: 'VIEWER', grid: 'XHG' } });
    await gqlOk(t.hub, revokedRes.issueToken.token, VIEWER);
    await gqlOk(t.hub, ADMIN, REVOKE_TOKEN, { id: revokedRes.issueToken.id });
    // Expire the short-lived token by moving its deadline into the past in the database.
    await t.hub.deps.orm.em.fork().getConnection().execute(`update api_token set expires_at = now() - interval '1 minute' where expires_at < now() + interval '2 hours'`);
    for (const bearer of [null, 'nonsense', forged, expired, revokedRes.issueToken.token]) {
      const r = await gql(t.hub, bearer, VIEWER);
      expect(r.status).toBe(401);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lets roles gate mutations: a worker may not create grids, a chief may recolour in scope only', async () => {
    const worker = await token('WORKER', 'XHG-B03-C07-M12');
    const r = await gql(t.hub, worker, CREATE_GRID, { input: { code: 'XHG-B03-C07-M12-U09', name: '9栋', level: 'UNIT', parent: 'XHG-B03-C07-M12' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const chief = await token('CHIEF', 'XHG-B03-C07');
    const ok = await gqlOk<Op.RecolorGridMutation>(t.hub, chief, RECOLOR_GRID, { code: 'XHG-B03-C07-M12', color: 'RED' });
    expect(ok.recolorGrid.riskColor).toBe('RED');
    const outside = await gql(t.hub, chief, RECOLOR_GRID, { code: 'XHG-B03-C06-M01', color: 'RED' });
    expect(outside.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const mint = await gql(t.hub, chief, ISSUE_TOKEN, { input: { role: 'WORKER', grid: 'XHG-B03-C07' } });
    expect(mint.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a commander cannot mint a token above their own grid', async () => {
    const commander = await token('COMMANDER', 'XHG-B03');
    const r = await gql(t.hub, commander, ISSUE_TOKEN, { input: { role: 'VIEWER', grid: 'XHG' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const ok = await gqlOk<Op.IssueTokenMutation>(t.hub, commander, ISSUE_TOKEN, { input: { role: 'VIEWER', grid: 'XHG-B03-C05' } });
    expect(ok.issueToken.grid).toBe('XHG-B03-C05');
  });
});

describe('changing the tree', () => {
  it('creates, renames, moves and deletes a grid without members', async () => {
    const created = await gqlOk<Op.CreateGridMutation, Op.CreateGridMutationVariables>(t.hub, ADMIN, CREATE_GRID, {
      input: { code: 'xhg-b03-c07-m12-u04', name: '4栋', level: 'UNIT', parent: 'XHG-B03-C07-M12', households: 40 },
    });
    expect(created.createGrid).toEqual({ code: 'XHG-B03-C07-M12-U04', name: '4栋', level: 'UNIT', depth: 4, parent: { code: 'XHG-B03-C07-M12' } });
    const renamed = await gqlOk<Op.RenameGridMutation>(t.hub, ADMIN, RENAME_GRID, { code: 'XHG-B03-C07-M12-U04', name: '四栋' });
    expect(renamed.renameGrid.name).toBe('四栋');
    const moved = await gqlOk<Op.MoveGridMutation>(t.hub, ADMIN, MOVE_GRID, { code: 'XHG-B03-C07-M12-U04', parent: 'XHG-B03-C07-M11' });
    expect(moved.moveGrid).toEqual({ code: 'XHG-B03-C07-M12-U04', depth: 4, parent: { code: 'XHG-B03-C07-M11' } });
    // The moved grid now shows under its new parent's subtree.
    const under = await gqlOk<Op.GridsPageQuery>(t.hub, ADMIN, GRIDS_PAGE, { under: 'XHG-B03-C07-M11', level: 'UNIT' });
    expect(under.grids.map((g) => g.code)).toContain('XHG-B03-C07-M12-U04');
    await gqlOk(t.hub, ADMIN, DELETE_GRID, { code: 'XHG-B03-C07-M12-U04' });
    const gone = await gql(t.hub, ADMIN, GRID, { code: 'XHG-B03-C07-M12-U04' });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses to move or delete a grid that has members or children, naming what holds it', async () => {
    const del = await gql(t.hub, ADMIN, DELETE_GRID, { code: 'XHG-B03-C07-M12-U01' });
    expect(del.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(del.errors?.[0]?.message).toMatch(/1 members/);
    const move = await gql(t.hub, ADMIN, MOVE_GRID, { code: 'XHG-B03-C07-M12', parent: 'XHG-B03-C06' });
    expect(move.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(move.errors?.[0]?.message).toMatch(/children/);
  });

  it('validates input: bad codes, levels that cannot nest, taken codes, unknown departments', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [CREATE_GRID, { input: { code: 'bad code!', name: 'x', level: 'UNIT', parent: 'XHG' } }, 'BAD_USER_INPUT'],
      [CREATE_GRID, { input: { code: 'XHG-B99', name: 'x', level: 'STREET', parent: 'XHG' } }, 'BAD_USER_INPUT'],
      [CREATE_GRID, { input: { code: 'XHG-B01', name: 'x', level: 'BLOCK', parent: 'XHG' } }, 'CONFLICT'],
      [CREATE_GRID, { input: { code: 'XHG-B98', name: ' ', level: 'BLOCK', parent: 'XHG' } }, 'BAD_USER_INPUT'],
      [CREATE_GRID, { input: { code: 'XHG-B98', name: 'x', level: 'NOPE', parent: 'XHG' } }, 'BAD_USER_INPUT'],
      [REGISTER_MEMBER, { input: { grid: 'XHG-B01', name: '张三', role: 'DEPARTMENT', department: '不存在' } }, 'NOT_FOUND'],
      [REGISTER_MEMBER, { input: { grid: 'XHG-B01', name: '张三', role: 'WORKER', phone: 'call me' } }, 'BAD_USER_INPUT'],
    ];
    for (const [q, v, code] of cases) {
      const r = await gql(t.hub, ADMIN, q, v);
      expect({ v, code: r.errors?.[0]?.extensions?.code }).toEqual({ v, code });
      expect(JSON.stringify(r)).not.toMatch(/stacktrace|\.ts:\d+|at \w+ \(/);
    }
  });

  it('registers a member who then shows on the grid', async () => {
    const m = await gqlOk<Op.RegisterMemberMutation>(t.hub, ADMIN, REGISTER_MEMBER, { input: { grid: 'XHG-B01-C01-M01', name: '陈志强', role: 'VOLUNTEER', phone: '13900001111' } });
    expect(m.registerMember).toMatchObject({ name: '陈志强', role: 'VOLUNTEER' });
    const d = await gqlOk<Op.GridsPageQuery>(t.hub, ADMIN, GRIDS_PAGE, { under: 'XHG-B01-C01-M01', level: 'MICRO_GRID' });
    expect(d.grids[0]!.members.map((x) => x.name)).toContain('陈志强');
  });
});

describe('limits and errors', () => {
  it('refuses queries deeper than the depth limit', async () => {
    const r = await gql(t.hub, ADMIN, nestedChildren(12));
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.errors?.[0]?.message).toMatch(/depth/);
  });

  it('refuses queries whose estimated cost is too high', async () => {
    const r = await gql(t.hub, ADMIN, COSTLY_GRIDS);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/cost/);
  });

  it('answers syntax errors with a code and no stack trace', async () => {
    const r = await gql(t.hub, ADMIN, BROKEN_SYNTAX);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(r)).not.toMatch(/stacktrace/);
  });

  it('reports readiness of the database', async () => {
    const res = await fetch(t.hub.url.replace('/graphql', '/readyz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', checks: { database: true, redis: 'disabled' } });
    expect((await fetch(t.hub.url.replace('/graphql', '/healthz'))).status).toBe(200);
  });
});
