import { z } from 'zod';
import type { InsightsPersons } from '../domain/matching';
import { PagePacker, PagedStore } from './paged-store';
import type { RunScope } from './values-store';

// The Insights persons of an import run's attempt, kept beside its values (issue 15): the keys with
// data in the window, and the keys the person query held without a week in it. Identifiers only, no
// metric value. A new roster is matched against them without calling Viva Insights again, and the
// diagnostics tell "not in the person query" from "no week in the window" with them. Written by the
// pull, deleted with the run's values (shared/pipeline/reprocess.ts), and sealed last: a list without its seal (a
// pull that stopped halfway) counts as absent.

const personIndexPartition = (scope: RunScope) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}|${scope.runId}`;

const sealKey = 'seal';
const pagesPerRequest = 10;
const seal = z.object({ measured: z.number().int(), withoutWindow: z.number().int(), measuredPages: z.number().int(), withoutWindowPages: z.number().int() });

function pack(keys: Iterable<string>): string[] {
  const packer = new PagePacker();
  for (const key of keys) packer.add(key);
  return packer.take(true);
}

export async function writePersonIndex(persons: PagedStore, scope: RunScope, measured: readonly string[], withoutWindow: readonly string[]): Promise<void> {
  const partition = personIndexPartition(scope);
  const measuredPages = pack(measured);
  const withoutWindowPages = pack(withoutWindow);
  // A few pages per request, one request at a time: the pull writes the list near its memory peak, and
  // 40-page transactions four at once (1.2 MB of keys each, several encoded copies of it in flight)
  // grew the pull by 17 MB at 100,000 persons, against 11 MB this way. The roster is read meanwhile,
  // so nothing waits on the sequential requests.
  for (const [list, pages] of [['m', measuredPages], ['w', withoutWindowPages]] as const) {
    for (let first = 0; first < pages.length; first += pagesPerRequest) await persons.writePages(partition, list, first, pages.slice(first, first + pagesPerRequest), 1);
  }
  await persons.writeRow(partition, sealKey, { measured: measured.length, withoutWindow: withoutWindow.length, measuredPages: measuredPages.length, withoutWindowPages: withoutWindowPages.length });
}

/** The run's persons, or null when its attempt left no complete list (a run imported before lists were kept). */
export async function readPersonIndex(persons: PagedStore, scope: RunScope): Promise<InsightsPersons | null> {
  const rows = await persons.readPartition(personIndexPartition(scope));
  const sealed = seal.safeParse(rows.get(sealKey));
  if (!sealed.success) return null;
  const measured = PagedStore.itemsOf(rows, 'm');
  const withoutWindow = PagedStore.itemsOf(rows, 'w');
  if (measured.pages !== sealed.data.measuredPages || withoutWindow.pages !== sealed.data.withoutWindowPages) return null;
  const keys = z.array(z.string());
  return { measured: new Set(keys.parse(measured.items)), withoutWindow: new Set(keys.parse(withoutWindow.items)) };
}

export function deletePersonIndex(persons: PagedStore, scope: RunScope): Promise<void> {
  return persons.deletePartition(personIndexPartition(scope));
}
