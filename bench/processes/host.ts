import path from 'node:path';
import { LocalFunctionsHost } from '../../local/host/functions-host';
import { consoleLogger } from '../../local/host/logger';
import { onStop, ready } from './child';

// The local Functions host serving the compiled app, configured by the environment the benchmark
// passes (which functions run, storage, auth), on a free loopback port.
void (async () => {
  const host = await LocalFunctionsHost.start({ appDir: path.resolve(__dirname, '..', '..', '..'), port: 0, hostname: '127.0.0.1', logger: consoleLogger('warning') });
  onStop(() => host.stop());
  ready({ url: host.url });
})();
