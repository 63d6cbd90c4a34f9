import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

// The local host reads its storage the way the Functions host does: the app setting named by a
// binding's `connection` (default `AzureWebJobsStorage`) holds a connection string. Identity-based
// connections (`<name>__queueServiceUri`, ...) are an Azure-side feature the local host does not need.
export function resolveConnectionString(settings: Record<string, string | undefined>, name = 'AzureWebJobsStorage'): string {
  const value = settings[name] ?? settings[`${name}Storage`];
  if (!value) {
    throw new Error(`Storage connection "${name}" is not set: the local host needs a connection string in the app setting ${name}`);
  }
  return value;
}

export function queueServiceFrom(connectionString: string): QueueServiceClient {
  return QueueServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 3 } });
}

export function blobServiceFrom(connectionString: string): BlobServiceClient {
  return BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 3 } });
}
