import path from 'node:path';
import { QueueClient } from '@azure/storage-queue';
import { LocalFunctionsHost } from '../../local/host/functions-host';
import { consoleLogger } from '../../local/host/logger';

// The Sunday timer in its own host process, with the pull function disabled so the queued pulls stay
// in the queue to be counted: prints how long the timer took and how many pull messages it queued.
void (async () => {
  const host = await LocalFunctionsHost.start({ appDir: path.resolve(__dirname, '..', '..', '..'), port: 0, hostname: '127.0.0.1', logger: consoleLogger('warning') });
  const started = performance.now();
  await host.invokeTimer('weeklyImport');
  const ms = performance.now() - started;
  const queue = new QueueClient(process.env.AzureWebJobsStorage!, 'insights-pull');
  const { approximateMessagesCount } = await queue.getProperties();
  await host.stop();
  process.stdout.write(`${JSON.stringify({ ms, pulls: approximateMessagesCount ?? 0, maxRssKb: process.resourceUsage().maxRSS })}\n`);
})();
