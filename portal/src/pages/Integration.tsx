import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Text,
  Title1,
  Title3,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ok } from '../api/client';
import { keys, useAttributes, useConsent, usePrograms, type Consent } from '../api/queries';
import { ProblemBar } from '../components/ProblemBar';
import { ConfirmDialog, useCommonStyles } from '../components/ui';
import { usePortal } from '../context';

// The seed's first screens: the Learn more banner, the data-sharing window (the Global Administrator's
// checkbox), and the Import Viva Insights data section whose Set up integration button becomes Manage
// Integration once attributes and programs are set up.

export default function Integration() {
  const styles = useCommonStyles();
  const { session } = usePortal();
  const consent = useConsent();
  const [learnMore, setLearnMore] = useState(false);

  return (
    <>
      <Title1 as="h1">Microsoft Viva Integrations</Title1>
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>New: Viva Insights in Viva Glint</MessageBarTitle>
          Import behavioral data from Viva Insights to supplement your Glint survey data and understand how your organization’s way of working impacts the employee experience.
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={() => setLearnMore(true)}>Learn more</Button>
        </MessageBarActions>
      </MessageBar>
      <LearnMoreDialog open={learnMore} onClose={() => setLearnMore(false)} />
      {consent.isPending && <Spinner label="Loading data sharing…" />}
      <ProblemBar error={consent.error} />
      {consent.data && session.caller.isGlobalAdmin && <DataSharing consent={consent.data} />}
      {consent.data && session.caller.isGlintAdmin && <ImportSection consent={consent.data} />}
      {session.caller.isGlobalAdmin && !session.caller.isGlintAdmin && (
        <section className={styles.section} aria-labelledby="setup-who">
          <Title3 as="h2" id="setup-who">
            Import Viva Insights data
          </Title3>
          <Text>A Viva Glint Administrator sets up the integration and adds the relevant metrics from Viva Insights once data sharing is on.</Text>
        </section>
      )}
    </>
  );
}

function LearnMoreDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onOpenChange={(_, data) => !data.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Viva Glint and Viva Insights</DialogTitle>
          <DialogContent>
            <Text as="p" block>
              Glint customers can import behavioral data from Microsoft Viva Insights to supplement their Viva Glint survey data for a better understanding of how your organization’s way of working impacts the employee experience.
            </Text>
            <ul>
              <li>Explore employee sentiment relative to behaviors</li>
              <li>Filter employee sentiment by ways of working</li>
              <li>Control who can access Viva Insights data</li>
            </ul>
            <Text as="p" block>To use this integration, your organization purchased a Viva Insights tenant and Premium Viva Insights licenses.</Text>
            <Text as="p" block>
              The <strong>Microsoft 365 Global Administrator</strong> consents to share Viva Insights data with Viva Glint; the <strong>Viva Glint Administrator</strong> sets up the integration and adds the relevant metrics from Viva Insights.
            </Text>
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose}>
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** The seed's "Manage data sharing" text, with the agreement's version. */
function AgreementText({ version }: { version: string }) {
  return (
    <>
      <ul>
        <li>Data sharing from Viva Insights to Viva Glint is a feature governed by the Microsoft Viva Preview Agreement.</li>
        <li>
          When Insights-to-Glint data sharing is enabled, Insights advanced insights metrics is shared with Glint and subject to further processing by Glint. Glint stores a copy of the shared Insights data, which can be deleted from Glint at any time.
        </li>
        <li>By selecting the checkbox, you enable Insights-to-Glint data sharing and agree to the Microsoft Viva Preview Agreement.</li>
      </ul>
      <Text size={200}>Agreement version: {version}</Text>
    </>
  );
}

