import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { failPoisonedRun } from '../shared/pipeline/stranded';
import { poisonQueueOf, queueNames } from '../shared/work/queues';

// An insights-reprocess message that was delivered the most times without finishing: its run fails, saying why.
export async function insightsReprocessPoison(message: unknown, context: InvocationContext): Promise<void> {
  const run = await failPoisonedRun(getServices(), queueNames.reprocess, message);
  if (run) context.warn(`Run ${run.runId} is ${run.status} after its message was poisoned: ${run.error ?? ''}`);
}

app.storageQueue('insightsReprocessPoison', { queueName: poisonQueueOf(queueNames.reprocess), connection: 'AzureWebJobsStorage', handler: insightsReprocessPoison });
