import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ok } from '../api/client';
import { keys, useConfidentiality, usePrograms, type Attribute, type Program } from '../api/queries';
import { usePortal } from '../context';
import { asApiError } from '../lib/problem';
import { checkMaxInputs, formatNumber, hiddenRangeReason, rangeMins, type Max } from '../lib/ranges';
import { ProblemBar } from './ProblemBar';

// Customize attribute ranges (seed: adjust the range in the Max column, Save). While the administrator
// types, the preview asks the API how many employees of the latest imported cycle each range would
// hold (GET …/distribution?max=), and says which ranges reports would hide and why.

const previewDelayMs = 350;

/** The cycle whose import succeeded last, by cycle start: the preview's population. */
export function latestImportedCycle(programs: Program[]): { programId: string; cycleId: string; label: string } | undefined {
  const cycles = programs.flatMap((p) => p.cycles.filter((c) => c.importState.lastRunId !== null && c.importState.status === 'succeeded').map((c) => ({ programId: p.programId, cycleId: c.cycleId, startDate: c.startDate, label: `${p.name}, ${c.name}` })));
  return cycles.sort((a, b) => b.startDate.localeCompare(a.startDate))[0];
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

export function CustomizeRanges({ attribute, onClose }: { attribute: Attribute; onClose: () => void }) {
  const { api } = usePortal();
  const queryClient = useQueryClient();
  const programs = usePrograms();
  const thresholds = useConfidentiality();
  const [inputs, setInputs] = useState<[string, string, string]>(() => attribute.ranges.max.map(formatNumber) as [string, string, string]);
  const check = checkMaxInputs(inputs);
  const previewMax = useDebounced(check.max?.join(','), previewDelayMs);
  const cycle = programs.data ? latestImportedCycle(programs.data.programs) : undefined;
  const preview = useQuery({
    queryKey: ['distribution', attribute.metricId, cycle?.programId, cycle?.cycleId, previewMax],
    enabled: cycle !== undefined && previewMax !== undefined,
    placeholderData: keepPreviousData,
    queryFn: () =>
      ok(api.GET('/api/attributes/{metricId}/distribution', { params: { path: { metricId: attribute.metricId }, query: { programId: cycle!.programId, cycleId: cycle!.cycleId, max: previewMax! } } })),
  });
  const save = useMutation({
    mutationFn: (max: Max) => ok(api.PUT('/api/attributes/{metricId}/ranges', { params: { path: { metricId: attribute.metricId } }, body: { max } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.attributes });
      void queryClient.invalidateQueries({ queryKey: keys.runs });
      onClose();
    },
  });
  const saveError = asApiError(save.error);
  const previewError = asApiError(preview.error);
  const messageFor = (i: number) => check.errors[i] ?? saveError?.fieldMessage(`body.max.${i}`) ?? previewError?.fieldMessage(`query.max.${i}`);
  const mins = rangeMins(check.max ?? inputs.map(Number));
  const buckets = preview.data?.buckets;
  const stale = preview.isFetching || previewMax !== check.max?.join(',');

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface style={{ maxWidth: '880px' }}>
        <DialogBody>
          <DialogTitle>Customize ranges: {attribute.name}</DialogTitle>
          <DialogContent>
            <Text as="p" block>
              To view numeric data in heatmaps, filters and more, the data is placed into ranges. All data ranges are the same across the entire company. Adjust the range in the <strong>Max</strong> column.
            </Text>
            <Table aria-label={`Ranges of ${attribute.name}`}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Range</TableHeaderCell>
                  <TableHeaderCell>Min</TableHeaderCell>
                  <TableHeaderCell>Max</TableHeaderCell>
                  <TableHeaderCell>Employees{cycle ? ` (${cycle.label})` : ''}</TableHeaderCell>
                  <TableHeaderCell>In reports</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {[0, 1, 2, 3].map((i) => {
                  const bucket = buckets?.[i];
                  const reason = bucket ? hiddenRangeReason(bucket, thresholds.data) : undefined;
                  return (
                    <TableRow key={i}>
                      <TableCell>Range {i + 1}</TableCell>
                      <TableCell>{mins[i]}</TableCell>
                      <TableCell>
                        {i < 3 ? (
                          <Field validationMessage={messageFor(i)} validationState={messageFor(i) ? 'error' : 'none'}>
                            <Input
                              type="number"
                              inputMode="decimal"
                              step="any"
                              min="0"
                              aria-label={`Max of range ${i + 1}`}
                              style={{ width: '8rem', minWidth: 0 }}
                              value={inputs[i]}
                              onChange={(_, d) => setInputs((current) => current.map((v, j) => (j === i ? d.value : v)) as [string, string, string])}
                            />
                          </Field>
                        ) : (
                          <Text>or more</Text>
                        )}
                      </TableCell>
                      <TableCell aria-busy={stale}>{bucket ? (bucket.employees !== null ? String(bucket.employees) : bucket.belowThreshold ? 'Fewer than the threshold' : 'Hidden') : '–'}</TableCell>
                      <TableCell>
                        {!bucket ? '–' : reason ? <Text style={{ color: tokens.colorPaletteDarkOrangeForeground1 }}>Hidden. {reason}</Text> : 'Shown'}
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
            <div role="status" aria-live="polite">
              {!cycle && programs.data && <Text as="p" block>No cycle has been imported yet: the preview of how many employees each range holds appears after the first import.</Text>}
              {cycle && preview.isFetching && <Spinner size="tiny" label="Updating the preview…" />}
            </div>
            <ProblemBar error={preview.error} claimed={['query.max']} title="The preview is not available" />
            <MessageBar intent="info" layout="multiline">
              <MessageBarBody>
                Glint respects Viva Insights confidentiality thresholds, in addition to Glint’s threshold. Customizing default ranges may result in ranges with employees less than these thresholds and for this reason, results don’t appear in any reports or
                filters.
              </MessageBarBody>
            </MessageBar>
            <ProblemBar error={save.error} claimed={['body.max']} />
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={!check.max || save.isPending} onClick={() => check.max && save.mutate(check.max)}>
              Save
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
