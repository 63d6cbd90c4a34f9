import { Button, Field, makeStyles, Select, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title1, Title3, tokens } from '@fluentui/react-components';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ok } from '../api/client';
import { useCatalog, type Catalog } from '../api/queries';
import { ProblemBar } from '../components/ProblemBar';
import { useCommonStyles } from '../components/ui';
import { usePortal } from '../context';
import { cellExplanations, heatmapCell, percent } from '../lib/heatmap';

// Sentiment by behavior for a program's cycle: the heatmap of items × the attribute's ranges (report
// sections), the item report of one range (report filters) and the comments of one range (comment
// filters). Only what the caller's roles are granted is offered (GET /api/reports/catalog).

const useStyles = makeStyles({
  pickers: { display: 'flex', gap: tokens.spacingHorizontalL, flexWrap: 'wrap' },
  shade0: { backgroundColor: tokens.colorPaletteRedBackground2 },
  shade1: { backgroundColor: tokens.colorPaletteMarigoldBackground2 },
  shade2: { backgroundColor: tokens.colorNeutralBackground3 },
  shade3: { backgroundColor: tokens.colorPaletteLightGreenBackground2 },
  shade4: { backgroundColor: tokens.colorPaletteGreenBackground2 },
  hidden: {
    color: tokens.colorNeutralForeground2,
    fontStyle: 'italic',
    backgroundImage: `repeating-linear-gradient(45deg, ${tokens.colorNeutralBackground4} 0 6px, ${tokens.colorNeutralBackground1} 6px 12px)`,
  },
  legend: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  comment: { margin: 0, paddingBlock: tokens.spacingVerticalS, borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}` },
});

type Group = '1' | '2' | '3' | '4' | 'none';
const groups: Group[] = ['1', '2', '3', '4', 'none'];

export default function Reports() {
  const catalog = useCatalog();
  return (
    <>
      <Title1 as="h1">Reports</Title1>
      <ProblemBar error={catalog.error} />
      {catalog.isPending && <Spinner label="Loading what you may read…" />}
      {catalog.data && (catalog.data.attributes.length === 0 || catalog.data.programs.length === 0 ? <Text>{nothingToRead(catalog.data)}</Text> : <ReportPicker catalog={catalog.data} />)}
    </>
  );
}

const nothingToRead = (catalog: Catalog) =>
  catalog.attributes.length === 0
    ? 'None of your roles is granted a behavioral attribute yet, so there is no report to read.'
    : 'No program imports Viva Insights data yet, so there is no report to read.';

function ReportPicker({ catalog }: { catalog: Catalog }) {
  const styles = useStyles();
  const [programId, setProgramId] = useState(catalog.programs[0]!.programId);
  const program = catalog.programs.find((p) => p.programId === programId) ?? catalog.programs[0]!;
  const [cycleId, setCycleId] = useState(program.cycles[0]?.cycleId ?? '');
  const cycle = program.cycles.find((c) => c.cycleId === cycleId) ?? program.cycles[0];
  const [metricId, setMetricId] = useState(catalog.attributes[0]!.metricId);
  const attribute = catalog.attributes.find((a) => a.metricId === metricId) ?? catalog.attributes[0]!;
  return (
    <>
      <div className={styles.pickers}>
        <Field label="Program">
          <Select value={program.programId} onChange={(_, d) => (setProgramId(d.value), setCycleId(catalog.programs.find((p) => p.programId === d.value)?.cycles[0]?.cycleId ?? ''))}>
            {catalog.programs.map((p) => (
              <option key={p.programId} value={p.programId}>
                {p.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Cycle">
          <Select value={cycle?.cycleId ?? ''} onChange={(_, d) => setCycleId(d.value)}>
            {program.cycles.map((c) => (
              <option key={c.cycleId} value={c.cycleId}>
                {c.name} ({c.startDate} to {c.endDate})
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Behavioral attribute">
          <Select value={attribute.metricId} onChange={(_, d) => setMetricId(d.value)}>
            {catalog.attributes.map((a) => (
              <option key={a.metricId} value={a.metricId}>
                {a.name}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {cycle && (
        <>
          {attribute.reportSections && <Heatmap programId={program.programId} cycle={cycle} attribute={attribute} />}
          {attribute.reportFilters && <ItemReport programId={program.programId} cycle={cycle} attribute={attribute} />}
          {attribute.commentFilters && <Comments programId={program.programId} cycle={cycle} attribute={attribute} />}
        </>
      )}
    </>
  );
}

type CycleInfo = Catalog['programs'][number]['cycles'][number];
type AttributeInfo = Catalog['attributes'][number];
type CommentPage = { label: string; commentsShown: boolean; comments: { itemId: string; text: string }[]; continuationToken: string | null };

const itemLabel = (cycle: CycleInfo, itemId: string) => cycle.items.find((i) => i.itemId === itemId);

function Heatmap({ programId, cycle, attribute }: { programId: string; cycle: CycleInfo; attribute: AttributeInfo }) {
  const common = useCommonStyles();
  const styles = useStyles();
  const { api } = usePortal();
  const report = useQuery({
    queryKey: ['report', programId, cycle.cycleId, attribute.metricId],
    queryFn: () => ok(api.GET('/api/reports/programs/{programId}/cycles/{cycleId}/behaviors/{metricId}', { params: { path: { programId, cycleId: cycle.cycleId, metricId: attribute.metricId } } })),
  });
  const shades = [styles.shade0, styles.shade1, styles.shade2, styles.shade3, styles.shade4];
  const data = report.data;
  const seen = new Set(data?.groups.flatMap((g) => g.items.map((i) => heatmapCell({ status: g.status, ...i }).kind)));
  return (
    <section className={common.section} aria-labelledby="heatmap-title">
      <Title3 as="h2" id="heatmap-title">
        Sentiment by {attribute.name.toLowerCase()}
      </Title3>
      <ProblemBar error={report.error} title="No report to show" />
      {report.isPending && <Spinner label="Loading the report…" />}
      {data && (
        <>
          <Table aria-label={`Heatmap: items by ${attribute.name} range`}>
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Item</TableHeaderCell>
                {data.groups.map((g) => (
                  <TableHeaderCell key={g.group}>
                    <span style={{ display: 'flex', flexDirection: 'column' }}>
                      <span>{g.label}</span>
                      <Text size={200}>{g.status === 'ok' ? `${g.respondents} respondents` : g.status === 'insufficient' ? 'Insufficient' : 'Suppressed'}</Text>
                    </span>
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {(data.groups[0]?.items ?? []).map((item, row) => {
                const info = itemLabel(cycle, item.itemId);
                return (
                  <TableRow key={item.itemId}>
                    <TableCell title={info?.text}>{info ? `${info.label}: ${info.text}` : item.itemId}</TableCell>
                    {data.groups.map((g) => {
                      const cell = heatmapCell({ status: g.status, ...g.items[row]! });
                      return (
                        <TableCell key={g.group} className={cell.shade === null ? styles.hidden : shades[cell.shade]} title={cell.kind === 'score' ? undefined : cellExplanations[cell.kind]}>
                          {cell.text}
                        </TableCell>
                      );
                    })}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          <div className={styles.legend}>
            <Text size={200}>Each cell: mean score · share of favorable answers. Colors go from red (under 40% favorable) to green (85% or more).</Text>
            {(['insufficient', 'suppressed', 'withheld'] as const).filter((k) => seen.has(k)).map((k) => (
              <Text key={k} size={200}>
                {cellExplanations[k]}
              </Text>
            ))}
            <Text size={200}>Computed {new Date(data.computedAt).toLocaleString()}.</Text>
          </div>
        </>
      )}
    </section>
  );
}

function RangePicker({ label, value, onChange, attribute }: { label: string; value: Group; onChange: (g: Group) => void; attribute: AttributeInfo }) {
  return (
    <Field label={label}>
      <Select value={value} onChange={(_, d) => onChange(d.value as Group)}>
        {groups.map((g) => (
          <option key={g} value={g}>
            {g === 'none' ? 'No data' : `${attribute.name}: range ${g}`}
          </option>
        ))}
      </Select>
    </Field>
  );
}

function ItemReport({ programId, cycle, attribute }: { programId: string; cycle: CycleInfo; attribute: AttributeInfo }) {
  const common = useCommonStyles();
  const { api } = usePortal();
  const [group, setGroup] = useState<Group>('1');
  const filter = `${attribute.metricId}:${group}`;
  const report = useQuery({
    queryKey: ['items', programId, cycle.cycleId, filter],
    queryFn: () => ok(api.GET('/api/reports/programs/{programId}/cycles/{cycleId}/items', { params: { path: { programId, cycleId: cycle.cycleId }, query: { filter } } })),
  });
  const g = report.data?.group;
  return (
    <section className={common.section} aria-labelledby="items-title">
      <Title3 as="h2" id="items-title">
        Item report filtered by one range
      </Title3>
      <RangePicker label="Filter items by" value={group} onChange={setGroup} attribute={attribute} />
      <ProblemBar error={report.error} title="No report to show" />
      {g && (
        <>
          <Text>
            {g.label}: {g.status === 'ok' ? `${g.respondents} respondents` : g.status === 'insufficient' ? cellExplanations.insufficient : cellExplanations.suppressed}
          </Text>
          {g.status === 'ok' && (
            <Table aria-label={`Items of ${g.label}`}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Item</TableHeaderCell>
                  <TableHeaderCell>Score</TableHeaderCell>
                  <TableHeaderCell>Favorable</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {g.items.map((i) => (
                  <TableRow key={i.itemId}>
                    <TableCell>{itemLabel(cycle, i.itemId)?.text ?? i.itemId}</TableCell>
                    <TableCell>{i.score === null ? 'Withheld' : i.score.toFixed(2)}</TableCell>
                    <TableCell>{i.favorable === null ? 'Withheld' : percent(i.favorable)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </section>
  );
}

function Comments({ programId, cycle, attribute }: { programId: string; cycle: CycleInfo; attribute: AttributeInfo }) {
  const common = useCommonStyles();
  const styles = useStyles();
  const { api } = usePortal();
  const [group, setGroup] = useState<Group>('1');
  const filter = `${attribute.metricId}:${group}`;
  const pages = useInfiniteQuery({
    queryKey: ['comments', programId, cycle.cycleId, filter],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: CommentPage) => last.continuationToken ?? undefined,
    queryFn: ({ pageParam }): Promise<CommentPage> =>
      ok(api.GET('/api/reports/programs/{programId}/cycles/{cycleId}/comments', { params: { path: { programId, cycleId: cycle.cycleId }, query: { filter, ...(pageParam ? { continuationToken: pageParam } : {}) } } })),
  });
  const first = pages.data?.pages[0];
  const comments = pages.data?.pages.flatMap((p) => p.comments) ?? [];
  return (
    <section className={common.section} aria-labelledby="comments-title">
      <Title3 as="h2" id="comments-title">
        Comments filtered by one range
      </Title3>
      <RangePicker label="Filter comments by" value={group} onChange={setGroup} attribute={attribute} />
      <ProblemBar error={pages.error} title="No comments to show" />
      {first && !first.commentsShown && <Text>{first.label}: comments are not shown, because fewer people in this range answered than the comment threshold allows, or the range is hidden.</Text>}
      {first?.commentsShown && comments.length === 0 && <Text>No comments in this range.</Text>}
      {comments.length > 0 && (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {comments.map((c, i) => (
            <li key={i} className={styles.comment}>
              <Text size={200}>{itemLabel(cycle, c.itemId)?.label ?? c.itemId}</Text>
              <br />
              <Text>{c.text}</Text>
            </li>
          ))}
        </ul>
      )}
      {pages.hasNextPage && (
        <Button onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          More comments
        </Button>
      )}
    </section>
  );
}
