import { createClient, type Client } from 'graphql-ws';

/**
 * The page's two channels to the hub: GraphQL over HTTP for queries and mutations, graphql-ws
 * for every live figure. Both default to the page's own origin (`/graphql`), which is where the
 * hub serves the page; `vite dev`/`vite preview` proxy it there.
 */
export const GRAPHQL_URL: string = (import.meta.env['VITE_GRAPHQL_URL'] as string | undefined) ?? new URL('graphql', new URL('/', location.href)).href;
const WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');

/** An error the hub answered with, by its `extensions.code` (UNAUTHENTICATED, FORBIDDEN, CONFLICT …). */
export class HubError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HubError';
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
}

type Listener<T> = (value: T) => void;
/** A value the UI can watch: the sign-in state and the live connection. */
export class Observable<T> {
  private readonly listeners = new Set<Listener<T>>();
  constructor(private current: T) {}
  get value(): T {
    return this.current;
  }
  set(value: T): void {
    this.current = value;
    for (const l of [...this.listeners]) l(value);
  }
  watch(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Raised once when the hub refuses the token (HTTP 401 or WebSocket close 4401). */
export const authFailures = new Observable<HubError | null>(null);

export type LiveState = { kind: 'online' } | { kind: 'connecting'; attempt: number } | { kind: 'offline'; attempt: number; retryInMs: number };
/** The live connection's state, for the offline indicator. */
export const live = new Observable<LiveState>({ kind: 'connecting', attempt: 0 });

let token: string | null = null;
let ws: Client | null = null;

const authHeader = (): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

/** One query or mutation over HTTP; throws {@link HubError} with the hub's code. */
export async function request<T, V = Record<string, never>>(query: string, variables?: V): Promise<T> {
  let res: Response;
  try {
    res = await fetch(GRAPHQL_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...authHeader() },
      body: JSON.stringify({ query, variables: variables ?? {} }),
    });
  } catch (err) {
    throw new HubError('NETWORK', `无法连接到 GridHub（${(err as Error).message}）`);
  }
  let body: GraphqlResponse<T>;
  try {
    body = (await res.json()) as GraphqlResponse<T>;
  } catch {
    throw new HubError(res.status === 401 ? 'UNAUTHENTICATED' : 'NETWORK', `GridHub 返回了无法识别的应答（HTTP ${res.status}）`);
  }
  const first = body.errors?.[0];
  if (first) {
    const err = new HubError(first.extensions?.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL_SERVER_ERROR'), first.message, first.extensions ?? {});
    if (err.code === 'UNAUTHENTICATED') authFailures.set(err);
    throw err;
  }
  if (!body.data) throw new HubError('INTERNAL_SERVER_ERROR', `GridHub 没有返回数据（HTTP ${res.status}）`);
  return body.data;
}

/** Uploads a photo's bytes; answers its storage key for `resolveIncident`/`verifyIncident`. */
export async function uploadPhoto(file: Blob): Promise<string> {
  const res = await fetch(new URL('photos', new URL('/', GRAPHQL_URL)).href, { method: 'POST', headers: authHeader(), body: file });
  const body = (await res.json()) as { key?: string; error?: { code: string; message: string } };
  if (!res.ok || !body.key) throw new HubError(body.error?.code ?? 'BAD_USER_INPUT', body.error?.message ?? `上传失败（HTTP ${res.status}）`);
  return body.key;
}

/** A stored photo as an object URL (the hub wants the bearer token, which an <img> cannot send). */
export async function photoUrl(key: string): Promise<string> {
  const res = await fetch(new URL(key, new URL('/', GRAPHQL_URL)).href, { headers: authHeader() });
  if (!res.ok) throw new HubError('NOT_FOUND', `照片无法读取（HTTP ${res.status}）`);
  return URL.createObjectURL(await res.blob());
}

/** GET with the token, for the hub's few non-GraphQL routes (`/bot/login`). */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, new URL('/', GRAPHQL_URL)).href, { headers: { accept: 'application/json', ...authHeader() } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new HubError(body.error?.code ?? 'INTERNAL_SERVER_ERROR', body.error?.message ?? `HTTP ${res.status}`);
  return body;
}

/** Back-off between reconnects: 1 s doubling to 30 s, ±25 % jitter so a restarted hub is not stormed. */
export const retryDelay = (attempt: number, random = Math.random): number => Math.round(Math.min(30_000, 1000 * 2 ** attempt) * (0.75 + random() * 0.5));

const UNAUTHORIZED = 4401;

/** Uses `next` as the bearer token from now on; the live socket is reopened with it. */
export function useToken(next: string | null): void {
  token = next;
  authFailures.set(null);
  // dispose() rethrows the close that ended a refused connection: it is already handled.
  if (ws) void Promise.resolve(ws.dispose()).catch(() => undefined);
  ws = null;
  if (!next) return;
  let attempt = 0;
  live.set({ kind: 'connecting', attempt });
  ws = createClient({
    url: WS_URL,
    lazy: false,
    // Failures of the eager connection are shown by the indicator (`on.closed`), not thrown.
    onNonLazyError: () => undefined,
    keepAlive: 10_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    connectionParams: () => ({ authorization: `Bearer ${next}` }),
    shouldRetry: (e) => !(typeof e === 'object' && e !== null && 'code' in e && (e as CloseEvent).code === UNAUTHORIZED),
    retryWait: async (retries) => {
      attempt = retries + 1;
      const wait = retryDelay(retries);
      live.set({ kind: 'offline', attempt, retryInMs: wait });
      await new Promise((r) => setTimeout(r, wait));
      live.set({ kind: 'connecting', attempt });
    },
    on: {
      connected: () => {
        attempt = 0;
        live.set({ kind: 'online' });
      },
      closed: (event) => {
        const code = (event as CloseEvent | undefined)?.code;
        if (code === UNAUTHORIZED) authFailures.set(new HubError('UNAUTHENTICATED', (event as CloseEvent).reason || 'UNAUTHENTICATED'));
        else if (live.value.kind === 'online') live.set({ kind: 'offline', attempt, retryInMs: 0 });
      },
    },
  });
}

/** Subscribes while the returned function is not called; re-subscribed by graphql-ws after a reconnect. */
export function subscribe<T, V extends Record<string, unknown> = Record<string, never>>(query: string, variables: V, onData: (data: T) => void, onError?: (err: HubError) => void): () => void {
  if (!ws) return () => undefined;
  return ws.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        const first = result.errors?.[0];
        if (first) {
          const code = first.extensions?.['code'];
          onError?.(new HubError(typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR', first.message));
        } else if (result.data) onData(result.data as T);
      },
      error: (err) => onError?.(err instanceof HubError ? err : new HubError('NETWORK', String((err as { reason?: string }).reason ?? err))),
      complete: () => undefined,
    },
  );
}
