import { Button, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title1 } from '@fluentui/react-components';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { keys } from '../api/queries';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';
import { usePortal } from '../context';

// The audit log: who changed what, newest first, 25 entries a page (the API's continuation tokens).

const pageSize = 25;

export default function Audit() {
  const styles = useCommonStyles();
  const { api } = usePortal();
  // The tokens of the pages seen so far, so Previous page can go back.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const token = tokens[tokens.length - 1];
  const page = useQuery({
    queryKey: [...keys.audit, token],
    placeholderData: keepPreviousData,
    queryFn: () => ok(api.GET('/api/audit', { params: { query: { limit: pageSize, ...(token ? { continuationToken: token } : {}) } } })),
  });
  return (
    <>
      <Title1 as="h1">Audit log</Title1>
      <ProblemBar error={page.error} />
      {page.isPending && <Spinner label="Loading the audit log…" />}
      {page.data && (
        <Table aria-label={`Audit log, page ${tokens.length}`} className={styles.table}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>When</TableHeaderCell>
              <TableHeaderCell>Who</TableHeaderCell>
              <TableHeaderCell>What</TableHeaderCell>
              <TableHeaderCell>Target</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {page.data.entries.map((e, i) => (
              <TableRow key={`${e.at}-${i}`}>
                <TableCell>{new Date(e.at).toLocaleString()}</TableCell>
                <TableCell>{e.actor}</TableCell>
                <TableCell>{e.action}</TableCell>
                <TableCell>{e.target}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {page.data?.entries.length === 0 && <Text>Nothing has been changed yet.</Text>}
      <div className={styles.footer}>
        <Text>Page {tokens.length}</Text>
        <Button disabled={tokens.length === 1} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous page
        </Button>
        <Button disabled={!page.data?.continuationToken} onClick={() => page.data?.continuationToken && setTokens([...tokens, page.data.continuationToken])}>
          Next page
        </Button>
      </div>
    </>
  );
}
