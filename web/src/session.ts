import { authFailures, request, useToken, HubError } from './api/client';
import { GRID_NODE, VIEWER } from './api/operations';
import type { Role, WebGridNodeQuery, WebGridNodeQueryVariables, WebViewerQuery } from './generated/operations';

const KEY = 'gridhub.token';

/** Who is signed in: the token's role and the root grid of what it may see. */
export interface Session {
  token: string;
  role: Role;
  scope: string | null;
  scopeName: string | null;
}

/**
 * A token in the URL fragment (`#token=…`, which never reaches the server) is taken once, kept in
 * session storage and wiped from the address bar and history.
 */
export function takeFragmentToken(): void {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1]!));
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
}

export const storedToken = (): string | null => sessionStorage.getItem(KEY);

/** Checks the token against the hub (`viewer`); keeps it only when the hub accepts it. */
export async function signIn(token: string): Promise<Session> {
  const trimmed = token.trim().replace(/^Bearer\s+/i, '');
  if (!trimmed) throw new HubError('BAD_USER_INPUT', '请输入令牌');
  useToken(trimmed);
  try {
    const { viewer } = await request<WebViewerQuery>(VIEWER);
    let scopeName: string | null = null;
    if (viewer.scope) scopeName = (await request<WebGridNodeQuery, WebGridNodeQueryVariables>(GRID_NODE, { code: viewer.scope })).grid.name;
    sessionStorage.setItem(KEY, trimmed);
    return { token: trimmed, role: viewer.role, scope: viewer.scope, scopeName };
  } catch (err) {
    signOut();
    throw err;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  useToken(null);
  authFailures.set(null);
}
