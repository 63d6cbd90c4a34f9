import { TableClient } from '@azure/data-tables';
import { currentAgreementVersion } from '../shared/admin/contract';
import { create, tenantRows, type StoredConsent, type StoredProgram } from '../shared/storage/tenant-rows';
import { addDays } from '../shared/domain/weeks';
import { runLimited } from '../shared/storage/table-support';
import { TenantStore } from '../shared/storage/tenant-store';
import { runJson, script, startChild } from './children';
import { disabled, hostSettings, thisSunday } from './stack';

// The fan-out benchmark: the Sunday timer over many tenants × 3 enabled programs (seeded straight
// into the configuration table), until every pull is queued.

export async function fanoutOnce(tenantCount: number, keysDir: string): Promise<{ tenants: number; pulls: number; ms: number }> {
  const azurite = await startChild('azurite', {});
  const connectionString = azurite.info.connectionString!;
  const store = new TenantStore(TableClient.fromConnectionString(connectionString, 'config', { allowInsecureConnection: true }));
  const now = new Date().toISOString();
  const consent: StoredConsent = { status: 'granted', agreementVersion: currentAgreementVersion, grantedBy: 'bench', grantedAt: now, revokedBy: null, revokedAt: null };
  const program = (programId: string): StoredProgram => ({
    programId,
    name: programId,
    // Started, not ended: every Sunday imports it.
    cycles: [{ cycleId: 'c1', name: 'C1', startDate: addDays(thisSunday, -30), endDate: addDays(thisSunday, 60) }],
    enabled: true,
    enabledAt: now,
    updatedAt: now,
  });
  const tenants = Array.from({ length: tenantCount }, () => crypto.randomUUID());
  await runLimited(tenants, 16, (tenantId) =>
    store.commit(tenantId, [
      create(tenantRows.consent, consent),
      ...['p1', 'p2', 'p3'].map((p) => create(tenantRows.program(p), program(p))),
    ]),
  );
  const result = runJson<{ ms: number; pulls: number }>(process.execPath, [script('fanout')], {
    ...hostSettings(connectionString, keysDir),
    ...disabled('insightsPull', 'insightsBucket', 'insightsReprocess', 'reportRefresh'),
  });
  await azurite.stop();
  return { tenants: tenants.length, pulls: result.pulls, ms: result.ms };
}
