import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { authFailures } from './api/client';
import { Layout } from './components/layout';
import { errorText } from './labels';
import { BotsPage } from './pages/bots';
import { ClearancePage } from './pages/clearance';
import { IncidentPage } from './pages/incident';
import { IncidentsPage } from './pages/incidents';
import { InstructionBoard, InstructionsPage } from './pages/instructions';
import { OverviewPage } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { useRoute } from './router';
import { signIn, signOut, storedToken, takeFragmentToken, type Session } from './session';
import './styles.css';

function Page({ session }: { session: Session }) {
  const route = useRoute();
  const [first, second] = route.parts;
  switch (first) {
    case undefined:
      return <OverviewPage session={session} />;
    case 'incidents':
      return <IncidentsPage session={session} route={route} />;
    case 'incident':
      return <IncidentPage session={session} code={second ?? ''} />;
    case 'instructions':
      return <InstructionsPage session={session} />;
    case 'instruction':
      return <InstructionBoard session={session} code={second ?? ''} />;
    case 'clearance':
      return <ClearancePage session={session} route={route} />;
    case 'bots':
      return <BotsPage session={session} />;
    default:
      return <p class="notice">页面不存在。</p>;
  }
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(true);
  const [message, setMessage] = useState<string | null>(null);

  const enter = (token: string) =>
    signIn(token).then(
      (s) => (setSession(s), setMessage(null)),
      (err: unknown) => (setSession(null), setMessage(errorText(err))),
    );

  useEffect(() => {
    const token = storedToken();
    if (token) void enter(token).finally(() => setChecking(false));
    else setChecking(false);
    return authFailures.watch((err) => {
      if (!err) return;
      signOut();
      setSession(null);
      setMessage(errorText(err));
    });
  }, []);

  if (checking) return <p class="notice">正在验证令牌…</p>;
  if (!session) return <SignInPage message={message} onSubmit={enter} />;
  return (
    <Layout session={session} onSignOut={() => (signOut(), setSession(null), setMessage('已退出登录。'))}>
      <Page session={session} />
    </Layout>
  );
}

takeFragmentToken();
render(<App />, document.getElementById('app')!);
