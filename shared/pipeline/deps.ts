import type { StoredSource } from '../admin/schemas';
import type { AdminDeps } from '../admin/tenant-config';
import type { PersonQuerySource } from '../insights/source';
import type { ValuesStore } from '../storage/values-store';

export interface PipelineDeps extends AdminDeps {
  values: ValuesStore;
  openSource(tenantId: string, source: StoredSource): PersonQuerySource;
  /** What one pull may read at most (rows) and for how long. */
  pullLimits: { maxRows: number; maxSeconds: number };
}

/** A failure that trying again will not fix: the run fails at once instead of being retried. */
export class PermanentRunError extends Error {}
