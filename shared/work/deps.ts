import type { PagedStore } from '../storage/paged-store';
import type { TenantStore } from '../storage/tenant-store';
import type { ValuesStore } from '../storage/values-store';
import type { WorkQueues } from './queues';

// What every stage works with: the tenant's configuration partition, the work queues and the clock.
export interface WorkDeps {
  store: TenantStore;
  queues: WorkQueues;
  now(): Date;
}

// And the tenant's data: imported values, the Insights persons of each import (person-index.ts) and
// Glint's roster (roster-store.ts).
export interface DataDeps extends WorkDeps {
  values: ValuesStore;
  persons: PagedStore;
  rosterPages: PagedStore;
}
