import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Radio, RadioGroup, Text, tokens, Title1 } from '@fluentui/react-components';
import { useState } from 'react';
import { msalSession, signInLocally, type Session } from './auth/session';
import type { PortalConfig } from './config';
import { ApiError } from './lib/problem';

const useStyles = makeStyles({
  page: { display: 'flex', justifyContent: 'center', paddingBlock: tokens.spacingVerticalXXXL },
  card: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    width: 'min(480px, 92vw)',
    padding: tokens.spacingHorizontalXXL,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow8,
    borderRadius: tokens.borderRadiusXLarge,
  },
});

/** Locally: "Sign in as" one of the local personas. In Azure: sign in with Microsoft (MSAL). */
export function SignIn({ config, onSignedIn }: { config: PortalConfig; onSignedIn: (session: Session) => void }) {
  const styles = useStyles();
  const auth = config.auth;
  const [persona, setPersona] = useState(auth.mode === 'local' ? (auth.personas[0]?.id ?? '') : '');
  const [tenantId, setTenantId] = useState(auth.mode === 'local' ? auth.defaultTenantId : '');
  const [error, setError] = useState<ApiError | Error | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const session = auth.mode === 'local' ? await signInLocally(auth, persona, tenantId.trim()) : await msalSession(auth, true);
      if (session) onSignedIn(session);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const apiError = error instanceof ApiError ? error : undefined;

  return (
    <main className={styles.page}>
      <form
        className={styles.card}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Title1 as="h1">Viva Insights integration</Title1>
        {auth.mode === 'local' ? (
          <>
            <Text>Local sign-in: choose who you are. Tokens are signed by the local key pair; this screen does not exist in Azure.</Text>
            <Field label="Sign in as" required>
              <RadioGroup value={persona} onChange={(_, data) => setPersona(data.value)}>
                {auth.personas.map((p) => (
                  <Radio key={p.id} value={p.id} label={p.label} />
                ))}
              </RadioGroup>
            </Field>
            <Field label="Tenant ID" required validationMessage={apiError?.fieldMessage('body.tenantId')}>
              <Input value={tenantId} onChange={(_, data) => setTenantId(data.value)} />
            </Field>
          </>
        ) : (
          <Text>Sign in with your work account of the organization that uses Viva Glint.</Text>
        )}
        {error && !apiError?.fieldMessage('body.tenantId') && (
          <MessageBar intent="error">
            <MessageBarBody>
              <MessageBarTitle>{apiError?.problem.title ?? 'Sign-in failed'}</MessageBarTitle>
              {apiError?.problem.detail ?? error.message}
            </MessageBarBody>
          </MessageBar>
        )}
        <Button appearance="primary" type="submit" disabled={busy}>
          {auth.mode === 'local' ? 'Sign in' : 'Sign in with Microsoft'}
        </Button>
      </form>
    </main>
  );
}
