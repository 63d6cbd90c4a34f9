import type { Principal } from '../auth/principal';
import { DomainError, invalidLinesError, notFound, ruleViolation, type FieldError, type LineError } from '../domain/errors';
import { normalizeIdentifier } from '../domain/identifiers';
import type { ResponseStore, StoredResponse } from '../storage/response-store';
import { tenantRows, upsert, type StoredItems, type SurveyItem } from '../storage/tenant-rows';
import type { WorkDeps } from '../work/deps';
import { requestReportRefresh } from '../work/report-refresh';
import { responseSchema, type IngestResult } from './contract';

// The Glint platform's survey data for a cycle (SPEC section 13): the items, then the responses. A
// response post is all or nothing: any invalid line answers 422 with every line's errors (up to a
// hundred) and stores nothing, so a fixed file can simply be posted again.

export interface SurveyDeps extends WorkDeps {
  responses: ResponseStore;
}

async function requireCycle(deps: WorkDeps, tenantId: string, programId: string, cycleId: string): Promise<void> {
  const program = await deps.store.get(tenantId, tenantRows.program(programId));
  if (!program?.value.cycles.some((c) => c.cycleId === cycleId)) throw notFound(`Cycle ${cycleId} of program ${programId}`);
}

export async function putItems(deps: WorkDeps, principal: Principal, programId: string, cycleId: string, items: SurveyItem[]): Promise<{ items: StoredItems; created: boolean }> {
  await requireCycle(deps, principal.tenantId, programId, cycleId);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.itemId)) errors.push({ path: `body.items.${i}.itemId`, message: `${item.itemId} appears more than once` });
    seen.add(item.itemId);
    const { min, max, favorableMin } = item.scale;
    if (min >= max) errors.push({ path: `body.items.${i}.scale`, message: 'min must be below max' });
    else if (favorableMin < min || favorableMin > max) errors.push({ path: `body.items.${i}.scale.favorableMin`, message: `must be within ${min}..${max}` });
  });
  if (errors.length > 0) throw ruleViolation(errors);
  const row = tenantRows.items(programId, cycleId);
  const existing = await deps.store.get(principal.tenantId, row);
  const value: StoredItems = { programId, cycleId, items, updatedAt: deps.now().toISOString() };
  await deps.store.commit(principal.tenantId, [upsert(row, value)]);
  await requestReportRefresh(deps, principal.tenantId, [{ programId, cycleId }]);
  return { items: value, created: !existing };
}

export async function getItems(deps: WorkDeps, tenantId: string, programId: string, cycleId: string): Promise<StoredItems> {
  const stored = await deps.store.get(tenantId, tenantRows.items(programId, cycleId));
  if (!stored) throw notFound(`Items of cycle ${cycleId} of program ${programId}`);
  return stored.value;
}

/** Splits a body into records with their line numbers: a JSON array (line = array index + 1) or NDJSON. */
export function parseResponseBody(text: string): { records: { line: number; value: unknown }[]; errors: LineError[] } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DomainError('rule-violation', `The body is not a valid JSON array: ${(error as Error).message}`, [{ path: 'body', message: 'malformed JSON' }]);
    }
    if (!Array.isArray(parsed)) throw ruleViolation([{ path: 'body', message: 'expected an array of responses' }]);
    return { records: (parsed as unknown[]).map((value, i) => ({ line: i + 1, value })), errors: [] };
  }
  const records: { line: number; value: unknown }[] = [];
  const errors: LineError[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      records.push({ line: i + 1, value: JSON.parse(line) });
    } catch {
      errors.push({ line: i + 1, path: `line ${i + 1}`, message: 'not a JSON object' });
    }
  });
  return { records, errors };
}

export async function ingestResponses(deps: SurveyDeps, principal: Principal, programId: string, cycleId: string, text: string): Promise<IngestResult> {
  const items = await getItems(deps, principal.tenantId, programId, cycleId);
  const scales = new Map(items.items.map((item) => [item.itemId, item.scale]));
  const { records, errors } = parseResponseBody(text);
  const accepted: StoredResponse[] = [];
  for (const { line, value } of records) {
    const parsed = responseSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line, path: [`line ${line}`, ...issue.path.map(String)].join('.'), message: issue.message });
      continue;
    }
    const response = parsed.data;
    const scale = scales.get(response.itemId);
    if (!scale) errors.push({ line, path: `line ${line}.itemId`, message: `${response.itemId} is not an item of this cycle` });
    else if (response.score < scale.min || response.score > scale.max) errors.push({ line, path: `line ${line}.score`, message: `must be within ${scale.min}..${scale.max}` });
    // Keys are matched to imported employees the way the import and the roster normalize them.
    else accepted.push({ ...response, employeeKey: normalizeIdentifier(response.employeeKey) });
  }
  if (records.length === 0 && errors.length === 0) throw ruleViolation([{ path: 'body', message: 'no responses' }]);
  if (errors.length > 0) throw invalidLinesError(errors);
  await deps.responses.upsert({ tenantId: principal.tenantId, programId, cycleId }, accepted);
  // If this fails the post answers 500 and the platform posts again: replacing is idempotent.
  await requestReportRefresh(deps, principal.tenantId, [{ programId, cycleId }]);
  return { accepted: accepted.length };
}
