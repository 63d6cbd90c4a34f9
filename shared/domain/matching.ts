import { emailDomain } from './identifiers';

// Who in Glint is who in Viva Insights (issue 15). The Glint platform registers its employees (the
// roster); an Insights person matches a Glint employee by the key column the source names (the
// employee key both sides share, SPEC section 9), else by the employee's alternate identifiers in
// order: email, Entra object id, UPN, other emails. Never two people to one: a person matched by an
// employee's key is taken; among alternates, the employee earlier in the roster takes the person.
// Identifiers arrive normalized (identifiers.ts). The import's counts, the diagnostics and the
// reports' "No data" group all come from this one function.

export type EmployeeStatus = 'active' | 'inactive';

export interface RosterEmployee {
  /** The Glint employee key, normalized. */
  key: string;
  /** Normalized; also the first alternate identifier tried. */
  email: string;
  status: EmployeeStatus;
  /** Entra object id, UPN, other emails, in that order, normalized. */
  alternates: readonly string[];
}

export interface Match {
  insightsKey: string;
  via: 'key' | 'alternate';
}

/**
 * Matches the roster (in roster order) to the Insights persons with data in the window (`measured`).
 * Returns Glint employee key → the person matched.
 */
export function matchRoster(employees: readonly RosterEmployee[], measured: ReadonlySet<string>): Map<string, Match> {
  const matches = new Map<string, Match>();
  const taken = new Set<string>();
  for (const e of employees) {
    if (e.status === 'active' && measured.has(e.key)) {
      matches.set(e.key, { insightsKey: e.key, via: 'key' });
      taken.add(e.key);
    }
  }
  for (const e of employees) {
    if (e.status !== 'active' || matches.has(e.key)) continue;
    for (const id of identifiersOf(e)) {
      if (id === e.key || !measured.has(id) || taken.has(id)) continue;
      matches.set(e.key, { insightsKey: id, via: 'alternate' });
      taken.add(id);
      break;
    }
  }
  return matches;
}

const identifiersOf = (e: RosterEmployee): string[] => [e.key, e.email, ...e.alternates];

/** Why a Glint employee has no Insights data: the first reason that holds, in this order. */
export const unmatchedReasons = [
  'inactive-in-glint',
  'identifier-matched-to-another-employee',
  'excluded-by-data-quality',
  'no-week-in-window',
  'email-domain-not-in-insights',
  'not-in-person-query',
] as const;
export type UnmatchedReason = (typeof unmatchedReasons)[number];

/**
 * The Insights persons an import read: with data in the window; with data in it that the tenant's
 * data-quality rules left out whole (a non-knowledge worker, or every week inactive or a holiday);
 * and in the query without a week in it.
 */
export interface InsightsPersons {
  measured: ReadonlySet<string>;
  excluded: ReadonlySet<string>;
  withoutWindow: ReadonlySet<string>;
}

export interface MatchCounts {
  /** Distinct persons with Insights data in the window. */
  measuredEmployees: number;
  /** Glint employees matched to one of them. */
  matchedEmployees: number;
  /** Of those, matched through an alternate identifier, not the key. */
  matchedByAlternateId: number;
  /** Active Glint employees without Insights data in the window. */
  unmatchedGlintEmployees: number;
  /** Persons with data in the window that match no active Glint employee. */
  unmatchedInsightsPersons: number;
  /** Unmatched Glint employees (active or not) by their reason. */
  reasons: Record<UnmatchedReason, number>;
}

export interface UnmatchedEmployee {
  employee: RosterEmployee;
  reason: UnmatchedReason;
}

export function diagnose(employees: readonly RosterEmployee[], persons: InsightsPersons, matches: ReadonlyMap<string, Match> = matchRoster(employees, persons.measured)): { counts: MatchCounts; unmatched: UnmatchedEmployee[] } {
  const domains = new Set<string>();
  for (const set of [persons.measured, persons.excluded, persons.withoutWindow]) {
    for (const key of set) {
      const domain = emailDomain(key);
      if (domain !== null) domains.add(domain);
    }
  }
  const reasons = Object.fromEntries(unmatchedReasons.map((r) => [r, 0])) as Record<UnmatchedReason, number>;
  const unmatched: UnmatchedEmployee[] = [];
  let matchedByAlternateId = 0;
  let unmatchedGlintEmployees = 0;
  for (const employee of employees) {
    const match = matches.get(employee.key);
    if (match) {
      if (match.via === 'alternate') matchedByAlternateId++;
      continue;
    }
    const reason = reasonOf(employee, persons, domains);
    reasons[reason]++;
    if (employee.status === 'active') unmatchedGlintEmployees++;
    unmatched.push({ employee, reason });
  }
  return {
    counts: {
      measuredEmployees: persons.measured.size,
      matchedEmployees: matches.size,
      matchedByAlternateId,
      unmatchedGlintEmployees,
      unmatchedInsightsPersons: persons.measured.size - matches.size,
      reasons,
    },
    unmatched,
  };
}

function reasonOf(employee: RosterEmployee, persons: InsightsPersons, domains: ReadonlySet<string>): UnmatchedReason {
  if (employee.status === 'inactive') return 'inactive-in-glint';
  const ids = identifiersOf(employee);
  if (ids.some((id) => persons.measured.has(id))) return 'identifier-matched-to-another-employee';
  if (ids.some((id) => persons.excluded.has(id))) return 'excluded-by-data-quality';
  if (ids.some((id) => persons.withoutWindow.has(id))) return 'no-week-in-window';
  // Only meaningful when the key column holds emails: a query keyed by object ids shows no domains.
  const domain = emailDomain(employee.email);
  if (domains.size > 0 && (domain === null || !domains.has(domain))) return 'email-domain-not-in-insights';
  return 'not-in-person-query';
}
