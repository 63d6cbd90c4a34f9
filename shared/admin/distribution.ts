import type { Principal } from '../auth/principal';
import { bucketOf } from '../domain/aggregation';
import { decideCounts, groupThreshold } from '../domain/confidentiality';
import { notFound, ruleViolation } from '../domain/errors';
import { bucketLabels, findMetric, previewGrid, rangeProblems, snapToGrid, type Ranges } from '../domain/metrics';
import { tenantRows } from '../storage/tenant-rows';
import type { DataDeps } from '../work/deps';
import { requireConsent } from '../work/consent';
import { getConfidentiality } from '../work/tenant-settings';

// How the employees of a cycle spread over an attribute's buckets, with its saved ranges or previewed
// ones (SPEC section 7), as the Glint Administrator sees it while customizing ranges.

export async function distribution(
  deps: DataDeps,
  principal: Principal,
  metricId: string,
  query: { programId: string; cycleId: string; max?: Ranges | undefined },
) {
  const { tenantId } = principal;
  // Counts of employees are numbers derived from Insights data: none is shown without consent.
  await requireConsent(deps, tenantId);
  // Previewed maxima are snapped to the metric's grid before anything is counted (metrics.ts).
  const metric = findMetric(metricId);
  const previewMax = query.max && metric ? snapToGrid(query.max, metric.unit) : query.max;
  if (previewMax) {
    const problems = rangeProblems(previewMax, 'query.max');
    if (problems.length > 0) throw ruleViolation(problems.map((p) => ({ ...p, message: `${p.message} (previewed maxima are rounded to steps of ${metric ? previewGrid[metric.unit] : 1})` })));
  }
  const [attribute, program, state, confidentiality] = await Promise.all([
    deps.store.get(tenantId, tenantRows.attribute(metricId)),
    deps.store.get(tenantId, tenantRows.program(query.programId)),
    deps.store.get(tenantId, tenantRows.cycleState(query.programId, query.cycleId)),
    getConfidentiality(deps, tenantId),
  ]);
  if (!attribute) throw notFound(`Attribute ${metricId}`);
  if (!program || !program.value.cycles.some((c) => c.cycleId === query.cycleId)) throw notFound(`Cycle ${query.cycleId} of program ${query.programId}`);
  const max = previewMax ?? attribute.value.max;
  const counts = [0, 0, 0, 0];
  if (state) {
    const scope = { tenantId, programId: query.programId, cycleId: query.cycleId, runId: state.value.currentRunId };
    for await (const employee of deps.values.scan(scope, [metricId])) {
      const value = employee.metrics[metricId];
      if (value) counts[(previewMax ? bucketOf(value, max) : value.bucket) - 1]!++;
    }
  }
  // The report threshold (SPEC sections 7 and 12): a group this small would be hidden, so its size is too.
  const visibility = decideCounts(counts, groupThreshold(confidentiality));
  const labels = bucketLabels(max);
  return {
    metricId,
    programId: query.programId,
    cycleId: query.cycleId,
    max,
    preview: previewMax !== undefined,
    runId: state?.value.currentRunId ?? null,
    buckets: counts.map((count, i) => ({
      bucket: (i + 1) as 1 | 2 | 3 | 4,
      label: labels[i]!,
      employees: visibility[i] === 'shown' ? count : null,
      belowThreshold: visibility[i] === 'below-threshold',
      suppressed: visibility[i] === 'suppressed',
    })),
  };
}