function DataSharing({ consent }: { consent: Consent }) {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  // "On your first visit … you see a window requesting you to review and agree."
  const [windowOpen, setWindowOpen] = useState(consent.status === 'none');
  const [purging, setPurging] = useState(false);
  const share = useMutation({
    mutationFn: (on: boolean) => (on ? ok(api.PUT('/api/consent', { body: { accept: true, agreementVersion: consent.agreementVersion } })) : ok(api.DELETE('/api/consent'))),
    onSuccess: (data) => queryClient.setQueryData(keys.consent, data),
  });
  const purge = useMutation({
    mutationFn: () => ok(api.DELETE('/api/insights-data')),
    onSuccess: () => {
      setPurging(false);
      void queryClient.invalidateQueries();
    },
  });
  const granted = consent.status === 'granted';
  const checkbox = (
    <Checkbox
      checked={granted}
      disabled={share.isPending}
      onChange={(_, data) => share.mutate(Boolean(data.checked))}
      label="Share Viva Insights data with Viva Glint and agree to the Microsoft Viva Preview Agreement"
    />
  );
  return (
    <section className={styles.section} aria-labelledby="sharing-title">
      <Title3 as="h2" id="sharing-title">
        Manage data sharing
      </Title3>
      <AgreementText version={consent.agreementVersion} />
      {!windowOpen && checkbox}
      <Text>
        {granted
          ? `Data sharing is on since ${new Date(consent.grantedAt ?? '').toLocaleString()}.`
          : consent.status === 'revoked'
            ? 'Data sharing is off: it was revoked. No new imports run; stored data stays until you delete it.'
            : 'Data sharing is off.'}
      </Text>
      {!windowOpen && <ProblemBar error={share.error} />}
      <div className={styles.row}>
        <Button onClick={() => setPurging(true)}>Delete shared data</Button>
        {purge.isSuccess && <Text role="status">Deletion of the shared Viva Insights data is queued.</Text>}
      </div>
      <Dialog open={windowOpen} onOpenChange={(_, data) => setWindowOpen(data.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Manage data sharing</DialogTitle>
            <DialogContent>
              <AgreementText version={consent.agreementVersion} />
              {checkbox}
              <ProblemBar error={share.error} />
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => setWindowOpen(false)}>
                Done
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
      <ConfirmDialog
        open={purging}
        title="Delete shared data?"
        confirm="Delete"
        busy={purge.isPending}
        error={purge.error}
        onConfirm={() => purge.mutate()}
        onCancel={() => setPurging(false)}
      >
        <Text as="p" block>Glint deletes every copy of the Viva Insights data it stored for your organization. Reports lose their behavioral attributes until data is imported again.</Text>
      </ConfirmDialog>
    </section>
  );
}

function ImportSection({ consent }: { consent: Consent }) {
  const styles = useCommonStyles();
  const navigate = useNavigate();
  const attributes = useAttributes();
  const programs = usePrograms();
  const granted = consent.status === 'granted';
  const setUp = (attributes.data?.attributes.length ?? 0) > 0 && (programs.data?.programs.some((p) => p.enabled) ?? false);
  return (
    <section className={styles.section} aria-labelledby="import-title">
      <Title3 as="h2" id="import-title">
        Import Viva Insights data
      </Title3>
      <Text>Bring behavioral attributes from Viva Insights into Glint reports: add attributes, choose which roles may use them, and select the programs to import for.</Text>
      {!granted && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Data sharing is off</MessageBarTitle>
            A Microsoft 365 Global Administrator must consent to share Viva Insights data with Viva Glint before the integration can be set up.{' '}
            {consent.status === 'revoked' ? 'Consent was revoked, so no new data is imported.' : 'Nothing can be set up until then.'}
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemBar error={attributes.error ?? programs.error} />
      <div className={styles.row}>
        {setUp ? (
          <Button appearance="primary" onClick={() => navigate('/manage')}>
            Manage Integration
          </Button>
        ) : (
          <Button appearance="primary" disabled={!granted} onClick={() => navigate('/setup?start')}>
            Set up integration
          </Button>
        )}
        {setUp && <Link href="/imports" onClick={(e) => (e.preventDefault(), navigate('/imports'))}>Import status</Link>}
      </div>
    </section>
  );
}
