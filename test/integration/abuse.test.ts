import WebSocket from 'ws';
import type * as Op from '../generated/operations';
import { ACKNOWLEDGE_INSTRUCTION, CREATE_GRID, INCIDENT_TIMELINES, ISSUE_INSTRUCTION, ISSUE_TOKEN, REGISTER_MEMBER, REPORT_INCIDENT, REVOKE_TOKENS_BY_LABEL, TOKENS, VIEWER } from '../operations';
import { ALIASED_TIMELINES } from '../refused-operations';
import { ADMIN, gql, gqlOk, useHub } from '../setup/hub';

const statements: string[] = [];
const t = useHub({ onQuery: (sql) => statements.push(sql) });
const token = (role: Op.Role, grid: string | null) => t.token(role, grid);
const M = 'XHG-B01-C01-M01';

describe('who may give which role', () => {
  it('a registrar gives only roles below their own: a chief cannot register a commander to bind to', async () => {
    const chief = await token('CHIEF', M);
    const register = (tk: string, role: Op.Role, name: string) => gql<Op.RegisterMemberMutation>(t.hub, tk, REGISTER_MEMBER, { input: { grid: M, name, role } });
    for (const role of ['COMMANDER', 'INSTRUCTOR', 'CHIEF'] as const) {
      expect({ role, code: (await register(chief, role, '冒名者')).errors?.[0]?.extensions?.code }).toEqual({ role, code: 'FORBIDDEN' });
    }
    expect((await register(chief, 'WORKER', '王小二')).data?.registerMember).toMatchObject({ role: 'WORKER' });
    const commander = await token('COMMANDER', 'XHG');
    expect((await register(commander, 'COMMANDER', '冒名者')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await register(commander, 'CHIEF', '李网格')).data?.registerMember).toMatchObject({ role: 'CHIEF' });
    expect((await register(ADMIN, 'COMMANDER', '周指挥')).data?.registerMember).toMatchObject({ role: 'COMMANDER' });
    const { rows } = await t.pg.query(`select count(*)::int as n from member where name = '冒名者'`);
    expect(rows[0]).toEqual({ n: 0 });
  });
});

