import { z } from 'zod';

// The health report: the service is "ok" only when its state store answers.

export const healthReport = z.object({ status: z.enum(['ok', 'unavailable']), version: z.string(), storage: z.enum(['ok', 'unreachable']) });
export type HealthReport = z.infer<typeof healthReport>;

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
