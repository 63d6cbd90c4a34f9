import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { handleRunMessage } from '../shared/pipeline/queue-handler';
import { reprocess } from '../shared/pipeline/reprocess';
import { queueNames, reprocessMessage } from '../shared/work/queues';

export async function insightsReprocess(message: unknown, context: InvocationContext): Promise<void> {
  const services = getServices();
  await handleRunMessage(services, reprocessMessage, message, context, (m) => reprocess(services, m));
}

app.storageQueue('insightsReprocess', { queueName: queueNames.reprocess, connection: 'AzureWebJobsStorage', handler: insightsReprocess });
