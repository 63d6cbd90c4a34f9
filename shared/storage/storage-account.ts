import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { Settings } from '../config/settings';

// Every storage client of the app comes from here, reached the way the Functions host reaches its own
// storage (`AzureWebJobsStorage`): with a connection string (Azurite, or an account with shared keys),
// or, in Azure, with identity-based settings and Entra ID tokens, so no account key exists anywhere.

export type StorageSettings = Pick<
  Settings,
  | 'AzureWebJobsStorage'
  | 'AzureWebJobsStorage__accountName'
  | 'AzureWebJobsStorage__tableServiceUri'
  | 'AzureWebJobsStorage__queueServiceUri'
  | 'AzureWebJobsStorage__blobServiceUri'
  | 'AzureWebJobsStorage__clientId'
>;

export interface StorageClients {
  table(tableName: string): TableClient;
  /** `options` so the health probe can turn retries off. */
  tableService(options?: TableServiceClientOptions): TableServiceClient;
  queueService: QueueServiceClient;
  blobService: BlobServiceClient;
}

// Azurite's well-known development account (public, documented by Microsoft; not a secret).
const developmentStorage =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
  'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;' +
  'BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;' +
  'TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;';

/** The connection string itself, with the `UseDevelopmentStorage=true` shorthand spelled out (the Tables SDK lacks it). */
export function expandConnectionString(connectionString: string): string {
  return connectionString.trim() === 'UseDevelopmentStorage=true' ? developmentStorage : connectionString;
}

// Azurite speaks plain http on loopback; the Tables SDK refuses shared-key auth over http unless told.
const isHttp = (connectionString: string) => /DefaultEndpointsProtocol=http;|TableEndpoint=http:\/\//i.test(connectionString);

/** The clients for the storage the settings name: a connection string if set, else the identity-based settings. */
export function storageClients(settings: StorageSettings): StorageClients {
  return settings.AzureWebJobsStorage
    ? connectionStringClients(expandConnectionString(settings.AzureWebJobsStorage))
    : identityClients(identityEndpoints(settings), new DefaultAzureCredential({ managedIdentityClientId: settings.AzureWebJobsStorage__clientId }));
}

function connectionStringClients(connectionString: string): StorageClients {
  const allowInsecureConnection = isHttp(connectionString);
  return {
    table: (tableName) => TableClient.fromConnectionString(connectionString, tableName, { allowInsecureConnection }),
    tableService: (options = {}) => TableServiceClient.fromConnectionString(connectionString, { ...options, allowInsecureConnection }),
    queueService: QueueServiceClient.fromConnectionString(connectionString),
    blobService: BlobServiceClient.fromConnectionString(connectionString),
  };
}

interface ServiceEndpoints {
  table: string;
  queue: string;
  blob: string;
}

function identityClients(endpoints: ServiceEndpoints, credential: TokenCredential): StorageClients {
  return {
    table: (tableName) => new TableClient(endpoints.table, tableName, credential),
    tableService: (options = {}) => new TableServiceClient(endpoints.table, credential, options),
    queueService: new QueueServiceClient(endpoints.queue, credential),
    blobService: new BlobServiceClient(endpoints.blob, credential),
  };
}

// As the Functions host does: an explicit service URI wins, else the account name gives the public
// cloud's endpoint. The settings schema has already checked that one of the two is there for each service.
function identityEndpoints(settings: StorageSettings): ServiceEndpoints {
  const endpoint = (service: keyof ServiceEndpoints, uri: string | undefined): string => {
    if (uri) return uri;
    if (settings.AzureWebJobsStorage__accountName) return `https://${settings.AzureWebJobsStorage__accountName}.${service}.core.windows.net`;
    throw new Error(`AzureWebJobsStorage__${service}ServiceUri or AzureWebJobsStorage__accountName is required when AzureWebJobsStorage is not set`);
  };
  return {
    table: endpoint('table', settings.AzureWebJobsStorage__tableServiceUri),
    queue: endpoint('queue', settings.AzureWebJobsStorage__queueServiceUri),
    blob: endpoint('blob', settings.AzureWebJobsStorage__blobServiceUri),
  };
}
