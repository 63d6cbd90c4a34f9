import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from '@fluentui/react-components';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { keys } from '../api/queries';
import { usePortal } from '../context';
import { reasonWords } from '../lib/runs';
import { ProblemBar } from './ProblemBar';

// Why Glint employees have no Insights data in an import (GET /api/imports/{runId}/diagnostics): the
// counts per reason, then the unmatched employees a page at a time, with what the administrator can
// do about each reason. Identifiers and counts only; no metric value is ever shown here.

const pageSize = 50;

export function Diagnostics({ runId, title }: { runId: string; title: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <div>
        <Button onClick={() => setOpen(true)} aria-label={`Why some Glint employees have no data in ${title}`}>
          Why some Glint employees have no data
        </Button>
      </div>
      <Dialog open={open} onOpenChange={(_, data) => setOpen(data.open)}>
        <DialogSurface style={{ maxWidth: '900px' }}>
          <DialogBody>
            <DialogTitle>Glint employees without Viva Insights data</DialogTitle>
            {/* A long list scrolls: the region takes focus so keyboard users can scroll it too. */}
            <DialogContent role="region" aria-label="Unmatched Glint employees and their reasons" tabIndex={0}>
              {open && <DiagnosticsBody runId={runId} />}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={() => setOpen(false)}>
                Close
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  );
}

function DiagnosticsBody({ runId }: { runId: string }) {
  const { api } = usePortal();
  const pages = useInfiniteQuery({
    queryKey: keys.diagnostics(runId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => ok(api.GET('/api/imports/{runId}/diagnostics', { params: { path: { runId }, query: { limit: pageSize, ...(pageParam ? { after: pageParam } : {}) } } })),
    getNextPageParam: (last) => last.nextAfter ?? undefined,
  });
  if (pages.isPending) return <Spinner label="Matching Glint’s employees…" />;
  if (!pages.data) return <ProblemBar error={pages.error} />;
  const first = pages.data.pages[0]!;
  const unmatched = pages.data.pages.flatMap((p) => p.unmatched);
  const reasons = Object.entries(first.reasons) as [keyof typeof reasonWords, number][];
  return (
    <>
      <Text as="p" block>
        {first.counts.matchedEmployees} of {first.counts.measuredEmployees} people Viva Insights measured are matched to a Glint employee ({first.counts.matchedByAlternateId} through an
        identifier other than the employee key). Each employee’s Glint email must be on their Microsoft Entra ID record, and every Glint email domain must be a domain of your Microsoft 365
        tenant. When Glint sends a corrected employee list, imported cycles are matched again by themselves.
      </Text>
      <Table aria-label="Unmatched Glint employees by reason">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Reason</TableHeaderCell>
            <TableHeaderCell>Employees</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {reasons.map(([reason, count]) => (
            <TableRow key={reason}>
              <TableCell>{reasonWords[reason]}</TableCell>
              <TableCell>{count}</TableCell>
            </TableRow>
          ))}
          <TableRow>
            <TableCell>Matched through another identifier</TableCell>
            <TableCell>{first.counts.matchedByAlternateId}</TableCell>
          </TableRow>
        </TableBody>
      </Table>
      <Table aria-label="Unmatched Glint employees">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Employee key</TableHeaderCell>
            <TableHeaderCell>Email</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell>Reason</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {unmatched.map((u) => (
            <TableRow key={u.employeeKey}>
              <TableCell>{u.employeeKey}</TableCell>
              <TableCell>{u.email}</TableCell>
              <TableCell>{u.status === 'active' ? 'Active' : 'Inactive'}</TableCell>
              <TableCell>{reasonWords[u.reason]}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {pages.hasNextPage && (
        <Button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          Show more
        </Button>
      )}
      <ProblemBar error={pages.error} />
    </>
  );
}
