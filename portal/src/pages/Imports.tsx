import { Badge, Button, Field, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Spinner, Text, Title1, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ok } from '../api/client';
import { keys, useEmployeesSummary, usePrograms, useRuns, type Run } from '../api/queries';
import { Diagnostics } from '../components/Diagnostics';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';
import { usePortal } from '../context';
import { dataQualityFacts, kindWords, matchCount, plainError, runProgress, statusWords } from '../lib/runs';

// Import status: how many people Viva Insights measured in the latest window and how many are Glint's
// employees (counts of people, never licences), then every run newest first, polled while one is
// queued or running, with its progress (chunks done of total), window, matched and unmatched counts,
// invalid rows and error in plain words, and for an import why Glint employees have no data.
// A failed or cancelled import can be retried (a fresh attempt); "Run scheduled imports now" runs today's
// Sunday schedule again (or answers with the imports still in flight).

const pollMs = 1500;

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: tokens.spacingHorizontalL, rowGap: tokens.spacingVerticalXS, margin: 0 },
  term: { color: tokens.colorNeutralForeground2 },
  value: { margin: 0 },
});

const badgeColor = { queued: 'informative', running: 'brand', succeeded: 'success', failed: 'danger', cancelled: 'subtle' } as const;

export default function Imports() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const runs = useRuns(pollMs);
  const programs = usePrograms();
  const runNow = useMutation({
    mutationFn: () => ok(api.POST('/api/imports/run')),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.runs }),
  });
  const names = (run: Run) => {
    const program = programs.data?.programs.find((p) => p.programId === run.programId);
    const cycle = program?.cycles.find((c) => c.cycleId === run.cycleId);
    return [program?.name ?? run.programId, cycle?.name ?? run.cycleId, run.metricId].filter(Boolean).join(' · ');
  };

  return (
    <>
      <Title1 as="h1">Import status</Title1>
      <div className={styles.row}>
        <Button onClick={() => runNow.mutate()} disabled={runNow.isPending}>
          Run scheduled imports now
        </Button>
        {runNow.data && <Text role="status">{runNow.data.runs.length === 0 ? 'Nothing is due: every started cycle is imported for this week.' : `${runNow.data.runs.length} import runs queued.`}</Text>}
      </div>
      <EmployeesSummary />
      <ProblemBar error={runNow.error ?? runs.error} />
      {runs.isPending && <Spinner label="Loading runs…" />}
      {runs.data?.runs.length === 0 && <Text>No import has run yet. Enable a program to import its latest cycles.</Text>}
      {runs.data?.runs.map((run) => <RunCard key={run.runId} run={run} title={`${kindWords[run.kind]} · ${names(run) || 'all data'}`} />)}
    </>
  );
}

function RunCard({ run, title }: { run: Run; title: string }) {
  const common = useCommonStyles();
  const styles = useStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => ok(api.POST('/api/imports/{runId}/retry', { params: { path: { runId: run.runId } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.runs }),
  });
  const retriable = run.kind === 'import' && (run.status === 'failed' || run.status === 'cancelled');
  const progress = runProgress(run);
  const error = plainError(run.error);
  const facts: [string, string][] = [
    ...(run.window ? [['Window', `Weeks from ${run.window.from} to ${run.window.to}`] as [string, string]] : []),
    ...(run.kind === 'import'
      ? ([
          ['Matched employees', String(run.matchedEmployees)],
          ...(run.matchedByAlternateId !== null ? ([['Matched through another identifier', String(run.matchedByAlternateId)]] as [string, string][]) : []),
          ['Glint employees without Insights data', matchCount(run.unmatchedGlintEmployees)],
          ['Insights persons not in Glint', matchCount(run.unmatchedInsightsPersons)],
          ['Invalid rows', String(run.invalidRows)],
          ...dataQualityFacts(run.dataQuality),
        ] as [string, string][])
      : []),
    ['Queued', new Date(run.queuedAt).toLocaleString()],
    ...(run.finishedAt ? [['Finished', new Date(run.finishedAt).toLocaleString()] as [string, string]] : []),
  ];
  return (
    <section className={common.section} aria-label={title}>
      <div className={common.row}>
        <Title3 as="h2" style={{ flexGrow: 1, fontSize: tokens.fontSizeBase500 }}>
          {title}
        </Title3>
        <Badge color={badgeColor[run.status]}>{statusWords[run.status]}</Badge>
      </div>
      <Field label={`Progress of ${title}`} validationMessage={progress.text} validationState="none">
        <ProgressBar value={progress.value} max={1} thickness="large" color={run.status === 'failed' ? 'error' : run.status === 'succeeded' ? 'success' : 'brand'} />
      </Field>
      <dl className={styles.facts}>
        {facts.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.value}>{value}</dd>
          </div>
        ))}
      </dl>
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{error.summary}</MessageBarTitle>
            {error.detail}
          </MessageBarBody>
        </MessageBar>
      )}
      {retriable && (
        <div className={common.row}>
          <Button onClick={() => retry.mutate()} disabled={retry.isPending} aria-label={`Retry ${title}`}>
            Retry
          </Button>
          {retry.isSuccess && <Text role="status">Queued again as a fresh attempt.</Text>}
        </div>
      )}
      <ProblemBar error={retry.error} />
      {run.kind === 'import' && run.status === 'succeeded' && run.unmatchedGlintEmployees !== null && <Diagnostics runId={run.runId} title={title} />}
    </section>
  );
}

/** The tenant's people as Viva Insights measured them, shown instead of any licence count. */
function EmployeesSummary() {
  const summary = useEmployeesSummary();
  const styles = useStyles();
  if (!summary.data) return null;
  const { roster, measuredEmployees, matchedEmployees, unmatchedGlintEmployees } = summary.data;
  const facts: [string, string][] = [
    ['Employees measured by Viva Insights (latest window)', measuredEmployees === null ? 'No import yet' : String(measuredEmployees)],
    ['Matched to Glint employees', matchedEmployees === null ? 'No import yet' : String(matchedEmployees)],
    ['Glint employees without Insights data', measuredEmployees === null ? 'No import yet' : matchCount(unmatchedGlintEmployees)],
    ['Glint employees', roster ? `${roster.employees} (${roster.active} active), sent ${new Date(roster.uploadedAt).toLocaleString()}` : 'Not sent by Glint yet'],
  ];
  return (
    <dl className={styles.facts} aria-label="Employees">
      {facts.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt className={styles.term}>{term}</dt>
          <dd className={styles.value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
