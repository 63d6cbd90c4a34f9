import { diagnose, type InsightsPersons } from '../domain/matching';
import type { Roster } from '../storage/roster-store';
import type { StoredRun } from '../storage/tenant-rows';

type MatchCounts = Pick<StoredRun, 'matchedEmployees' | 'matchedByAlternateId' | 'unmatchedGlintEmployees' | 'unmatchedInsightsPersons'>;

/** Without a roster, persons match by the shared key alone: every measured person, and the other counts unknown. */
export const keyMatchCounts = (measured: number): MatchCounts => ({ matchedEmployees: measured, matchedByAlternateId: null, unmatchedGlintEmployees: null, unmatchedInsightsPersons: null });

/** What an import run records of matching (StoredRun's fields): with the roster, or by the shared key alone without one. */
export function runMatchCounts(roster: Roster | null, persons: InsightsPersons): MatchCounts {
  if (!roster) return keyMatchCounts(persons.measured.size);
  const { counts } = diagnose(roster.employees, persons);
  return {
    matchedEmployees: counts.matchedEmployees,
    matchedByAlternateId: counts.matchedByAlternateId,
    unmatchedGlintEmployees: counts.unmatchedGlintEmployees,
    unmatchedInsightsPersons: counts.unmatchedInsightsPersons,
  };
}
