import { diagnose, type InsightsPersons } from '../domain/matching';
import type { Roster } from '../storage/roster-store';
import type { StoredRun } from '../storage/tenant-rows';

/** What an import run records of matching (StoredRun's fields): with the roster, or by the shared key alone without one. */
export function runMatchCounts(roster: Roster | null, persons: InsightsPersons): Pick<StoredRun, 'matchedEmployees' | 'matchedByAlternateId' | 'unmatchedGlintEmployees' | 'unmatchedInsightsPersons'> {
  if (!roster) return { matchedEmployees: persons.measured.size, matchedByAlternateId: null, unmatchedGlintEmployees: null, unmatchedInsightsPersons: null };
  const { counts } = diagnose(roster.employees, persons);
  return {
    matchedEmployees: counts.matchedEmployees,
    matchedByAlternateId: counts.matchedByAlternateId,
    unmatchedGlintEmployees: counts.unmatchedGlintEmployees,
    unmatchedInsightsPersons: counts.unmatchedInsightsPersons,
  };
}
