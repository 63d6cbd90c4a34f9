import { addDays, sundayOnOrBefore } from '../shared/domain/weeks';
import type { SyntheticOptions } from './synthetic-person-query';

// What the Glint platform would have sent before an administrator opens the portal (SPEC sections 6,
// 8 and 13, issue 15): user roles, its employees, a survey program with cycles, their survey items and
// responses of the same generated people as the sample export and the Insights simulator. `npm start` seeds the local tenant
// with it so the portal's whole flow can be walked through; the portal's browser tests seed each fresh
// tenant the same way. Only Glint's part: consent, attributes, source and imports are the portal's.

/** The tenant of the README's walkthrough and of the local sign-in screen. */
export const localTenantId = '7d3e1a52-0f6b-4c1e-9a38-2b5c6d7e8f90';

/** Two years of weeks up to last week, so any cycle the 24-month backfill picks has data. */
export function sampleExportShape(today = new Date()): SyntheticOptions {
  return { people: 500, weeks: 104, lastSunday: addDays(sundayOnOrBefore(today.toISOString().slice(0, 10)), -7) };
}

const personId = (p: number) => `person${String(p).padStart(6, '0')}@contoso.com`;

export const demoRoles = [
  // Managers may not filter comments: the portal greys that flag out for them, as the seed shows.
  { roleId: 'managers', name: 'Managers', permissions: { reportFilters: true, reportSections: true, commentFilters: false } },
  { roleId: 'hr', name: 'HR business partners', permissions: { reportFilters: true, reportSections: true, commentFilters: true } },
] as const;

const scale = { min: 1, max: 5, favorableMin: 4 };
export const demoItems = [
  { itemId: 'recommend', label: 'Recommend', category: 'Engagement', text: 'I would recommend this company as a great place to work.', scale },
  { itemId: 'happiness', label: 'Happiness', category: 'Engagement', text: 'I am happy working at this company.', scale },
  { itemId: 'workload', label: 'Workload', category: 'Wellbeing', text: 'My workload is manageable.', scale },
  { itemId: 'balance', label: 'Work-life balance', category: 'Wellbeing', text: 'I have the flexibility I need to balance my work and personal life.', scale },
  { itemId: 'feedback', label: 'Feedback', category: 'Manager', text: 'My manager gives me useful feedback.', scale },
];

const comments = [
  'Too many meetings leave little time for focused work.',
  'I appreciate the flexible hours on my team.',
  'Evenings are often taken by calls with other time zones.',
  'My manager makes time for regular one-on-ones.',
  'Deadlines pile up at the end of each quarter.',
];

/** The program's cycles around `today`: two have ended (the backfill imports them), one is ahead. */
export function demoProgram(today = new Date()) {
  const sunday = sundayOnOrBefore(today.toISOString().slice(0, 10));
  const cycle = (cycleId: string, name: string, startSunday: string) => ({ cycleId, name, startDate: addDays(startSunday, 2), endDate: addDays(startSunday, 16) });
  return {
    programId: 'engagement',
    body: { name: 'Engagement survey', cycles: [cycle('spring', 'Spring pulse', addDays(sunday, -28 * 7)), cycle('autumn', 'Autumn census', addDays(sunday, -6 * 7)), cycle('next', 'Next pulse', addDays(sunday, 10 * 7))] },
  };
}

/** Deterministic scores 1..5 per (person, item), mostly favorable, and a comment on workload from one in four. */
function responses(people: number): string {
  const lines: string[] = [];
  const respondent = (key: string, seed: number) => {
    demoItems.forEach((item, i) => {
      const h = Math.imul(seed * 31 + i * 7919, 2654435761) >>> 0;
      const r = h % 100;
      const score = r < 8 ? 1 : r < 20 ? 2 : r < 40 ? 3 : r < 75 ? 4 : 5;
      const comment = item.itemId === 'workload' && h % 4 === 0 ? { comment: comments[h % comments.length] } : {};
      lines.push(JSON.stringify({ employeeKey: key, itemId: item.itemId, score, ...comment }));
    });
  };
  // Nine in ten of the generated people answer; a few new hires have no Insights data ("No data").
  for (let p = 0; p < people; p++) if (p % 10 !== 9) respondent(personId(p), p + 1);
  for (let n = 0; n < 8; n++) respondent(`newhire${n}@contoso.com`, 10_000 + n);
  return `${lines.join('\n')}\n`;
}

/** Glint's employees: the generated people, and the new hires Viva Insights has no data for yet. */
function roster(people: number): string {
  const lines: string[] = [];
  for (let p = 0; p < people; p++) lines.push(JSON.stringify({ employeeKey: personId(p), email: personId(p), status: 'active' }));
  for (let n = 0; n < 8; n++) lines.push(JSON.stringify({ employeeKey: `newhire${n}@contoso.com`, email: `newhire${n}@contoso.com`, status: 'active' }));
  return `${lines.join('\n')}\n`;
}

export type PlatformCall = (method: string, route: string, body: string, contentType?: string) => Promise<void>;

/** Sends Glint's part through the API with a Glint platform token; every call replaces, so it can run again. */
export async function seedDemoTenant(call: PlatformCall, today = new Date()): Promise<void> {
  for (const role of demoRoles) await call('PUT', `/api/roles/${role.roleId}`, JSON.stringify({ name: role.name, permissions: role.permissions }));
  const program = demoProgram(today);
  await call('PUT', `/api/programs/${program.programId}`, JSON.stringify(program.body));
  const { people } = sampleExportShape(today);
  await call('PUT', '/api/employees', roster(people), 'application/x-ndjson');
  for (const cycle of program.body.cycles.slice(0, 2)) {
    await call('PUT', `/api/programs/${program.programId}/cycles/${cycle.cycleId}/items`, JSON.stringify({ items: demoItems }));
    await call('POST', `/api/programs/${program.programId}/cycles/${cycle.cycleId}/responses`, responses(people), 'application/x-ndjson');
  }
}

/** A PlatformCall over HTTP to a running host. */
export function httpPlatformCall(baseUrl: string, token: string): PlatformCall {
  return async (method, route, body, contentType = 'application/json') => {
    const response = await fetch(`${baseUrl}${route}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  };
}
