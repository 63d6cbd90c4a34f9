import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { queueNames, reportMessage } from '../shared/work/queues';
import { refreshCycleReport } from '../shared/reports/refresh';

// A failure is retried by the host and, after maxDequeueCount tries, the message lands in
// report-refresh-poison; the reports keep serving their last computation meanwhile.
export async function reportRefresh(message: unknown, context: InvocationContext): Promise<void> {
  const parsed = reportMessage.safeParse(message);
  if (!parsed.success) throw new Error(`Invalid ${context.functionName} message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // The message id names the computation's lease, so a retry of this message may take it back.
  await refreshCycleReport(getServices(), parsed.data, typeof context.triggerMetadata?.id === 'string' ? context.triggerMetadata.id : context.invocationId);
}

app.storageQueue('reportRefresh', { queueName: queueNames.reports, connection: 'AzureWebJobsStorage', handler: reportRefresh });
