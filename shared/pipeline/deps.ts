import type { PersonQuerySource } from '../insights/source';
import type { StoredSource } from '../storage/tenant-rows';
import type { DataDeps } from '../work/deps';

export interface PipelineDeps extends DataDeps {
  openSource(tenantId: string, source: StoredSource): PersonQuerySource;
  /** What one pull may read at most (rows) and for how long. */
  pullLimits: { maxRows: number; maxSeconds: number };
}

/** A failure that trying again will not fix: the run fails at once instead of being retried. */
export class PermanentRunError extends Error {}
