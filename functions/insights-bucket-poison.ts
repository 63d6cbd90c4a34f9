import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { failPoisonedRun } from '../shared/pipeline/stranded';
import { poisonQueueOf, queueNames } from '../shared/work/queues';

// An insights-bucket message that was delivered the most times without finishing: its run fails, saying why.
export async function insightsBucketPoison(message: unknown, context: InvocationContext): Promise<void> {
  const run = await failPoisonedRun(getServices(), queueNames.bucket, message);
  if (run) context.warn(`Run ${run.runId} is ${run.status} after its message was poisoned: ${run.error ?? ''}`);
}

app.storageQueue('insightsBucketPoison', { queueName: poisonQueueOf(queueNames.bucket), connection: 'AzureWebJobsStorage', handler: insightsBucketPoison });
