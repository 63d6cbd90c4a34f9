import type { Principal } from '../auth/principal';
import { DomainError, ruleViolation } from '../domain/errors';
import { create, put, tenantRows, type RowRef } from '../storage/tenant-rows';
import { ConcurrencyError, RowTooLargeError, type Stored, type Write } from '../storage/tenant-store';
import type { WorkDeps } from './deps';
import type { QueuedMessage } from './queues';

// The one way state changes in a tenant's partition: read, decide (pure rules), commit the writes in
// one transaction under the ETags they were read with, then send the messages that follow. On a
// concurrent change (ETag mismatch) the whole decision is re-made on fresh state, with a jittered
// back-off, until it applies: concurrent writers resolve rather than bounce. Messages go out only
// after the commit, and the work they carry is recorded first (a run `queued`, a report state's
// `requestedSeq`), so a message lost between the two is still visible and is sent again (stranded.ts).
// An outbox would join here: its rows in `writes`, its sending in place of the loop's last step.

export interface Change<R> {
  writes: Write[];
  messages?: QueuedMessage[];
  result: R;
  /** Told the rows' new ETags once the writes committed, before the messages are sent. */
  committed?(etags: Map<string, string>): void;
}

export interface Retry {
  /** Tries before a concurrent change is given up on (the error then propagates). */
  attempts: number;
  /** The longest jittered pause before try `attempt + 1`, in ms. */
  pauseMs(attempt: number): number;
}

/**
 * Decides and commits until the change applies. `decide` sees the try number and returns null to
 * change nothing (resolving with undefined); on a concurrent change it decides again on fresh reads.
 */
export async function commitChange<R>(deps: WorkDeps, tenantId: string, decide: (attempt: number) => Promise<Change<R> | null>, retry: Retry): Promise<R | undefined> {
  for (let attempt = 1; ; attempt++) {
    const change = await decide(attempt);
    if (!change) return undefined;
    try {
      const etags = await deps.store.commit(tenantId, change.writes);
      change.committed?.(etags);
    } catch (error) {
      if (error instanceof ConcurrencyError && attempt < retry.attempts) {
        await new Promise((r) => setTimeout(r, Math.random() * retry.pauseMs(attempt)));
        continue;
      }
      throw error;
    }
    for (const message of change.messages ?? []) await deps.queues.send(message);
    return change.result;
  }
}

const rowRetry: Retry = { attempts: 20, pauseMs: (attempt) => 10 * attempt };

/**
 * One row's read-decide-write. `decide` returns the row's next value, or undefined to leave it as it
 * is. Resolves with the row as stored afterwards (its ETag is fresh only when it was written).
 */
export async function updateRow<T>(deps: WorkDeps, tenantId: string, ref: RowRef<T>, decide: (current: Stored<T> | undefined) => T | undefined): Promise<Stored<T> | undefined> {
  let row: Stored<T> | undefined;
  await commitChange(deps, tenantId, async () => {
    const current = await deps.store.get(tenantId, ref);
    const value = decide(current);
    row = current;
    if (value === undefined) return null;
    return { writes: [put(ref, current, value)], result: value, committed: (etags) => (row = { rowKey: ref.key, value, etag: etags.get(ref.key) ?? '' }) };
  }, rowRetry);
  // The service names the new ETag in its answer; should it not, the row is read again for it.
  return row?.etag === '' ? deps.store.get(tenantId, ref) : row;
}

// ---- configuration changes: audited, and optionally conditional on the version the caller read ----

export interface ConfigChange<R> extends Change<R> {
  audit: { action: string; target: string; before: unknown; after: unknown };
}

/** The version a change edits: the row's ETag from a GET, or `*` (it must exist). */
export interface Precondition {
  row: RowRef<unknown>;
  ifMatch: string | undefined;
}

// Enough for dozens of writers of one row at once (20 identical PUTs measured 2-9 tries each).
const configRetry: Retry = { attempts: 40, pauseMs: (attempt) => Math.min(200, 10 * attempt) };

/**
 * A change an administrator (or the Glint platform) asks for: committed with its one audit entry. A
 * caller that names the version it edits (If-Match) gets 412 when that version is no longer current.
 */
export async function applyChange<R>(deps: WorkDeps, principal: Principal, decide: () => Promise<ConfigChange<R>>, precondition?: Precondition): Promise<R> {
  let target = '';
  try {
    const applied = await commitChange(deps, principal.tenantId, async () => {
      // Checked on every try: a change committed by someone else between two tries makes it stale.
      if (precondition?.ifMatch !== undefined) await checkIfMatch(deps, principal.tenantId, precondition);
      const change = await decide();
      target = change.audit.target;
      const at = deps.now();
      const audit = { at: at.toISOString(), actor: principal.objectId, ...change.audit };
      return { ...change, writes: [...change.writes, create(tenantRows.audit(at), audit)], result: { value: change.result } };
    }, configRetry);
    // decide never answers null here, so a change always applies.
    return applied!.value;
  } catch (error) {
    // A client's input can make a row too large (a program with hundreds of long cycles): a 422, not a 500.
    if (error instanceof RowTooLargeError) throw ruleViolation([{ path: 'body', message: `${target} ${error.message}; store less in it` }]);
    if (error instanceof ConcurrencyError) throw new DomainError('conflict', 'The configuration changed while this request was applied. Read it again and retry.');
    throw error;
  }
}

async function checkIfMatch(deps: WorkDeps, tenantId: string, { row, ifMatch }: Precondition): Promise<void> {
  const etag = await deps.store.etagOf(tenantId, row);
  if (etag === undefined || (ifMatch !== '*' && ifMatch !== etag)) {
    throw new DomainError('precondition-failed', 'What you are editing was changed (or removed) since you read it. Read it again and redo your change.');
  }
}
