import type { Principal } from '../auth/principal';
import { notFound, ruleViolation } from '../domain/errors';
import { ColumnError, resolveColumns } from '../insights/person-rows';
import { exportFileNameProblem, type ExportFile, type ExportFileStore } from '../insights/export-files';
import { exportHeaders } from '../insights/file-source';
import { SourceError } from '../insights/source';
import { tenantRows } from '../storage/tenant-rows';
import { applyChange } from '../work/change';
import type { WorkDeps } from '../work/deps';

// The Glint Administrator's own person-query exports (the file source), uploaded, listed and deleted
// through the API, so no organization needs the operator to copy files. An upload is checked for the
// columns an import needs before it is kept.

export interface InsightsFilesDeps extends WorkDeps {
  files: ExportFileStore;
}

const defaultEmployeeKeyColumn = 'PersonId';

function checkName(name: string): void {
  const problem = exportFileNameProblem(name);
  if (problem) throw ruleViolation([{ path: 'params.name', message: problem }]);
}

export async function uploadInsightsFile(deps: InsightsFilesDeps, principal: Principal, name: string, body: AsyncIterable<Buffer>): Promise<{ file: ExportFile; created: boolean }> {
  checkName(name);
  const { tenantId } = principal;
  const [source, existing] = await Promise.all([deps.store.get(tenantId, tenantRows.source), deps.files.list(tenantId)]);
  // Checked with the key column the import will use: the configured one, else the source's default.
  const employeeKeyColumn = source?.value.employeeKeyColumn ?? defaultEmployeeKeyColumn;
  const accept = async (head: Buffer, complete: boolean) => {
    try {
      resolveColumns(await exportHeaders(name, head, complete), { employeeKeyColumn, metricIds: [] });
    } catch (error) {
      if (error instanceof SourceError || error instanceof ColumnError) throw ruleViolation([{ path: 'body', message: error.message }]);
      throw error;
    }
  };
  const file = await deps.files.put(tenantId, name, body, accept);
  const before = existing.find((f) => f.name === name) ?? null;
  await applyChange(deps, principal, async () => ({ writes: [], audit: { action: 'file.put', target: `insights-files/${name}`, before, after: file }, result: undefined }));
  return { file, created: before === null };
}

export async function listInsightsFiles(deps: InsightsFilesDeps, principal: Principal): Promise<{ files: ExportFile[] }> {
  return { files: await deps.files.list(principal.tenantId) };
}

export async function deleteInsightsFile(deps: InsightsFilesDeps, principal: Principal, name: string): Promise<void> {
  // Another tenant's file and a missing one answer alike: the name is looked up in the caller's folder only.
  if (exportFileNameProblem(name) || !(await deps.files.delete(principal.tenantId, name))) throw notFound(`File ${name}`);
  await applyChange(deps, principal, async () => ({ writes: [], audit: { action: 'file.delete', target: `insights-files/${name}`, before: { name }, after: null }, result: undefined }));
}
