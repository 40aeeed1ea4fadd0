import { useEffect, useState } from 'preact/hooks';
import { getJson, request } from '../api/client';
import { BOTS } from '../api/operations';
import type { WebBotsQuery, WebBotsQueryVariables } from '../generated/operations';
import { useLoad } from '../hooks';
import { errorText, time } from '../labels';
import type { Session } from '../session';

const BOT_STATES: Record<string, string> = { starting: '启动中', scan: '等待扫码', logged_in: '已登录', logged_out: '已退出', error: '出错', stopped: '已停止' };
const OUTBOX_STATES: Record<string, string> = { pending: '待发送', sent: '已发送', failed: '发送失败' };

/** An account's login QR (wechat4u), drawn in the page from the code `/bot/login` hands out. */
function LoginQr({ session }: { session: Session }) {
  const [qrs, setQrs] = useState<Array<{ name: string; src: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (session.role !== 'ADMIN' && session.role !== 'COMMANDER') return;
    getJson<{ bots: Array<{ name: string; qr?: string | null }> }>('bot/login')
      .then(async ({ bots }) => {
        const waiting = bots.filter((b) => b.qr);
        if (waiting.length === 0) return;
        const { toDataURL } = await import('qrcode');
        setQrs(await Promise.all(waiting.map(async (b) => ({ name: b.name, src: await toDataURL(b.qr!, { margin: 1, width: 240 }) }))));
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [session.role]);
  if (session.role !== 'ADMIN' && session.role !== 'COMMANDER') return <p class="muted">登录二维码仅管理员和指挥长可见。</p>;
  if (error) return <p class="error">{error}</p>;
  if (qrs.length === 0) return <p class="muted">没有等待扫码登录的账号。</p>;
  return (
    <div class="qrs">
      {qrs.map((q) => (
        <figure>
          <img src={q.src} alt={`${q.name} 登录二维码`} />
          <figcaption>{q.name}：请用作为机器人的微信扫码登录</figcaption>
        </figure>
      ))}
    </div>
  );
}

/**
 * The bot accounts and the outbox. The API has no subscription for either yet, so this page reads
 * them on opening and on 刷新 (it never polls).
 */
export function BotsPage({ session }: { session: Session }) {
  const [status, setStatus] = useState('');
  const loaded = useLoad(() => request<WebBotsQuery, WebBotsQueryVariables>(BOTS, { status: status || null }), [status]);
  const d = loaded.data;
  return (
    <div class="bots">
      <section class="panel">
        <h2>
          机器人账号{' '}
          <button type="button" class="link" onClick={loaded.reload}>
            刷新
          </button>
        </h2>
        {loaded.error ? <p class="error">{errorText(loaded.error)}</p> : null}
        <table class="list" data-testid="bot-accounts">
          <thead>
            <tr>
              <th>账号</th>
              <th>接入方式</th>
              <th>状态</th>
              <th>微信用户</th>
              <th>自</th>
              <th>错误</th>
            </tr>
          </thead>
          <tbody>
            {d?.bots.map((b) => (
              <tr>
                <td>{b.name}</td>
                <td>{b.puppet}</td>
                <td>{BOT_STATES[b.state] ?? b.state}</td>
                <td>{b.user ?? '—'}</td>
                <td>{time(b.since)}</td>
                <td>{b.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>扫码登录</h3>
        <LoginQr session={session} />
      </section>
      <section class="panel">
        <h2>
          发送队列{' '}
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">全部</option>
            {Object.entries(OUTBOX_STATES).map(([k, l]) => (
              <option value={k}>{l}</option>
            ))}
          </select>
        </h2>
        <table class="list" data-testid="outbox">
          <thead>
            <tr>
              <th>序号</th>
              <th>网格</th>
              <th>类型</th>
              <th>关联</th>
              <th>状态</th>
              <th>入队时间</th>
              <th>发送时间</th>
              <th>内容</th>
            </tr>
          </thead>
          <tbody>
            {d?.outboxMessages.map((m) => (
              <tr>
                <td>{m.id}</td>
                <td>{m.grid ?? '—'}</td>
                <td>{m.kind}</td>
                <td>{m.ref ?? ''}</td>
                <td title={m.lastError ?? ''}>
                  {OUTBOX_STATES[m.status] ?? m.status}
                  {m.attempts > 1 ? `（${m.attempts} 次）` : ''}
                </td>
                <td>{time(m.createdAt)}</td>
                <td>{time(m.sentAt)}</td>
                <td class="text">{m.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
