import type { InvocationContext } from '@azure/functions';
import type { z } from 'zod';
import { DomainError } from '../domain/errors';
import { ColumnError } from '../insights/person-rows';
import { SourceError } from '../insights/source';
import { PermanentRunError, type PipelineDeps } from './deps';
import { failRun } from '../work/runs';

// What every pipeline queue function does around its work: validate the message, and decide what a
// failure means. A failure that cannot heal (bad configuration, a refused source, unreadable columns)
// fails the run at once with its reason and ends the message. Any other failure is retried by the host;
// on the last try (host.json maxDequeueCount) the run is marked failed first, then the message goes to
// `<queue>-poison`: nothing fails silently.

export const maxDequeueCount = 5;

function isPermanent(error: unknown): boolean {
  return error instanceof PermanentRunError || error instanceof ColumnError || error instanceof DomainError || (error instanceof SourceError && !error.retryable);
}

/**
 * What the tenant reads of a failure (the run's `error`): the service's own reasons, with any address
 * they may quote (a host, an IP, a port) taken out; anything else (an SDK's or the runtime's error)
 * is not shown at all, as it may name internal hosts. The full error goes to the operator's log.
 */
export function publicReason(error: unknown): string {
  if (!(isPermanent(error) || error instanceof SourceError)) return 'an internal error stopped this step; the service’s operator can find it in the logs';
  return (error as Error).message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]+/gi, '<address>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<address>')
    .replace(/\blocalhost(?::\d+)?\b/gi, '<address>')
    .slice(0, 600);
}

export async function handleRunMessage<S extends z.ZodType<{ tenantId: string; runId: string }>>(
  deps: PipelineDeps,
  schema: S,
  raw: unknown,
  context: InvocationContext,
  work: (message: z.infer<S>) => Promise<void>,
): Promise<void> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid ${context.functionName} message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const message = parsed.data;
  try {
    await work(message);
  } catch (error) {
    const reason = publicReason(error);
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
    if (isPermanent(error)) {
      context.warn(`Run ${message.runId} failed:`, error);
      await failRun(deps, message.tenantId, message.runId, reason);
      return;
    }
    if (dequeueCount >= maxDequeueCount) {
      await failRun(deps, message.tenantId, message.runId, `${reason} (after ${dequeueCount} tries)`);
    }
    throw error;
  }
}
