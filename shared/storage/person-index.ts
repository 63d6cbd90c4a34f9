import { z } from 'zod';
import type { InsightsPersons } from '../domain/matching';
import { PagePacker, PagedStore } from './paged-store';
import type { RunScope } from './values-store';

// The Insights persons of an import run's attempt, kept beside its values (issue 15): the keys with
// data in the window, those whose data the tenant's data-quality rules left out whole (issue 17), and
// the keys the person query held without a week in the window. Identifiers only, no metric value. A
// new roster is matched against them without calling Viva Insights again, and the diagnostics tell
// "not in the person query" from "no week in the window" or "left out by the rules" with them. Written
// by the pull, deleted with the run's values (shared/pipeline/reprocess.ts), and sealed last: a list
// without its seal (a pull that stopped halfway) counts as absent.

const personIndexPartition = (scope: RunScope) => `${scope.tenantId}|${scope.programId}|${scope.cycleId}|${scope.runId}`;

type ListName = keyof InsightsPersons;
const listIds: Record<ListName, string> = { measured: 'm', excluded: 'x', withoutWindow: 'w' };
const listNames = Object.keys(listIds) as ListName[];

const sealKey = 'seal';
const pagesPerRequest = 10;
// Indexes sealed before the rules existed have no list of excluded persons: none were.
const seal = z.object({
  measured: z.number().int(),
  measuredPages: z.number().int(),
  excluded: z.number().int().default(0),
  excludedPages: z.number().int().default(0),
  withoutWindow: z.number().int(),
  withoutWindowPages: z.number().int(),
});

function pack(keys: Iterable<string>): string[] {
  const packer = new PagePacker();
  for (const key of keys) packer.add(key);
  return packer.take(true);
}

export async function writePersonIndex(persons: PagedStore, scope: RunScope, lists: Record<ListName, readonly string[]>): Promise<void> {
  const partition = personIndexPartition(scope);
  const sealed: Record<string, number> = {};
  for (const name of listNames) {
    const pages = pack(lists[name]);
    // A few pages per request, one request at a time: the pull writes the lists near its memory peak,
    // and 40-page transactions four at once (1.2 MB of keys each, several encoded copies of it in
    // flight) grew the pull by 17 MB at 100,000 persons, against 11 MB this way. The roster is read
    // meanwhile, so nothing waits on the sequential requests.
    for (let first = 0; first < pages.length; first += pagesPerRequest) await persons.writePages(partition, listIds[name], first, pages.slice(first, first + pagesPerRequest), 1);
    sealed[name] = lists[name].length;
    sealed[`${name}Pages`] = pages.length;
  }
  await persons.writeRow(partition, sealKey, seal.parse(sealed));
}

/** The run's persons, or null when its attempt left no complete list (a run imported before lists were kept). */
export async function readPersonIndex(persons: PagedStore, scope: RunScope): Promise<InsightsPersons | null> {
  const rows = await persons.readPartition(personIndexPartition(scope));
  const sealed = seal.safeParse(rows.get(sealKey));
  if (!sealed.success) return null;
  const keys = z.array(z.string());
  const read = {} as Record<ListName, Set<string>>;
  for (const name of listNames) {
    const list = PagedStore.itemsOf(rows, listIds[name]);
    if (list.pages !== sealed.data[`${name}Pages`]) return null;
    read[name] = new Set(keys.parse(list.items));
  }
  return read;
}

export function deletePersonIndex(persons: PagedStore, scope: RunScope): Promise<void> {
  return persons.deletePartition(personIndexPartition(scope));
}