describe('message size', () => {
  const big = (bytes: number) => JSON.stringify({ query: VIEWER, variables: { pad: 'x'.repeat(bytes) } });

  it('an HTTP body over 2 MB is refused with 413', async () => {
    const res = await fetch(t.hub.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` }, body: big(3 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('a WebSocket message over 2 MB closes the socket (1009), as the HTTP body limit refuses it', async () => {
    const socket = new WebSocket(t.hub.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ADMIN}`, pad: 'x'.repeat(3 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('a WebSocket message under the limit still works', async () => {
    const client = t.ws(ADMIN);
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe({ query: VIEWER, variables: { pad: 'x'.repeat(1024 * 1024) } }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result).toEqual({ data: { viewer: { role: 'ADMIN', scope: null } } });
  });
});

describe('text that PostgreSQL cannot store', () => {
  const NUL = '\u0000';
  const LONE = '\uD800';

  it('NUL and lone surrogates in names, instructions and notes never make a mutation fail with an internal error', async () => {
    const grid = await gql<Op.CreateGridMutation>(t.hub, ADMIN, CREATE_GRID, { input: { code: 'XHG-B01-C01-M01-U77', name: `新单元${NUL}${LONE}`, level: 'UNIT', parent: M } });
    expect(grid.errors).toBeUndefined();
    expect(grid.data?.createGrid.name).toBe('新单元\uFFFD');
    const member = await gql<Op.RegisterMemberMutation>(t.hub, ADMIN, REGISTER_MEMBER, { input: { grid: M, name: `${LONE}赵${NUL}六`, role: 'WORKER' } });
    expect(member.data?.registerMember.name).toBe('\uFFFD赵六');
    const commander = await token('COMMANDER', 'XHG');
    const issued = await gql<Op.IssueInstructionMutation>(t.hub, commander, ISSUE_INSTRUCTION, { input: { scope: 'XHG-B01-C01', grade: 'III', title: `排查${NUL}燃气`, body: `逐户${LONE}排查` } });
    expect(issued.errors).toBeUndefined();
    expect(issued.data?.issueInstruction.title).toBe('排查燃气');
    const chief = await token('CHIEF', M);
    const ack = await gql<Op.AcknowledgeInstructionMutation>(t.hub, chief, ACKNOWLEDGE_INSTRUCTION, { code: issued.data!.issueInstruction.code, grid: null, note: `收到${NUL}${LONE}` });
    expect(ack.errors).toBeUndefined();
    // A code with a NUL is a code that does not exist, not a crash.
    const wrong = await gql(t.hub, chief, ACKNOWLEDGE_INSTRUCTION, { code: `I2026${NUL}`, grid: null, note: null });
    expect(wrong.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(await gqlOk<Op.ViewerQuery>(t.hub, ADMIN, VIEWER)).toEqual({ viewer: { role: 'ADMIN', scope: null } });
  });
});

describe('query cost', () => {
  it('weights every list by its page size: forty aliased pages of incidents with timelines are refused before any SQL runs', async () => {
    statements.length = 0;
    const r = await gql(t.hub, ADMIN, ALIASED_TIMELINES);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/cost/);
    expect(statements.filter((q) => /incident/.test(q))).toEqual([]);
  });

  it('loads the timelines of a page of incidents in one statement', async () => {
    for (let i = 0; i < 5; i++) await gqlOk(t.hub, ADMIN, REPORT_INCIDENT, { input: { grid: M, description: `楼道堆放杂物 ${i}` } });
    statements.length = 0;
    const d = await gqlOk<Op.IncidentTimelinesQuery>(t.hub, ADMIN, INCIDENT_TIMELINES, { filter: { under: M }, first: 5 });
    expect(d.incidents.edges).toHaveLength(5);
    for (const e of d.incidents.edges) expect(e.node.timeline).toHaveLength(1);
    expect(statements.filter((q) => /from "incident_event"/.test(q))).toHaveLength(1);
  });
});

describe('tokens by label and API-only instances', () => {
  it('lists tokens by label inside the subtree and revokes them all by label', async () => {
    const mint = async (grid: string, label: string) =>
      (await gqlOk<Op.IssueTokenMutation>(t.hub, ADMIN, ISSUE_TOKEN, { input: { role: 'WORKER', grid, label } })).issueToken.token;
    const lost = [await mint(M, '平板-07'), await mint('XHG-B01-C01-M02', '平板-07')];
    const kept = await mint(M, '平板-08');
    const listed = await gqlOk<Op.TokensQuery>(t.hub, ADMIN, TOKENS, { label: '平板-07' });
    expect(listed.tokens.map((x) => ({ label: x.label, grid: x.grid, revokedAt: x.revokedAt }))).toEqual([
      { label: '平板-07', grid: 'XHG-B01-C01-M02', revokedAt: null },
      { label: '平板-07', grid: M, revokedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(lost[0]!.slice(-20));
    // Another block's commander neither sees nor revokes them; a worker may do neither.
    const other = await token('COMMANDER', 'XHG-B02');
    expect((await gqlOk<Op.TokensQuery>(t.hub, other, TOKENS, { label: '平板-07' })).tokens).toEqual([]);
    expect((await gqlOk<Op.RevokeTokensByLabelMutation>(t.hub, other, REVOKE_TOKENS_BY_LABEL, { label: '平板-07' })).revokeTokensByLabel).toBe(0);
    expect((await gql(t.hub, kept, TOKENS, { label: null })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expect((await gqlOk<Op.RevokeTokensByLabelMutation>(t.hub, ADMIN, REVOKE_TOKENS_BY_LABEL, { label: '平板-07' })).revokeTokensByLabel).toBe(2);
    for (const tk of lost) expect((await gql(t.hub, tk, VIEWER)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await gqlOk<Op.ViewerQuery>(t.hub, kept, VIEWER)).viewer.role).toBe('WORKER');
    expect((await gqlOk<Op.RevokeTokensByLabelMutation>(t.hub, ADMIN, REVOKE_TOKENS_BY_LABEL, { label: '平板-07' })).revokeTokensByLabel).toBe(0);
  });

  it('BOT=off runs an API-only instance: no bots, no bot checks, the API serves', async () => {
    const api = await t.start({ env: { BOT: 'off' }, bots: true });
    expect(api.bots).toBeNull();
    const ready = (await (await fetch(api.url.replace('/graphql', '/readyz'))).json()) as { checks: Record<string, unknown> };
    expect(Object.keys(ready.checks).filter((k) => k.startsWith('bot:'))).toEqual([]);
    expect((await gqlOk<Op.ViewerQuery>(api, ADMIN, VIEWER)).viewer.role).toBe('ADMIN');
    await t.stop(api);
  });
});
