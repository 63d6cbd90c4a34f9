import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { sweepAll } from '../shared/pipeline/stranded';

// Every 15 minutes: queued runs whose message was lost get it again; runs stuck running are failed.
export async function runSweeper(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const { resent, failed } = await sweepAll(services, services.sweepLimits);
  if (resent + failed > 0) context.log(`runSweeper: ${resent} message(s) sent again, ${failed} stuck run(s) failed`);
}

app.timer('runSweeper', { schedule: '0 */15 * * * *', handler: runSweeper });
