import { app, type InvocationContext } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { bucketChunk } from '../shared/pipeline/bucket';
import { handleRunMessage } from '../shared/pipeline/queue-handler';
import { bucketMessage, queueNames } from '../shared/work/queues';

export async function insightsBucket(message: unknown, context: InvocationContext): Promise<void> {
  const services = getServices();
  await handleRunMessage(services, bucketMessage, message, context, (m) => bucketChunk(services, m));
}

app.storageQueue('insightsBucket', { queueName: queueNames.bucket, connection: 'AzureWebJobsStorage', handler: insightsBucket });
