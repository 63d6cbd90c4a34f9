import { startAzurite } from '../../local/azurite';
import { onStop, ready } from './child';

// Azurite in memory, in its own process: storage is a separate service, and its CPU and memory must
// not be counted as the app's.
void (async () => {
  const azurite = await startAzurite();
  onStop(() => azurite.stop());
  ready({ connectionString: azurite.connectionString });
})();
