import { useState } from 'preact/hooks';

/** The token form; a bad, expired or revoked token comes back here with the reason. */
export function SignInPage({ message, onSubmit }: { message: string | null; onSubmit: (token: string) => Promise<void> }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <div class="sign-in">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          void onSubmit(token).finally(() => setBusy(false));
        }}
      >
        <h1>GridHub 指挥中心</h1>
        <p>请输入访问令牌（由管理员用 <code>gridhub token --role 角色 --grid 网格编码</code> 签发）。也可以打开 <code>…/#token=令牌</code> 形式的链接直接登录。</p>
        <label>
          访问令牌
          <input name="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken(e.currentTarget.value)} placeholder="gh_…" />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? '正在验证…' : '登录'}
        </button>
        {message && (
          <p class="error" role="alert" data-testid="sign-in-error">
            {message}
          </p>
        )}
      </form>
    </div>
  );
}
