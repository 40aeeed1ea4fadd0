import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { live, type LiveState } from '../api/client';
import { roleLabel } from '../labels';
import { href, useRoute } from '../router';
import type { Session } from '../session';

const NAV: Array<[string, string]> = [
  ['/', '大屏'],
  ['/incidents', '事件'],
  ['/instructions', '一键下达'],
  ['/clearance', '日清周清'],
  ['/bots', '机器人'],
];

/** The live connection as people read it: online, reconnecting (with the attempt), offline. */
export function LiveIndicator() {
  const [state, setState] = useState<LiveState>(live.value);
  useEffect(() => live.watch(setState), []);
  switch (state.kind) {
    case 'online':
      return <span class="live live-online" data-live="online">● 实时连接正常</span>;
    case 'connecting':
      return <span class="live live-connecting" data-live="connecting">● 正在连接{state.attempt > 0 ? `（第 ${state.attempt} 次重试）` : '…'}</span>;
    case 'offline':
      return (
        <span class="live live-offline" data-live="offline" role="alert">
          ● 实时连接已断开{state.retryInMs > 0 ? `，${Math.ceil(state.retryInMs / 1000)} 秒后重试` : '，正在重试'}（数据可能不是最新）
        </span>
      );
  }
}

export function Layout({ session, onSignOut, children }: { session: Session; onSignOut: () => void; children: ComponentChildren }) {
  const route = useRoute();
  const active = `/${route.parts[0] === 'incident' ? 'incidents' : route.parts[0] === 'instruction' ? 'instructions' : (route.parts[0] ?? '')}`;
  return (
    <div class="shell">
      <header>
        <h1>GridHub 指挥中心</h1>
        <nav>
          {NAV.map(([path, label]) => (
            <a href={href(path)} class={active === path ? 'active' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <div class="who" data-testid="viewer">
          <span class="role">{roleLabel(session.role)}</span>
          <span class="grid">{session.scope ? `${session.scopeName ?? ''}（${session.scope}）` : '全部网格'}</span>
          <LiveIndicator />
          <button type="button" class="link" onClick={onSignOut}>
            退出
          </button>
        </div>
      </header>
      <main>{children}</main>
    </div>
  );
}

