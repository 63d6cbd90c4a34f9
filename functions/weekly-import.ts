import { app, type InvocationContext, type Timer } from '@azure/functions';
import { getServices } from '../shared/composition-root';
import { sundayOnOrBefore } from '../shared/domain/weeks';
import { scheduleAll } from '../shared/pipeline/schedule';

// Sundays (IMPORT_SCHEDULE): for every consenting tenant, one pull per due (program, cycle).
export async function weeklyImport(timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const runDate = sundayOnOrBefore(services.now().toISOString().slice(0, 10));
  const runs = await scheduleAll(services, runDate);
  context.log(`weeklyImport ${runDate}${timer.isPastDue ? ' (past due)' : ''}: ${runs} import run(s) queued`);
}

app.timer('weeklyImport', { schedule: '%IMPORT_SCHEDULE%', handler: weeklyImport });
