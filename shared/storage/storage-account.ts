import { TableClient, TableServiceClient, type TableServiceClientOptions } from '@azure/data-tables';

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

// Azurite speaks plain http on loopback; the SDK refuses shared-key auth over http unless told.
const isHttp = (connectionString: string) => /DefaultEndpointsProtocol=http;|TableEndpoint=http:\/\//i.test(connectionString);

export function tableServiceClient(connectionString: string, options: TableServiceClientOptions = {}): TableServiceClient {
  const expanded = expandConnectionString(connectionString);
  return TableServiceClient.fromConnectionString(expanded, { ...options, allowInsecureConnection: isHttp(expanded) });
}

export function tableClient(connectionString: string, tableName: string): TableClient {
  const expanded = expandConnectionString(connectionString);
  return TableClient.fromConnectionString(expanded, tableName, { allowInsecureConnection: isHttp(expanded) });
}
