import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { createClient } from 'graphql-ws';
import './explorer.css';

/**
 * The hub's GraphQL explorer, served at GET /graphql to a browser (instead of Apollo's landing
 * page, which loads from a CDN): an operation, its variables and a bearer token (the command
 * centre page's, when signed in there); queries and mutations over HTTP, subscriptions over
 * graphql-ws; the schema's root fields listed from introspection.
 */
const ENDPOINT = new URL('/graphql', location.href).href;
const TOKEN_KEY = 'gridhub.token';

const ROOT_FIELDS = /* GraphQL */ `
  query ExplorerRootFields {
    __schema {
      queryType { fields { ...Root } }
      mutationType { fields { ...Root } }
      subscriptionType { fields { ...Root } }
    }
  }
  fragment Root on __Field { name description args { name type { ...Ref } } type { ...Ref } }
  fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
`;

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface RootField {
  name: string;
  description: string | null;
  args: Array<{ name: string; type: TypeRef }>;
  type: TypeRef;
}
type Roots = Record<'queryType' | 'mutationType' | 'subscriptionType', { fields: RootField[] } | null>;

/** `[Incident!]!` from an introspected type reference. */
const typeName = (t: TypeRef): string => (t.kind === 'NON_NULL' ? `${typeName(t.ofType!)}!` : t.kind === 'LIST' ? `[${typeName(t.ofType!)}]` : (t.name ?? '?'));

const headers = (token: string): Record<string, string> => ({ 'content-type': 'application/json', ...(token.trim() ? { authorization: `Bearer ${token.trim()}` } : {}) });

async function post(query: string, variables: unknown, token: string): Promise<unknown> {
  const res = await fetch(ENDPOINT, { method: 'POST', headers: headers(token), body: JSON.stringify({ query, variables }) });
  return res.json();
}

/** The operation's kind, from its first keyword (comments skipped). */
const isSubscription = (query: string): boolean => /^subscription\b/.test(query.replace(/#[^\n]*/g, '').trim());

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

function Explorer() {
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const [query, setQuery] = useState('query {\n  viewer {\n    role\n    scope\n  }\n}\n');
  const [variables, setVariables] = useState('{}');
  const [output, setOutput] = useState('');
  const [roots, setRoots] = useState<Roots | null>(null);
  const [stop, setStop] = useState<(() => void) | null>(null);

  // Introspection needs a token like any operation: loaded at first and again after a run while missing.
  const loadRoots = () =>
    post(ROOT_FIELDS, {}, token).then(
      (r) => setRoots((r as { data?: { __schema: Roots } }).data?.__schema ?? null),
      () => setRoots(null),
    );
  useEffect(() => void loadRoots(), []);

  const run = async () => {
    stop?.();
    setStop(null);
    let vars: unknown;
    try {
      vars = variables.trim() ? JSON.parse(variables) : {};
    } catch (err) {
      setOutput(`变量不是有效的 JSON：${(err as Error).message}`);
      return;
    }
    if (token.trim()) sessionStorage.setItem(TOKEN_KEY, token.trim());
    if (!roots) void loadRoots();
    if (!isSubscription(query)) {
      setOutput('…');
      setOutput(pretty(await post(query, vars, token).catch((err: unknown) => ({ error: String(err) }))));
      return;
    }
    const client = createClient({ url: ENDPOINT.replace(/^http/, 'ws'), connectionParams: token.trim() ? { authorization: `Bearer ${token.trim()}` } : {}, retryAttempts: 0 });
    const events: string[] = [];
    setOutput('已订阅，等待事件…');
    const unsubscribe = client.subscribe(
      { query, variables: vars as Record<string, unknown> },
      {
        next: (v) => {
          events.unshift(`// ${new Date().toLocaleTimeString()}\n${pretty(v)}`);
          setOutput(events.slice(0, 50).join('\n\n'));
        },
        error: (e) => setOutput(`订阅出错：${e instanceof Error ? e.message : pretty(e)}`),
        complete: () => undefined,
      },
    );
    setStop(() => () => {
      unsubscribe();
      void client.dispose();
    });
  };

  return (
    <main class="explorer">
      <header>
        <h1>GridHub GraphQL 调试台</h1>
        <span>{ENDPOINT}</span>
        <a href="/">返回指挥中心</a>
      </header>
      <section class="editor">
        <label>
          令牌（Bearer）
          <input name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        </label>
        <label>
          操作
          <textarea name="query" spellcheck={false} rows={16} value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <label>
          变量（JSON）
          <textarea name="variables" spellcheck={false} rows={4} value={variables} onInput={(e) => setVariables(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="button" onClick={() => void run()}>
            执行
          </button>
          {stop && (
            <button type="button" onClick={() => (stop(), setStop(null))}>
              停止订阅
            </button>
          )}
        </div>
      </section>
      <pre class="output" data-testid="explorer-output">
        {output}
      </pre>
      <aside class="docs">
        {roots === null ? (
          <p>填写令牌并执行一次后，这里列出可用的查询、变更和订阅。</p>
        ) : (
          (['queryType', 'mutationType', 'subscriptionType'] as const).map((k) => (
            <details key={k} open={k === 'queryType'}>
              <summary>{k.replace('Type', '')}</summary>
              <ul>
                {(roots[k]?.fields ?? []).map((f) => (
                  <li key={f.name} title={f.description ?? ''}>
                    <code>
                      {f.name}
                      {f.args.length > 0 && `(${f.args.map((a) => `${a.name}: ${typeName(a.type)}`).join(', ')})`}: {typeName(f.type)}
                    </code>
                  </li>
                ))}
              </ul>
            </details>
          ))
        )}
      </aside>
    </main>
  );
}

render(<Explorer />, document.getElementById('explorer')!);
