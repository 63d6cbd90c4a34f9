import { absentFromVersion, type CycleDecision, type CycleHistory, type PublishedVersion } from '../domain/confidentiality';
import type { CycleResponses } from './cycle-report';
import type { HistoryVersion } from './history-store';

// Between the stored versions of a cycle's reports (history-store.ts, by employee key, attribute and
// item id) and the decision's numbering (confidentiality.ts: today's respondents first, then people
// who were respondents only before; today's attributes and items by index).

/** The stored versions over today's respondents (`people`), attributes and items. */
export function historyOf(versions: readonly HistoryVersion[], people: readonly string[], metricIds: readonly string[], itemIds: readonly string[]): CycleHistory {
  const index = new Map(people.map((key, r) => [key, r]));
  for (const version of versions) for (const key of version.people) if (!index.has(key)) index.set(key, index.size);
  const universeSize = index.size;
  return {
    universeSize,
    versions: versions.map((version): PublishedVersion => {
      const at = version.people.map((key) => index.get(key)!);
      const itemsThen = version.itemIds.length;
      return {
        breakdowns: version.columns.map((column, k) => {
          const groups = new Uint8Array(universeSize).fill(absentFromVersion);
          at.forEach((u, p) => (groups[u] = column[p]!));
          return { metric: metricIds.indexOf(version.metricIds[k]!), groups };
        }),
        answered: itemIds.map((itemId) => {
          const i = version.itemIds.indexOf(itemId);
          if (i < 0) return undefined;
          const answered = new Uint8Array(universeSize);
          at.forEach((u, p) => (answered[u] = version.answered[p * itemsThen + i]!));
          return answered;
        }),
        itemShown: version.itemShown.map((groups) => groups.map((items) => itemIds.map((id) => items[version.itemIds.indexOf(id)] ?? false))),
        commentShown: version.commentShown.map((groups) => groups.map((items) => itemIds.map((id) => items[version.itemIds.indexOf(id)] ?? false))),
      };
    }),
  };
}

/** Today's computation as a version to store, with the attributes `kept` (a forgotten one shows nothing and keeps nothing). */
export function versionOf(
  decision: CycleDecision,
  responses: CycleResponses,
  people: readonly string[],
  metricIds: readonly string[],
  itemIds: readonly string[],
  kept: (metric: number) => boolean,
): HistoryVersion {
  const metrics = metricIds.flatMap((_, m) => (kept(m) ? [m] : []));
  const columns = metrics.map((m) => Uint8Array.from({ length: responses.count }, (_, r) => responses.groupOf(r, m)));
  const answered = new Uint8Array(responses.count * itemIds.length);
  for (let r = 0; r < responses.count; r++) for (let i = 0; i < itemIds.length; i++) answered[r * itemIds.length + i] = responses.scoreOf(r, i) === undefined ? 0 : 1;
  return {
    metricIds: metrics.map((m) => metricIds[m]!),
    itemIds: [...itemIds],
    people: [...people],
    columns,
    answered,
    itemShown: metrics.map((m) => decision.itemShown[m]!),
    commentShown: metrics.map((m) => decision.commentShown[m]!),
  };
}
