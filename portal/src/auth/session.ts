import { callerFromToken, type Caller } from '../lib/access';
import type { LocalAuthConfig, MsalAuthConfig } from '../config';
import { toProblem, ApiError } from '../lib/problem';

// A signed-in session: how to get a token for the API, and who the caller is. Locally the token comes
// from the local host's sign-in route (a persona's token of the local key pair); in Azure from MSAL,
// signed in against the API's app registration.

export interface Session {
  name: string;
  caller: Caller;
  token(): Promise<string>;
  signOut(): Promise<void>;
}

const storageKey = 'itg.localSession';

interface StoredLocal {
  token: string;
  name: string;
  tenantId: string;
}

function localSession(stored: StoredLocal): Session {
  return {
    name: stored.name,
    caller: callerFromToken(stored.token),
    token: async () => stored.token,
    signOut: async () => sessionStorage.removeItem(storageKey),
  };
}

export function restoreLocalSession(): Session | undefined {
  const text = sessionStorage.getItem(storageKey);
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as StoredLocal;
    // An expired token would make every call fail: sign in again instead.
    const exp = JSON.parse(atob(stored.token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).exp as number;
    if (exp * 1000 < Date.now() + 60_000) return undefined;
    return localSession(stored);
  } catch {
    return undefined;
  }
}

export async function signInLocally(config: LocalAuthConfig, persona: string, tenantId: string): Promise<Session> {
  const response = await fetch(config.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ persona, tenantId }) });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(toProblem(response.status, body));
  const { token, persona: name } = body as { token: string; persona: string };
  const stored = { token, name, tenantId };
  sessionStorage.setItem(storageKey, JSON.stringify(stored));
  return localSession(stored);
}

/** Signs in with Entra ID; resolves undefined while the browser is being redirected to sign in. */
export async function msalSession(config: MsalAuthConfig, interactive: boolean): Promise<Session | undefined> {
  // Loaded only in Azure, so local use does not download MSAL.
  const { createStandardPublicClientApplication, InteractionRequiredAuthError } = await import('@azure/msal-browser');
  const msal = await createStandardPublicClientApplication({
    auth: { clientId: config.clientId, authority: config.authority, redirectUri: window.location.origin },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const redirect = await msal.handleRedirectPromise();
  const account = redirect?.account ?? msal.getAllAccounts()[0];
  if (!account) {
    if (interactive) await msal.loginRedirect({ scopes: config.scopes });
    return undefined;
  }
  const token = async () => {
    try {
      return (await msal.acquireTokenSilent({ scopes: config.scopes, account })).accessToken;
    } catch (error) {
      if (error instanceof InteractionRequiredAuthError) await msal.acquireTokenRedirect({ scopes: config.scopes, account });
      throw error;
    }
  };
  return {
    name: account.name ?? account.username,
    caller: callerFromToken(await token()),
    token,
    signOut: () => msal.logoutRedirect({ account }),
  };
}
