import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { pull } from '../shared/pipeline/pull';
import { handleRunMessage } from '../shared/pipeline/queue-handler';
import { pullMessage, queueNames } from '../shared/work/queues';

export async function insightsPull(message: unknown, context: InvocationContext): Promise<void> {
  const services = getServices();
  await handleRunMessage(services, pullMessage, message, context, (m) => pull(services, m));
}

app.storageQueue('insightsPull', { queueName: queueNames.pull, connection: 'AzureWebJobsStorage', handler: insightsPull });
