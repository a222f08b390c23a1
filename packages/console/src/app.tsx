/**
 * The console: checks the session, then shows sign-in or the signed-in pages. Every page is a route
 * (react-router, under the `/console` base):
 * `/`, `/profile`, `/environments/{env}[/{tab}]`, `/environments/{env}/integrations/{client_id}[/{tab}]`,
 * `/invitations/{token}`; any other path is the not-found page.
 */
import { useCallback, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { describeError, useApi } from './api/client';
import { keys } from './api/queries';
import type { Profile, SessionInfo } from './api/types';
import { Shell } from './components/shell';
import { ErrorState, Loading } from './components/states';
import { SignInPage } from './pages/sign-in-page';
import { EnvironmentsPage } from './pages/environments-page';
import { ENVIRONMENT_TABS, EnvironmentPage } from './pages/environment-page';
import { INTEGRATION_TABS, IntegrationPage } from './pages/integration-page';
import { ProfilePage } from './pages/profile-page';
import { InvitationPage } from './pages/invitation-page';
import { NotFoundPage } from './pages/not-found-page';

/** The root component. */
export function App() {
  const client = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  /** After a session check or a sign-in: a password-only session may have to set up TOTP first. */
  const opened = useCallback(
    (s: SessionInfo | undefined) => {
      client.setCsrfToken(s?.csrf_token);
      // A server (or an environment of the account) that requires TOTP lets a password-only session do
      // nothing but set it up: the profile says which.
      if (s?.auth_method === 'password')
        client.api<Profile>('GET', '/profile').then(
          (p) => p.totp_required && navigate('/profile', { replace: true }),
          () => undefined,
        );
    },
    [client, navigate],
  );
  const session = useQuery({
    queryKey: keys.session,
    queryFn: async () => {
      const s = await client.currentSession();
      opened(s);
      return s ?? null;
    },
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  const signedIn = useCallback(
    (s: SessionInfo | undefined) => {
      opened(s);
      // Nothing read by one account stays for the next.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.session[0] });
      queryClient.setQueryData(keys.session, s ?? null);
    },
    [opened, queryClient],
  );
  useEffect(() => {
    client.setHandlers({
      onSignedOut: () => signedIn(undefined),
      // Required since sign-in (an owner turned it on): any refused call sends the account there too.
      onSecondFactorRequired: () => navigate('/profile', { replace: true }),
    });
  }, [client, navigate, signedIn]);

  const signOut = async () => {
    try {
      await client.api('DELETE', '/session');
    } catch (err) {
      notifications.show({ color: 'red', title: 'Sign-out failed', message: describeError(err) });
      return;
    }
    signedIn(undefined);
  };

  const signedInPages = () => {
    if (session.error) return <ErrorState error={session.error} onRetry={() => void session.refetch()} />;
    if (session.data === undefined) return <Loading label="Checking your session" />;
    if (session.data === null) return <SignInPage onSignedIn={signedIn} />;
    return (
      <Shell email={session.data.email} onSignOut={signOut}>
        <Routes>
          <Route index element={<EnvironmentsPage />} />
          <Route path="profile" element={<ProfilePage />} />
          <Route path="environments/:env/:tab?" element={<EnvironmentRoute />} />
          <Route path="environments/:env/integrations/:clientId/:tab?" element={<IntegrationRoute />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Shell>
    );
  };

  return (
    <Routes>
      {/* An invitation link opens its page signed in or not; accepting signs in and opens the console. */}
      <Route
        path="invitations/:token"
        element={
          <InvitationRoute
            onSignedIn={(s) => {
              signedIn(s);
              navigate('/', { replace: true });
            }}
          />
        }
      />
      <Route path="*" element={signedInPages()} />
    </Routes>
  );
}

/** A link of before the tabs were routes (`?tab=`) goes to the tab's route. */
function useLegacyTab(): string | null {
  return new URLSearchParams(useLocation().search).get('tab');
}

function EnvironmentRoute() {
  const { env = '', tab } = useParams();
  const legacy = useLegacyTab();
  if (tab === undefined && legacy)
    return <Navigate to={`/environments/${encodeURIComponent(env)}/${legacy}`} replace />;
  if (tab !== undefined && !ENVIRONMENT_TABS.some(([v]) => v === tab)) return <NotFoundPage />;
  return <EnvironmentPage key={env} env={env} tab={tab ?? null} />;
}

function IntegrationRoute() {
  const { env = '', clientId = '', tab } = useParams();
  const legacy = useLegacyTab();
  const path = `/environments/${encodeURIComponent(env)}/integrations/${encodeURIComponent(clientId)}`;
  if (tab === undefined && legacy) return <Navigate to={`${path}/${legacy}`} replace />;
  if (tab !== undefined && !INTEGRATION_TABS.includes(tab)) return <NotFoundPage />;
  return <IntegrationPage key={clientId} env={env} clientId={clientId} tab={tab ?? null} />;
}

function InvitationRoute({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }) {
  const { token = '' } = useParams();
  return <InvitationPage token={token} onSignedIn={onSignedIn} />;
}
