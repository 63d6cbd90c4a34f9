import type { TableClient, TableServiceClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import type { QueueServiceClient } from '@azure/storage-queue';
import { storageClients } from '../../shared/storage/storage-account';
import { startAzurite, type RunningAzurite } from '../support/local-stack';

// Which way the factory authenticates is the whole point, so the tests look at it directly: the
// credential the storage clients hold, and the authentication policy in the Tables pipeline.

// The SDKs differ in whether they keep a trailing slash; the endpoint is the same either way.
const href = (url: string) => new URL(url).href;
const policies = (client: TableClient | TableServiceClient) => client.pipeline.getOrderedPolicies().map((policy) => policy.name);
// The Queue SDK keeps its credential protected; it is there at run time all the same.
const queueCredential = (client: QueueServiceClient) => (client as unknown as { credential: unknown }).credential;

describe('storageClients with identity-based settings (Azure, no account keys)', () => {
  const endpoints = {
    // As the Bicep template sets them, from the account's primaryEndpoints (which end with a slash).
    AzureWebJobsStorage__tableServiceUri: 'https://stexample.table.core.windows.net/',
    AzureWebJobsStorage__queueServiceUri: 'https://stexample.queue.core.windows.net/',
    AzureWebJobsStorage__blobServiceUri: 'https://stexample.blob.core.windows.net/',
  };

  it('uses an Entra ID token credential and the configured endpoints when only endpoints are set', () => {
    const storage = storageClients({ ...endpoints, AzureWebJobsStorage__clientId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f' });

    const config = storage.table('config');
    expect(href(config.url)).toBe(href(endpoints.AzureWebJobsStorage__tableServiceUri));
    expect(config.tableName).toBe('config');
    expect(policies(config)).toContain('bearerTokenAuthenticationPolicy');
    expect(policies(config)).not.toContain('tablesNamedKeyCredentialPolicy');

    const service = storage.tableService({ retryOptions: { maxRetries: 0 } });
    expect(href(service.url)).toBe(href(endpoints.AzureWebJobsStorage__tableServiceUri));
    expect(policies(service)).toContain('bearerTokenAuthenticationPolicy');

    expect(href(storage.queueService.url)).toBe(href(endpoints.AzureWebJobsStorage__queueServiceUri));
    expect(queueCredential(storage.queueService)).toBeInstanceOf(DefaultAzureCredential);
    expect(href(storage.blobService.url)).toBe(href(endpoints.AzureWebJobsStorage__blobServiceUri));
    expect(storage.blobService.credential).toBeInstanceOf(DefaultAzureCredential);
    // One credential for every client, so a token is fetched once per resource, not once per client.
    expect(queueCredential(storage.queueService)).toBe(storage.blobService.credential);
  });

  it('derives the public-cloud endpoints from the account name, as the Functions host does', () => {
    const storage = storageClients({ AzureWebJobsStorage__accountName: 'stexample' });
    expect(href(storage.table('config').url)).toBe(href('https://stexample.table.core.windows.net'));
    expect(href(storage.queueService.url)).toBe(href('https://stexample.queue.core.windows.net'));
    expect(href(storage.blobService.url)).toBe(href('https://stexample.blob.core.windows.net'));
    expect(storage.blobService.credential).toBeInstanceOf(DefaultAzureCredential);
  });

  it('lets an explicit service URI win over the account name', () => {
    const storage = storageClients({ AzureWebJobsStorage__accountName: 'stexample', AzureWebJobsStorage__blobServiceUri: 'https://files.example.net' });
    expect(href(storage.blobService.url)).toBe(href('https://files.example.net'));
    expect(href(storage.queueService.url)).toBe(href('https://stexample.queue.core.windows.net'));
  });
});

describe('storageClients with a connection string (Azurite, or an account with keys)', () => {
  let azurite: RunningAzurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  it('signs with the shared key and spells out UseDevelopmentStorage=true', () => {
    const storage = storageClients({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(href(storage.table('config').url)).toBe(href('http://127.0.0.1:10002/devstoreaccount1'));
    expect(policies(storage.table('config'))).toContain('tablesNamedKeyCredentialPolicy');
    expect(policies(storage.table('config'))).not.toContain('bearerTokenAuthenticationPolicy');
    expect(queueCredential(storage.queueService)).toBeInstanceOf(StorageSharedKeyCredential);
    expect(storage.blobService.credential).toBeInstanceOf(StorageSharedKeyCredential);
  });

  it('reaches tables, queues and blobs over Azurite\'s plain http', async () => {
    const storage = storageClients({ AzureWebJobsStorage: azurite.connectionString });
    await storage.table('factorycheck').createTable();
    const page = await storage.tableService({ retryOptions: { maxRetries: 0 } }).listTables().byPage().next();
    expect(page.done ? [] : page.value.map((table) => table.name)).toContain('factorycheck');
    await storage.queueService.getQueueClient('factory-check').createIfNotExists();
    await storage.blobService.getContainerClient('factory-check').createIfNotExists();
  });
});
