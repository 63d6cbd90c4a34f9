import { mkdirSync } from 'node:fs';
import path from 'node:path';

// Azurite's blob, queue and table servers, started in this process from the npm package's own server
// classes (the CLI does the same). Telemetry stays off: Azurite only sends it once its CLI calls
// AzuriteTelemetryClient.init, which this never does. Loopback only; the API version check is
// skipped so current SDKs are accepted.

interface AzuriteServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}
type ServerClass = new (config: unknown) => AzuriteServer;
type ConfigClass = new (...args: unknown[]) => unknown;

// Well-known development account of the storage emulator (public, documented by Microsoft; not a secret).
export const devAccountName = 'devstoreaccount1';
export const devAccountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Folder for persistent data; omitted, everything is kept in memory. */
  location?: string;
  /** Ports; 0 (the default) picks free ones. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
}

export interface RunningAzurite {
  connectionString: string;
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  stop(): Promise<void>;
}

function load<T>(modulePath: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(`azurite/dist/src/${modulePath}`) as { default: T }).default;
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const host = '127.0.0.1';
  const { location } = options;
  const inMemory = location === undefined;
  if (location) mkdirSync(location, { recursive: true });
  const at = (file: string) => (location ? path.join(location, file) : undefined);
  const persistence = (folder: string) => (location ? [{ locationId: 'Default', locationPath: path.join(location, folder), maxConcurrency: 1 }] : undefined);

  // Positional constructor arguments, as Azurite's own CLI passes them (see its *Configuration.js).
  const BlobConfiguration = load<ConfigClass>('blob/BlobConfiguration');
  const QueueConfiguration = load<ConfigClass>('queue/QueueConfiguration');
  const TableConfiguration = load<ConfigClass>('table/TableConfiguration');
  const blobConfig = new BlobConfiguration(
    host, options.blobPort ?? 0, undefined, at('__azurite_db_blob__.json'), at('__azurite_db_blob_extent__.json'), persistence('__blobstorage__'),
    false, undefined, false, undefined, false, true, '', '', '', undefined, false, inMemory,
  );
  const queueConfig = new QueueConfiguration(
    host, options.queuePort ?? 0, undefined, at('__azurite_db_queue__.json'), at('__azurite_db_queue_extent__.json'), persistence('__queuestorage__'),
    false, undefined, false, undefined, false, true, '', '', '', undefined, false, inMemory,
  );
  const tableConfig = new TableConfiguration(
    host, options.tablePort ?? 0, undefined, at('__azurite_db_table__.json'), false, false, undefined, undefined, false, true, '', '', '', undefined, false, inMemory,
  );

  const servers = [
    new (load<ServerClass>('blob/BlobServer'))(blobConfig),
    new (load<ServerClass>('queue/QueueServer'))(queueConfig),
    new (load<ServerClass>('table/TableServer'))(tableConfig),
  ] as const;
  const started: AzuriteServer[] = [];
  try {
    for (const server of servers) {
      await server.start();
      started.push(server);
    }
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw new Error(`Azurite did not start: ${(error as Error).message}`, { cause: error });
  }

  const [blobEndpoint, queueEndpoint, tableEndpoint] = servers.map((s) => `${s.getHttpServerAddress()}/${devAccountName}`) as [string, string, string];
  return {
    blobEndpoint,
    queueEndpoint,
    tableEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};` +
      `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`,
    async stop() {
      await Promise.allSettled(servers.map((s) => s.close()));
    },
  };
}
