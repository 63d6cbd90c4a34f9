import type { StoredSource } from '../admin/schemas';
import type { RosterDeps } from '../roster/roster-store';
import type { PagedStore } from '../storage/paged-store';
import type { PersonQuerySource } from '../insights/source';
import type { ValuesStore } from '../storage/values-store';

export interface PipelineDeps extends RosterDeps {
  values: ValuesStore;
  /** The Insights persons of each import run (person-index.ts). */
  persons: PagedStore;
  openSource(tenantId: string, source: StoredSource): PersonQuerySource;
  /** What one pull may read at most (rows) and for how long. */
  pullLimits: { maxRows: number; maxSeconds: number };
}

/** A failure that trying again will not fix: the run fails at once instead of being retried. */
export class PermanentRunError extends Error {}
