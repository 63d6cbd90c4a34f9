import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { DomainError, ruleViolation } from '../domain/errors';
import type { QueuedMessage, WorkQueues } from '../pipeline/work-queue';
import { ConcurrencyError, RowTooLargeError, type TenantStore, type Write } from '../storage/tenant-store';
import { storedConsent, type StoredAudit, type StoredRun } from './schemas';

// How every configuration change is applied: read the current state, decide (pure rules), then write
// the change, its one audit entry and any run records in a single transaction. On a concurrent edit
// (ETag mismatch) the whole decision is re-made on fresh state, with a jittered back-off, until it
// applies: concurrent writers resolve rather than bounce. A caller that names the version it edits
// (If-Match) gets 412 instead when that version is no longer current.
// Work messages are sent only after the transaction committed; their runs are recorded as `queued`
// first, so a message lost between the two is still visible and can be sent again.

export interface AdminDeps {
  store: TenantStore;
  queues: WorkQueues;
  now(): Date;
}

export interface ChangeSet<R> {
  writes: Write[];
  audit: { action: string; target: string; before: unknown; after: unknown };
  messages?: QueuedMessage[];
  result: R;
}

// Enough for dozens of writers of one row at once (20 identical PUTs measured 2-9 tries each).
const maxAttempts = 40;

/** The version a change edits: the row's ETag from a GET, or `*` (it must exist). */
export interface Precondition {
  rowKey: string;
  ifMatch: string | undefined;
}

export async function applyChange<R>(deps: AdminDeps, principal: Principal, decide: () => Promise<ChangeSet<R>>, precondition?: Precondition): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    // Checked on every try: a change committed by someone else between two tries makes it stale.
    if (precondition?.ifMatch !== undefined) await checkIfMatch(deps, principal.tenantId, precondition);
    const change = await decide();
    const at = deps.now();
    const audit: StoredAudit = { at: at.toISOString(), actor: principal.objectId, ...change.audit };
    try {
      await deps.store.commit(principal.tenantId, [...change.writes, { op: 'create', rowKey: auditRowKey(at), value: audit }]);
    } catch (error) {
      // A client's input can make a row too large (a program with hundreds of long cycles): a 422, not a 500.
      if (error instanceof RowTooLargeError) throw ruleViolation([{ path: 'body', message: `${change.audit.target} ${error.message}; store less in it` }]);
      if (error instanceof ConcurrencyError && attempt < maxAttempts) {
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 10 * attempt)));
        continue;
      }
      if (error instanceof ConcurrencyError) {
        throw new DomainError('conflict', 'The configuration changed while this request was applied. Read it again and retry.');
      }
      throw error;
    }
    for (const message of change.messages ?? []) await deps.queues.send(message);
    return change.result;
  }
}

async function checkIfMatch(deps: AdminDeps, tenantId: string, { rowKey, ifMatch }: Precondition): Promise<void> {
  const etag = await deps.store.etagOf(tenantId, rowKey);
  if (etag === undefined || (ifMatch !== '*' && ifMatch !== etag)) {
    throw new DomainError('precondition-failed', 'What you are editing was changed (or removed) since you read it. Read it again and redo your change.');
  }
}

// Newest first in key order: the key starts with the time counted down from year 2286.
const maxMs = 9_999_999_999_999;
export function auditRowKey(at: Date): string {
  return `audit:${String(maxMs - at.getTime()).padStart(13, '0')}:${randomUUID()}`;
}

export async function requireConsent(deps: AdminDeps, tenantId: string): Promise<void> {
  const consent = await deps.store.get(tenantId, 'consent', storedConsent);
  if (consent?.value.status !== 'granted') {
    throw new DomainError('consent-required', 'A Global Administrator must consent to share Viva Insights data with Glint first (PUT /api/consent).');
  }
}

/**
 * Import runs are named by what they import, so asking twice for the same (program, cycle, runDate)
 * makes one run; a resync passes a `variant` to get a new run of the same date. The id becomes part of
 * table keys, so only the date and a hash appear in it.
 */
export function importRunId(tenantId: string, programId: string, cycleId: string, runDate: string, variant = ''): string {
  const hash = createHash('sha256').update(`${tenantId}\n${programId}\n${cycleId}\n${runDate}\n${variant}`).digest('hex').slice(0, 20);
  return `imp-${runDate}-${hash}`;
}

export function newRun(fields: Pick<StoredRun, 'runId' | 'kind'> & Partial<StoredRun>, now: Date): StoredRun {
  return {
    programId: null,
    cycleId: null,
    metricId: null,
    runDate: null,
    window: null,
    status: 'queued',
    attempt: 1,
    progress: { employees: 0, chunksDone: 0, chunksTotal: null },
    invalidRows: 0,
    matchedEmployees: 0,
    matchedByAlternateId: null,
    unmatchedGlintEmployees: null,
    unmatchedInsightsPersons: null,
    queuedAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    ...fields,
  };
}

export const runRowKey = (runId: string) => `run:${runId}`;
export const newRunId = (prefix: 'reb' | 'del' | 'rem') => `${prefix}-${randomUUID()}`;
