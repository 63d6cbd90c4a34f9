// How an import run reads on the Import status page: progress, status and the error in plain words.

export interface RunLike {
  kind: 'import' | 'rebucket' | 'delete' | 'rematch';
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: { employees: number; chunksDone: number; chunksTotal: number | null };
  error: string | null;
}

export const statusWords: Record<RunLike['status'], string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const kindWords: Record<RunLike['kind'], string> = { import: 'Import', rebucket: 'Re-bucketing', delete: 'Deletion', rematch: 'Matching to Glint’s employees' };

/** A matching count of a run: null means Glint has not sent its employees yet, so nobody can say. */
export const matchCount = (count: number | null) => (count === null ? 'Unknown until Glint sends its employee list' : String(count));

/** Why a Glint employee has no Insights data, in the administrator's words (the seed's prerequisites). */
export const reasonWords = {
  'not-in-person-query': 'Not in the Viva Insights person query',
  'excluded-by-data-quality': 'In this import’s window, but left out by the data-quality rules (Settings)',
  'no-week-in-window': 'In the person query, but no week in this import’s window',
  'inactive-in-glint': 'Inactive in Glint',
  'email-domain-not-in-insights': 'Glint email domain is not a domain seen in Viva Insights',
  'identifier-matched-to-another-employee': 'Their Insights person is already matched to another Glint employee',
} as const;

export const isActive = (run: Pick<RunLike, 'status'>) => run.status === 'queued' || run.status === 'running';

/** The progress bar's value (0..1; undefined while the total is not known yet) and its words. */
export function runProgress(run: RunLike): { value: number | undefined; text: string } {
  const { chunksDone, chunksTotal, employees } = run.progress;
  if (run.status === 'succeeded') return { value: 1, text: chunksTotal ? `${chunksTotal} of ${chunksTotal} chunks · ${employees} employees` : 'Done' };
  if (chunksTotal === null || chunksTotal === 0) return { value: run.status === 'queued' ? 0 : undefined, text: run.status === 'queued' ? 'Waiting to start' : `Reading Viva Insights data · ${employees} employees so far` };
  return { value: chunksDone / chunksTotal, text: `${chunksDone} of ${chunksTotal} chunks · ${employees} employees` };
}

const plain: [RegExp, string][] = [
  [/no Viva Insights source is configured/i, 'No Viva Insights source is set. Set one under Settings, then import again.'],
  [/consent/i, 'Viva Insights data is not shared with Glint any more: a Global Administrator revoked consent.'],
  [/\b(401|403)\b|token|unauthori[sz]ed|forbidden/i, 'Viva Insights refused the service’s sign-in. Check that the app has the Analyst permission on the Workplace Analytics API.'],
  [/not found|404|no such file|missing/i, 'The person query or export file was not found. Check the source under Settings.'],
  [/column/i, 'The export does not have the columns the attributes need. Check that the person query includes the metrics and the employee key column.'],
];

/** The stored error, with a sentence in plain words first where one is known. */
export function plainError(error: string | null): { summary: string; detail: string } | undefined {
  if (error === null || error === '') return undefined;
  const known = plain.find(([pattern]) => pattern.test(error));
  return { summary: known ? known[1] : 'The import stopped with an error.', detail: error };
}

export interface DataQualityLike {
  holidayWeeks: { week: string; meanHours: number | null; z: number | null }[];
  personWeeksExcluded: number;
  nonKnowledgeWorkers: number;
}

/**
 * What the data-quality rules did in a run, as facts for its card (README "Data quality"). A holiday
 * week's mean comes without numbers when too few persons made it (the API sends null then).
 */
export function dataQualityFacts(figures: DataQualityLike | undefined): [string, string][] {
  if (!figures) return [];
  const week = ({ week, meanHours, z }: DataQualityLike['holidayWeeks'][number]) =>
    meanHours === null || z === null ? week : `${week} (mean ${meanHours.toFixed(1)} collaboration hours, z ${z.toFixed(2)})`;
  return [
    ['Holiday weeks left out', figures.holidayWeeks.length === 0 ? 'None found' : figures.holidayWeeks.map(week).join('; ')],
    ['Person-weeks left out', String(figures.personWeeksExcluded)],
    ['Non-knowledge workers left out (no value)', String(figures.nonKnowledgeWorkers)],
  ];
}
