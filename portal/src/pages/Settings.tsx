import { Button, Field, Input, Radio, RadioGroup, Spinner, Switch, Text, Title1, Title3 } from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { ok } from '../api/client';
import { keys, useConfidentiality, useDataQuality, useExportFiles, useSource, type Confidentiality, type DataQuality, type Source } from '../api/queries';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';
import { usePortal } from '../context';
import { asApiError } from '../lib/problem';

// Settings: where the tenant's Viva Insights data comes from (its own OData person query, or one of its
// uploaded export files), the confidentiality thresholds of reports, and the data-quality rules imports
// apply (README "Data quality").

export default function Settings() {
  return (
    <>
      <Title1 as="h1">Settings</Title1>
      <SourceForm />
      <ThresholdsForm />
      <DataQualityForm />
    </>
  );
}

function SourceForm() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const source = useSource();
  const [type, setType] = useState<'odata' | 'file'>('odata');
  const [location, setLocation] = useState('');
  const [keyColumn, setKeyColumn] = useState('PersonId');
  useEffect(() => {
    if (!source.data) return;
    setType(source.data.type);
    setLocation(source.data.type === 'odata' ? source.data.url : source.data.name);
    setKeyColumn(source.data.employeeKeyColumn);
  }, [source.data]);
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT('/api/insights-source', {
          body: type === 'odata' ? { type, url: location.trim(), employeeKeyColumn: keyColumn.trim() || undefined } : { type, name: location.trim(), employeeKeyColumn: keyColumn.trim() || undefined },
        }),
      ),
    onSuccess: (data: Source) => queryClient.setQueryData(keys.source, data),
  });
  const error = asApiError(save.error);
  const locationPath = type === 'odata' ? 'body.url' : 'body.name';

  return (
    <form
      className={styles.section}
      aria-labelledby="source-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Title3 as="h2" id="source-title">
        Viva Insights source
      </Title3>
      {source.isPending && <Spinner size="small" label="Loading the source…" />}
      {source.data === null && <Text>No source is set yet: imports fail until one is.</Text>}
      <Field label="Where the data comes from">
        <RadioGroup value={type} onChange={(_, d) => setType(d.value as 'odata' | 'file')} layout="horizontal">
          <Radio value="odata" label="Person query (OData)" />
          <Radio value="file" label="Export file" />
        </RadioGroup>
      </Field>
      <Field
        label={type === 'odata' ? 'Person query URL' : 'Export file name'}
        required
        hint={
          type === 'odata'
            ? 'The OData link of the person query an Insights Analyst shared: https://workplaceanalytics.office.com/<your tenant id>/scopes/…/jobsOData/…/Persons.'
            : 'One of your organization’s uploaded exports (below).'
        }
        validationMessage={error?.fieldMessage(locationPath)}
      >
        <Input value={location} onChange={(_, d) => setLocation(d.value)} />
      </Field>
      <Field label="Employee key column" hint="The column that holds the key Glint knows employees by." validationMessage={error?.fieldMessage('body.employeeKeyColumn')}>
        <Input value={keyColumn} onChange={(_, d) => setKeyColumn(d.value)} />
      </Field>
      {type === 'file' && <ExportFiles onChoose={setLocation} chosen={location} />}
      <ProblemBar error={save.error} claimed={[locationPath, 'body.employeeKeyColumn']} />
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={save.isPending || location.trim() === ''}>
          Save source
        </Button>
        {save.isSuccess && <Text role="status">Source saved.</Text>}
      </div>
    </form>
  );
}

