import { z } from 'zod';
import type { RosterEmployee } from '../domain/matching';
import { PagedStore } from './paged-store';
import { tenantRows, type StoredRosterPointer } from './tenant-rows';
import type { TenantStore } from './tenant-store';

// The tenant's roster as readers see it: one snapshot. An upload writes its employees as pages under a
// new generation (its own partition), then switches the `roster` row of the tenant's configuration to
// it in one write, then deletes older generations. A reader reads the row, then that generation's
// pages; if an upload replaced and deleted the generation meanwhile, the pages are fewer than the row
// said, and the reader starts again from the new row. Nobody ever reads half of a roster.

export interface RosterDeps {
  store: TenantStore;
  rosterPages: PagedStore;
}

/** An employee as a page stores it: [key, email, 1 active | 0 inactive, alternates]. */
const storedEmployee = z.tuple([z.string(), z.string(), z.union([z.literal(0), z.literal(1)]), z.array(z.string())]);

export interface Roster {
  pointer: StoredRosterPointer;
  /** In the order of the upload: the order matching breaks ties in. */
  employees: RosterEmployee[];
}

export const employeesList = 'e';
export const rosterPartition = (tenantId: string, generation: string) => `${tenantId}|${generation}`;

/** Generations sort by the time their upload started (see upload.ts). */
export const newGeneration = (now: Date, suffix: string) => `${String(now.getTime()).padStart(15, '0')}-${suffix}`;

export const toStored = (e: RosterEmployee) => storedEmployee.parse([e.key, e.email, e.status === 'active' ? 1 : 0, e.alternates]);
const fromStored = (raw: unknown): RosterEmployee => {
  const [key, email, active, alternates] = storedEmployee.parse(raw);
  return { key, email, status: active === 1 ? 'active' : 'inactive', alternates };
};

export async function rosterPointer(deps: { store: TenantStore }, tenantId: string) {
  return deps.store.get(tenantId, tenantRows.roster);
}

/** The tenant's current roster, or null when the platform never sent one. */
export async function readRoster(deps: RosterDeps, tenantId: string): Promise<Roster | null> {
  for (let attempt = 1; ; attempt++) {
    const pointer = await rosterPointer(deps, tenantId);
    if (!pointer) return null;
    const rows = await deps.rosterPages.readPartition(rosterPartition(tenantId, pointer.value.generation));
    const { items, pages } = PagedStore.itemsOf(rows, employeesList);
    if (pages === pointer.value.pages) return { pointer: pointer.value, employees: items.map(fromStored) };
    if (attempt >= 5) throw new Error(`the roster changed five times while it was read`);
  }
}
