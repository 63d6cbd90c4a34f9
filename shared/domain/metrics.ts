import { DomainError, type FieldError } from './errors';

// The Viva Insights metrics that can become Glint attributes (SPEC section 5). Ranges are the three
// "Max" values [m1, m2, m3]: bucket 1 is 0 to less than m1, ..., bucket 4 is m3 or more.

export type Ranges = readonly [number, number, number];

export interface Metric {
  id: string;
  name: string;
  description: string;
  unit: 'hour' | 'count';
  defaultMax: Ranges;
  /** Person-query column names that carry this metric: cleaned form, display form, then legacy names. */
  columns: readonly string[];
}

export const metricCatalog: readonly Metric[] = [
  {
    id: 'emailHours',
    name: 'Email hours',
    description: 'Number of hours a person spent sending and receiving emails.',
    unit: 'hour',
    defaultMax: [3, 6, 8],
    columns: ['Email_hours', 'Email hours'],
  },
  {
    id: 'callHours',
    name: 'Call hours',
    description: 'Number of hours a person spent in scheduled and unscheduled Teams calls with at least one other person, during and outside of working hours.',
    unit: 'hour',
    defaultMax: [5, 10, 15],
    columns: ['Call_hours', 'Call hours'],
  },
  {
    id: 'afterHoursCollaborationHours',
    name: 'After-hours collaboration hours',
    description:
      'Number of hours a person spent in meetings, emails, Teams chats, and Teams calls with at least one other person, internal or external, after deduplication of overlapping activities, outside of working hours.',
    unit: 'hour',
    defaultMax: [1, 3, 5],
    columns: ['After_hours_collaboration_hours', 'After-hours collaboration hours'],
  },
  {
    id: 'multitaskingHours',
    name: 'Multitasking hours',
    description: 'Number of hours a person spent sending or reading emails or chats during a meeting or Teams call.',
    unit: 'hour',
    defaultMax: [1, 3, 5],
    columns: ['Multitasking_hours', 'Multitasking hours'],
  },
  {
    id: 'collaborationHours',
    name: 'Collaboration hours',
    description:
      'Number of hours a person spent in meetings, emails, Teams chats, and Teams calls with at least one other person, internal or external, after deduplication of overlapping activities.',
    unit: 'hour',
    // The seed document gives no ranges for this metric; these follow the sample data's spread.
    defaultMax: [10, 20, 30],
    columns: ['Collaboration_hours', 'Collaboration hours'],
  },
  {
    id: 'uninterruptedHours',
    name: 'Uninterrupted hours',
    description:
      "Sum of blocks of one hour or longer in which a person didn't attend a meeting, read or send emails or Teams chats, or make or receive Teams calls.",
    unit: 'hour',
    defaultMax: [5, 10, 15],
    columns: ['Uninterrupted_hours', 'Uninterrupted hours', 'Uninterrupted_focus_hours'],
  },
  {
    id: 'meetingHours',
    name: 'Meeting hours',
    description: 'Number of hours a person spent in meetings with at least one other person, during and outside of working hours.',
    unit: 'hour',
    // The seed's row reads "0 to <6 | 60 to <12 | 10 to <15 | 15+"; its intact cells give 6, 10, 15.
    defaultMax: [6, 10, 15],
    columns: ['Meeting_hours', 'Meeting hours'],
  },
  {
    id: 'managerOneOnOneHours',
    name: 'Meeting hours with Manager 1:1',
    description: 'Number of meeting hours involving only the person and their manager.',
    unit: 'hour',
    defaultMax: [0.01, 0.25, 0.5],
    columns: [
      'Meeting_hours_with_manager_1_1',
      'Meeting hours with manager 1:1',
      'Meeting_hours_with_manager_1_on_1',
      'Meeting_and_call_hours_with_manager_1_1',
    ],
  },
  {
    id: 'skipLevelMeetingHours',
    name: 'Meeting hours with Skip Level Manager',
    description: "Number of meeting hours a person attended where their manager's manager also attended.",
    unit: 'hour',
    defaultMax: [0.01, 0.5, 1],
    columns: ['Meeting_hours_with_skip_level', 'Meeting hours with skip level', 'Meeting_and_call_hours_with_skip_level'],
  },
  {
    id: 'internalNetworkSize',
    name: 'Internal network size',
    description: 'Number of people within the organization with whom a person has had a reciprocal interaction in the past four weeks.',
    unit: 'count',
    defaultMax: [15, 30, 45],
    columns: ['Internal_network_size', 'Internal network size'],
  },
];

/** Problems with a set of maxima: three finite, positive, strictly increasing numbers. */
export function rangeProblems(max: readonly number[], path = 'max'): FieldError[] {
  const problems: FieldError[] = [];
  if (max.length !== 3) problems.push({ path, message: 'must have exactly three maxima' });
  const valid = (m: number | undefined): m is number => m !== undefined && Number.isFinite(m) && m > 0;
  max.forEach((m, i) => {
    const previous = max[i - 1];
    if (!valid(m)) problems.push({ path: `${path}.${i}`, message: 'must be a positive finite number' });
    else if (valid(previous) && !(m > previous)) problems.push({ path: `${path}.${i}`, message: `must be greater than max.${i - 1} (${previous})` });
  });
  return problems;
}

/** Checked at start-up: a broken catalog must stop the app, not mis-bucket data. */
export function validateCatalog(catalog: readonly Metric[]): void {
  const ids = new Set<string>();
  for (const metric of catalog) {
    if (ids.has(metric.id)) throw new Error(`Metric catalog: duplicate id ${metric.id}`);
    ids.add(metric.id);
    const problems = rangeProblems(metric.defaultMax);
    if (problems.length > 0) throw new Error(`Metric catalog: ${metric.id} default ranges: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
    if (metric.columns.length === 0) throw new Error(`Metric catalog: ${metric.id} has no columns`);
  }
}

export function findMetric(metricId: string): Metric | undefined {
  return metricCatalog.find((m) => m.id === metricId);
}

export function requireMetric(metricId: string): Metric {
  const metric = findMetric(metricId);
  if (!metric) throw new DomainError('not-found', `Metric ${metricId} does not exist.`);
  return metric;
}

const formatNumber = (n: number) => String(Number(n.toPrecision(12)));

/** The label of each of the four buckets, as Glint shows them ("0 to less than 3", ..., "8 or more"). */
export function bucketLabels(max: Ranges): [string, string, string, string] {
  const [m1, m2, m3] = max.map(formatNumber) as [string, string, string];
  return [`0 to less than ${m1}`, `${m1} to less than ${m2}`, `${m2} to less than ${m3}`, `${m3} or more`];
}

/**
 * The grid previewed maxima are snapped to, per unit: a quarter hour, or one (SPEC section 7's
 * preview). Counts move only when a maximum crosses a grid line, so probing finer maxima learns
 * nothing finer about anyone's mean.
 */
export const previewGrid: Record<'hour' | 'count', number> = { hour: 0.25, count: 1 };

export function snapToGrid(max: Ranges, unit: 'hour' | 'count'): Ranges {
  const step = previewGrid[unit];
  return max.map((m) => Math.max(step, Math.round(m / step) * step)) as unknown as Ranges;
}
