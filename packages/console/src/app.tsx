/** The console: checks the session, then shows sign-in or the signed-in pages. */
import { useCallback, useEffect, useState } from 'react';
import { notifications } from '@mantine/notifications';
import {
  api,
  currentSession,
  describeError,
  setCsrfToken,
  setSecondFactorRequiredHandler,
  setSignedOutHandler,
} from './api/client';
import type { Profile, SessionInfo } from './api/types';
import { navigate, useRoute } from './router';
import { Shell } from './components/shell';
import { ErrorState, Loading } from './components/states';
import { SignInPage } from './pages/sign-in-page';
import { EnvironmentsPage } from './pages/environments-page';
import { EnvironmentPage } from './pages/environment-page';
import { IntegrationPage } from './pages/integration-page';
import { ProfilePage } from './pages/profile-page';
import { InvitationPage } from './pages/invitation-page';

/** The root component. */
export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [error, setError] = useState<unknown>();
  const route = useRoute();

  const signedIn = useCallback((s: SessionInfo | undefined) => {
    setCsrfToken(s?.csrf_token);
    setSession(s ?? null);
    // A server (or an environment of the account) that requires TOTP lets a password-only session do
    // nothing but set it up: the profile says which.
    if (s?.auth_method === 'password')
      api<Profile>('GET', '/profile').then(
        (p) => p.totp_required && navigate('/profile', true),
        () => undefined,
      );
  }, []);
  const check = useCallback(() => {
    setError(undefined);
    currentSession().then(signedIn, setError);
  }, [signedIn]);
  useEffect(() => {
    setSignedOutHandler(() => signedIn(undefined));
    // Required since sign-in (an owner turned it on): any refused call sends the account there too.
    setSecondFactorRequiredHandler(() => navigate('/profile', true));
    check();
  }, [check, signedIn]);

  const signOut = async () => {
    try {
      await api('DELETE', '/session');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Sign-out failed', message: describeError(err) });
      return;
    }
    signedIn(undefined);
  };

  // An invitation link opens its page signed in or not; accepting signs in and opens the console.
  if (route.page === 'invitation')
    return (
      <InvitationPage
        token={route.token}
        onSignedIn={(s) => {
          signedIn(s);
          navigate('/', true);
        }}
      />
    );
  if (error !== undefined) return <ErrorState error={error} onRetry={check} />;
  if (session === undefined) return <Loading label="Checking your session" />;
  if (session === null) return <SignInPage onSignedIn={signedIn} />;
  return (
    <Shell email={session.email} onSignOut={signOut}>
      {route.page === 'environments' && <EnvironmentsPage />}
      {route.page === 'environment' && <EnvironmentPage key={route.env} env={route.env} tab={route.tab} />}
      {route.page === 'integration' && (
        <IntegrationPage key={route.clientId} env={route.env} clientId={route.clientId} tab={route.tab} />
      )}
      {route.page === 'profile' && <ProfilePage />}
    </Shell>
  );
}
