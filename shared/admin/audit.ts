import type { Principal } from '../auth/principal';
import { ruleViolation } from '../domain/errors';
import { tenantRanges, type StoredAudit } from '../storage/tenant-rows';
import type { WorkDeps } from '../work/deps';

// The audit log, newest first (row keys count time down), paged by an opaque token: the last row
// key of the page, base64url-encoded. The tenant always comes from the token, never from the page
// token, so a forged token can only page within the caller's own log.

export async function listAudit(deps: WorkDeps, principal: Principal, options: { limit: number; continuationToken?: string | undefined }): Promise<{ entries: StoredAudit[]; continuationToken: string | null }> {
  let after: string | undefined;
  if (options.continuationToken !== undefined) {
    after = Buffer.from(options.continuationToken, 'base64url').toString('utf8');
    if (!/^audit:\d{13}:[0-9a-f-]{36}$/.test(after)) throw ruleViolation([{ path: 'query.continuationToken', message: 'is not a token this API returned' }]);
  }
  const rows = await deps.store.list(principal.tenantId, tenantRanges.audit, { after, limit: options.limit + 1 });
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => r.value),
    continuationToken: rows.length > options.limit && last ? Buffer.from(last.rowKey).toString('base64url') : null,
  };
}
