import { FluentProvider, Spinner, webLightTheme } from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { BrowserRouter } from 'react-router';
import { createApi } from './api/client';
import { msalSession, restoreLocalSession, type Session } from './auth/session';
import type { PortalConfig } from './config';
import { Portal } from './context';
import { ApiError } from './lib/problem';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

// FluentProvider with the theme at the root (Fluent v9's composition), one QueryClient for the app,
// and the session: without one, the sign-in screen.

export function Root({ config }: { config: PortalConfig }) {
  const [session, setSession] = useState<Session | undefined>(() => (config.auth.mode === 'local' ? restoreLocalSession() : undefined));
  const [checking, setChecking] = useState(config.auth.mode === 'msal');
  useEffect(() => {
    // Coming back from Entra ID's sign-in page, or with a cached account.
    if (config.auth.mode === 'msal') void msalSession(config.auth, false).then(setSession).finally(() => setChecking(false));
  }, [config]);
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          // A 4xx will not heal by asking again; a dropped connection might.
          queries: { retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500), refetchOnWindowFocus: false },
        },
      }),
    [session],
  );
  const api = useMemo(() => (session ? createApi(config.apiBaseUrl, () => session.token()) : undefined), [config, session]);
  return (
    <FluentProvider theme={webLightTheme} style={{ minHeight: '100vh' }}>
      {checking ? (
        <Spinner label="Signing in…" />
      ) : session && api ? (
        <QueryClientProvider client={queryClient}>
          <Portal.Provider value={{ api, session }}>
            <BrowserRouter>
              <Shell
                onSignOut={() => {
                  void session.signOut().then(() => setSession(undefined));
                }}
              />
            </BrowserRouter>
          </Portal.Provider>
        </QueryClientProvider>
      ) : (
        <SignIn config={config} onSignedIn={setSession} />
      )}
    </FluentProvider>
  );
}
