import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { failPoisonedRun } from '../shared/pipeline/stranded';
import { poisonQueueOf, queueNames } from '../shared/work/queues';

// An insights-pull message that was delivered the most times without finishing: its run fails, saying why.
export async function insightsPullPoison(message: unknown, context: InvocationContext): Promise<void> {
  const run = await failPoisonedRun(getServices(), queueNames.pull, message);
  if (run) context.warn(`Run ${run.runId} is ${run.status} after its message was poisoned: ${run.error ?? ''}`);
}

app.storageQueue('insightsPullPoison', { queueName: poisonQueueOf(queueNames.pull), connection: 'AzureWebJobsStorage', handler: insightsPullPoison });
