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
import { keys, usePrograms, useSource, type Program } from '../api/queries';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';
import { usePortal } from '../context';

// Step 2 of 2, "Select Programs and Cycles": enabling a program imports its last two cycles of the
// last 24 months now and future cycles every Sunday. Import behaviors, the confirmation, Close.

export default function SelectPrograms() {
  const styles = useCommonStyles();
  const navigate = useNavigate();
  const programs = usePrograms();
  const source = useSource();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const enable = useEnablePrograms();

  const available = programs.data?.programs.filter((p) => !p.enabled) ?? [];
  const enabled = programs.data?.programs.filter((p) => p.enabled) ?? [];
  return (
    <>
      <Text>Step 2 of 2</Text>
      <Title1 as="h1">Select Programs and Cycles</Title1>
      <Text as="p" block>Import data from previous cycles and set up automatic imports for future cycles. Select one or more programs.</Text>
      <ul>
        <li>Each cycle pulls 12 weeks of Insights data, if available.</li>
        <li>Glint currently supports importing the selected behavioral data for the last two cycles, up to 24 months.</li>
      </ul>
      {source.data === null && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>No Viva Insights source</MessageBarTitle>
            Imports need to know where your organization’s Viva Insights data comes from.{' '}
            <Link href="/settings" onClick={(e) => (e.preventDefault(), navigate('/settings'))}>
              Set the source in Settings
            </Link>{' '}
            first, or the imports will fail.
          </MessageBarBody>
        </MessageBar>
      )}
      <ProblemBar error={programs.error} />
      {programs.isPending && <Spinner label="Loading programs…" />}
      {programs.data && available.length === 0 && <Text>{enabled.length > 0 ? 'Every program is already enabled.' : 'Glint has not sent any survey program yet.'}</Text>}
      {available.map((program) => (
        <ProgramChoice
          key={program.programId}
          program={program}
          checked={chosen.has(program.programId)}
          onChange={(on) => {
            const next = new Set(chosen);
            if (on) next.add(program.programId);
            else next.delete(program.programId);
            setChosen(next);
          }}
        />
      ))}
      <ProblemBar error={enable.error} />
      <div className={styles.footer}>
        <Button onClick={() => navigate('/setup')}>Back</Button>
        <Button
          appearance="primary"
          disabled={chosen.size === 0 || enable.isPending}
          // The confirmation shows on Manage Integration, where Close leaves the administrator.
          onClick={() => enable.mutate([...chosen], { onSuccess: (result) => navigate(`/manage?imported=${result.runs}`) })}
        >
          Import behaviors
        </Button>
      </div>
    </>
  );
}

export function ProgramChoice({ program, checked, onChange }: { program: Program; checked: boolean; onChange: (on: boolean) => void }) {
  const styles = useCommonStyles();
  return (
    <section className={styles.section} aria-label={program.name}>
      <Checkbox label={<Title3 as="h2">{program.name}</Title3>} checked={checked} onChange={(_, d) => onChange(Boolean(d.checked))} />
      <ul>
        {program.cycles.map((c) => (
          <li key={c.cycleId}>
            {c.name}: {c.startDate} to {c.endDate}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function useEnablePrograms() {
  const { api } = usePortal();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (programIds: string[]) => {
      const runs = [];
      for (const programId of programIds) runs.push(...(await ok(api.POST('/api/programs/{programId}/enable', { params: { path: { programId } } }))).runs);
      return { runs: runs.length };
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: keys.programs });
      void queryClient.invalidateQueries({ queryKey: keys.runs });
      void queryClient.invalidateQueries({ queryKey: keys.catalog });
    },
  });
}

export function ImportConfirmation({ result, onClose }: { result: { runs: number } | undefined; onClose: () => void }) {
  return (
    <Dialog open={result !== undefined} onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Behaviors added</DialogTitle>
          <DialogContent>
            <Text as="p" block>
              {result && result.runs > 0
                ? `Glint is importing Viva Insights data for ${result.runs} ${result.runs === 1 ? 'cycle' : 'cycles'}; future cycles import every Sunday.`
                : 'The programs are enabled. Their cycles import every Sunday once they have started.'}{' '}
              Follow the imports on the Import status page.
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