/** The organization's uploaded exports: upload one (checked for the columns an import needs), choose or delete one. */
function ExportFiles({ onChoose, chosen }: { onChoose: (name: string) => void; chosen: string }) {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const files = useExportFiles();
  // A native file input is no Fluent control: the Field's label is tied to it by id.
  const uploadId = useId();
  const upload = useMutation({
    mutationFn: (file: File) =>
      ok(
        api.PUT('/api/insights-files/{name}', {
          params: { path: { name: file.name } },
          body: file as unknown as string,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { 'content-type': file.name.toLowerCase().endsWith('.json') ? 'application/json' : 'text/csv' },
        }),
      ),
    onSuccess: (data) => onChoose(data.name),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.files }),
  });
  const remove = useMutation({
    mutationFn: (name: string) => ok(api.DELETE('/api/insights-files/{name}', { params: { path: { name } } })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: keys.files }),
  });
  return (
    <div className={styles.section}>
      <Field label={{ children: 'Upload an export', htmlFor: uploadId }} hint="A CSV or JSON person-query export; it must have the employee key column and MetricDate.">
        <input
          id={uploadId}
          type="file"
          accept=".csv,.json"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) upload.mutate(file);
          }}
        />
      </Field>
      {upload.isPending && <Spinner size="small" label="Uploading…" />}
      {upload.isSuccess && <Text role="status">{`${upload.data.name} uploaded.`}</Text>}
      <ProblemBar error={upload.error ?? remove.error} />
      {files.data && files.data.files.length === 0 && <Text>No export uploaded yet.</Text>}
      {files.data && files.data.files.length > 0 && (
        <ul aria-label="Uploaded exports">
          {files.data.files.map((f) => (
            <li key={f.name} className={styles.row}>
              <Text>{`${f.name} (${Math.ceil(f.bytes / 1024)} KB, ${new Date(f.uploadedAt).toLocaleString()})`}</Text>
              <Button size="small" onClick={() => onChoose(f.name)} disabled={chosen === f.name} aria-label={`Use ${f.name}`}>
                {chosen === f.name ? 'Chosen' : 'Use'}
              </Button>
              <Button size="small" onClick={() => remove.mutate(f.name)} disabled={remove.isPending} aria-label={`Delete ${f.name}`}>
                Delete
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const thresholdFields: { key: keyof Confidentiality; label: string; hint: string }[] = [
  { key: 'minResponses', label: 'Minimum responses', hint: 'Glint’s threshold: a group with fewer respondents is not shown.' },
  { key: 'insightsMinGroupSize', label: 'Viva Insights minimum group size', hint: 'Viva Insights’ threshold; reports use the larger of the two.' },
  { key: 'suppression', label: 'Suppression', hint: 'How close the smallest shown group may come to being derived from the others (differencing).' },
  { key: 'minCommentResponses', label: 'Minimum comment responses', hint: 'A group’s comments are shown from this many respondents.' },
];

function ThresholdsForm() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const current = useConfidentiality();
  const [values, setValues] = useState<Record<string, string>>({});
  useEffect(() => {
    if (current.data) setValues(Object.fromEntries(Object.entries(current.data).map(([k, v]) => [k, String(v)])));
  }, [current.data]);
  const save = useMutation({
    mutationFn: () => ok(api.PUT('/api/settings/confidentiality', { body: Object.fromEntries(thresholdFields.map((f) => [f.key, Number(values[f.key])])) as Confidentiality })),
    onSuccess: (data) => queryClient.setQueryData(keys.confidentiality, data),
  });
  const error = asApiError(save.error);
  return (
    <form
      className={styles.section}
      aria-labelledby="thresholds-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Title3 as="h2" id="thresholds-title">
        Confidentiality thresholds
      </Title3>
      {current.isPending && <Spinner size="small" label="Loading the thresholds…" />}
      {thresholdFields.map((f) => (
        <Field key={f.key} label={f.label} hint={f.hint} validationMessage={error?.fieldMessage(`body.${f.key}`)}>
          <Input type="number" inputMode="numeric" value={values[f.key] ?? ''} onChange={(_, d) => setValues({ ...values, [f.key]: d.value })} />
        </Field>
      ))}
      <ProblemBar error={save.error} claimed={thresholdFields.map((f) => `body.${f.key}`)} />
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={save.isPending || !current.data}>
          Save thresholds
        </Button>
        {save.isSuccess && <Text role="status">Thresholds saved. Reports are recomputed with them.</Text>}
      </div>
    </form>
  );
}

type RuleKey = 'holidayWeeks' | 'inactiveWeeks' | 'nonKnowledgeWorkers';
const ruleFields: { key: RuleKey; parameter: 'sd' | 'minHours'; label: string; parameterLabel: string; hint: string }[] = [
  {
    key: 'holidayWeeks',
    parameter: 'sd',
    label: 'Leave out holiday weeks',
    parameterLabel: 'Standard deviations below the mean',
    hint: 'Weeks whose mean collaboration hours over everyone lie more than this many standard deviations below the mean of the weekly means (vivainsights identify_holidayweeks; default 1).',
  },
  {
    key: 'inactiveWeeks',
    parameter: 'sd',
    label: 'Leave out inactive weeks',
    parameterLabel: 'Standard deviations below the person’s mean',
    hint: 'A person’s weeks at least this many standard deviations below their own mean collaboration hours (identify_inactiveweeks; default 2).',
  },
  {
    key: 'nonKnowledgeWorkers',
    parameter: 'minHours',
    label: 'Leave out non-knowledge workers',
    parameterLabel: 'Minimum mean weekly collaboration hours',
    hint: 'Persons whose mean weekly collaboration hours over the 12 weeks is below this get no value (identify_nkw; default 5).',
  },
];

function DataQualityForm() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const current = useDataQuality();
  const [enabled, setEnabled] = useState<Record<RuleKey, boolean>>({ holidayWeeks: false, inactiveWeeks: false, nonKnowledgeWorkers: false });
  const [parameters, setParameters] = useState<Record<RuleKey, string>>({ holidayWeeks: '', inactiveWeeks: '', nonKnowledgeWorkers: '' });
  useEffect(() => {
    if (!current.data) return;
    const rules = current.data;
    setEnabled({ holidayWeeks: rules.holidayWeeks.enabled, inactiveWeeks: rules.inactiveWeeks.enabled, nonKnowledgeWorkers: rules.nonKnowledgeWorkers.enabled });
    setParameters({ holidayWeeks: String(rules.holidayWeeks.sd), inactiveWeeks: String(rules.inactiveWeeks.sd), nonKnowledgeWorkers: String(rules.nonKnowledgeWorkers.minHours) });
  }, [current.data]);
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT('/api/settings/data-quality', {
          body: {
            holidayWeeks: { enabled: enabled.holidayWeeks, sd: Number(parameters.holidayWeeks) },
            inactiveWeeks: { enabled: enabled.inactiveWeeks, sd: Number(parameters.inactiveWeeks) },
            nonKnowledgeWorkers: { enabled: enabled.nonKnowledgeWorkers, minHours: Number(parameters.nonKnowledgeWorkers) },
          },
        }),
      ),
    onSuccess: ({ reimportRunIds, ...rules }) => {
      queryClient.setQueryData(keys.dataQuality, rules satisfies DataQuality);
      void queryClient.invalidateQueries({ queryKey: keys.runs });
    },
  });
  const error = asApiError(save.error);
  const paths = ruleFields.map((f) => `body.${f.key}.${f.parameter}`);
  const reimports = save.data?.reimportRunIds.length ?? 0;
  return (
    <form
      className={styles.section}
      aria-labelledby="data-quality-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Title3 as="h2" id="data-quality-title">
        Data quality
      </Title3>
      <Text>
        The cleaning rules of Microsoft’s vivainsights packages, on the person query’s collaboration hours (read for these rules even when it is not an attribute). Left-out weeks count in no mean; left-out
        persons are in no bucket. Each import shows what the rules did.
      </Text>
      {current.isPending && <Spinner size="small" label="Loading the data-quality rules…" />}
      {ruleFields.map((f) => (
        <div key={f.key} className={styles.section}>
          <Switch label={f.label} checked={enabled[f.key]} onChange={(_, d) => setEnabled({ ...enabled, [f.key]: d.checked })} />
          <Field label={f.parameterLabel} hint={f.hint} validationMessage={error?.fieldMessage(`body.${f.key}.${f.parameter}`)}>
            <Input type="number" inputMode="decimal" step="any" value={parameters[f.key]} disabled={!enabled[f.key]} onChange={(_, d) => setParameters({ ...parameters, [f.key]: d.value })} />
          </Field>
        </div>
      ))}
      <ProblemBar error={save.error} claimed={paths} />
      <div className={styles.row}>
        <Button appearance="primary" type="submit" disabled={save.isPending || !current.data}>
          Save data-quality rules
        </Button>
        {save.isSuccess && (
          <Text role="status">{reimports === 0 ? 'Data-quality rules saved.' : `Data-quality rules saved. ${reimports} imported ${reimports === 1 ? 'cycle is' : 'cycles are'} imported again with them (see Imports).`}</Text>
        )}
      </div>
    </form>
  );
}
