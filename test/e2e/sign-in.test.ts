import type * as Op from '../generated/operations';
import { ISSUE_TOKEN, REVOKE_TOKEN } from '../operations';
import { ADMIN, gqlOk } from '../setup/hub';
import { commandCentreSuite, screenshot, signedIn } from '../setup/web';

const suite = commandCentreSuite();

it('a community chief signs in through the URL fragment and sees only that community', async () => {
  const [cc, page] = [suite.cc, suite.page()];
  const token = await cc.token('CHIEF', 'XHG-B03-C07');
  await signedIn(page, cc.pageUrl, token);
  // The token left the address bar and lives in session storage.
  expect(new URL(page.url()).hash).toBe('#/');
  expect(await page.evaluate('sessionStorage.getItem("gridhub.token")')).toBe(token);
  const viewer = await page.locator('[data-testid="viewer"]').innerText();
  expect(viewer).toContain('网格长');
  expect(viewer).toContain('XHG-B03-C07');

  const rows = page.locator('[data-testid="grid-children"] tbody tr');
  await rows.first().waitFor();
  const codes = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-grid')));
  expect(codes).toHaveLength(14);
  expect(codes.every((c) => c!.startsWith('XHG-B03-C07-M'))).toBe(true);
  await page.locator('[data-tile="reported"] .value').filter({ hasText: '0' }).waitFor();
  await screenshot(page, 'overview-chief');

  // Drill into a micro-grid: its governance units.
  await rows.filter({ hasText: 'XHG-B03-C07-M12' }).getByRole('button', { name: '下钻' }).click();
  await page.locator('[data-testid="grid-children"] tbody tr[data-grid="XHG-B03-C07-M12-U01"]').waitFor();

  // A grid of another community does not exist for this token.
  await page.goto(`${cc.pageUrl}#/incidents?under=XHG-B01`);
  await page.getByText('未找到，或不在您的管辖范围内').waitFor();

  // A reload keeps the session (session storage), without the fragment.
  await page.reload();
  await page.locator('[data-live="online"]').waitFor();
});

it('a forged token gets a clear message on the sign-in form, not a blank page', async () => {
  const [cc, page] = [suite.cc, suite.page()];
  await page.goto(`${cc.pageUrl}#token=gh_1_forged-token-that-the-hub-never-issued`);
  const error = page.locator('[data-testid="sign-in-error"]');
  await error.waitFor();
  expect(await error.innerText()).toContain('令牌无效、已过期或已被撤销');
  expect(await page.evaluate('sessionStorage.getItem("gridhub.token")')).toBeNull();
  await screenshot(page, 'sign-in-bad-token');
});

it('an expired token typed into the form is refused with the same clear message', async () => {
  const [cc, page] = [suite.cc, suite.page()];
  const token = await cc.token('VIEWER', 'XHG');
  const id = /^gh_(\d+)_/.exec(token)![1];
  await cc.pg.query(`update api_token set expires_at = now() - interval '1 minute' where id = $1`, [id]);
  await page.goto(cc.pageUrl);
  await page.locator('input[name="token"]').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('[data-testid="sign-in-error"]').filter({ hasText: '令牌无效、已过期或已被撤销' }).waitFor();
});

it('a token revoked while the page is open sends the person back to sign in with the reason', async () => {
  const [cc, page] = [suite.cc, suite.page()];
  const issued = await gqlOk<Op.IssueTokenMutation, Op.IssueTokenMutationVariables>(cc.hub, ADMIN, ISSUE_TOKEN, { input: { role: 'COMMANDER', grid: 'XHG' } });
  await signedIn(page, cc.pageUrl, issued.issueToken.token);
  await gqlOk<Op.RevokeTokenMutation, Op.RevokeTokenMutationVariables>(cc.hub, ADMIN, REVOKE_TOKEN, { id: issued.issueToken.id });
  await page.goto(`${cc.pageUrl}#/incidents`);
  await page.locator('[data-testid="sign-in-error"]').filter({ hasText: '令牌无效、已过期或已被撤销' }).waitFor();
});

it('the GraphQL explorer at /graphql is the hub’s own page and runs an operation with the page’s token', async () => {
  const [cc, page] = [suite.cc, suite.page()];
  const token = await cc.token('CHIEF', 'XHG-B03-C07');
  await signedIn(page, cc.pageUrl, token);
  const external: string[] = [];
  page.on('request', (r) => void (new URL(r.url()).origin !== new URL(cc.pageUrl).origin && external.push(r.url())));
  await page.goto(cc.hub.url);
  await page.getByRole('heading', { name: 'GridHub GraphQL 调试台' }).waitFor();
  expect(await page.locator('input[name="token"]').inputValue()).toBe(token);
  await page.getByRole('button', { name: '执行' }).click();
  await page.locator('[data-testid="explorer-output"]').filter({ hasText: '"scope": "XHG-B03-C07"' }).waitFor();
  await page.getByText('reportIncident(').first().waitFor({ state: 'attached' });
  expect(external).toEqual([]);
});
