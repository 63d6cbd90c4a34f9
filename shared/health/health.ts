// The health report: the service is "ok" only when its state store answers.

export interface HealthReport {
  status: 'ok' | 'unavailable';
  version: string;
  storage: 'ok' | 'unreachable';
}

export interface HealthDependencies {
  version: string;
  /** Resolves when Table Storage answers a request, rejects otherwise. */
  probeTableStorage(): Promise<void>;
}

export async function checkHealth(deps: HealthDependencies): Promise<HealthReport> {
  const storageOk = await deps.probeTableStorage().then(
    () => true,
    () => false,
  );
  return { status: storageOk ? 'ok' : 'unavailable', version: deps.version, storage: storageOk ? 'ok' : 'unreachable' };
}
