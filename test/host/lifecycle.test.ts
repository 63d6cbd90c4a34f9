import { clearRecorded, recorded } from '../fixtures/conformance-app/recorder';
import { conformanceApp, startAzurite, startTestHost, type RunningAzurite } from '../support/local-stack';
import { expandGlob } from '../../local/host/app-loader';

let azurite: RunningAzurite;
let settings: Record<string, string>;

beforeAll(async () => {
  azurite = await startAzurite();
  settings = { AzureWebJobsStorage: azurite.connectionString, SUNDAY_SCHEDULE: '0 0 6 * * 0' };
});

afterAll(async () => {
  await azurite?.stop();
});

beforeEach(() => clearRecorded());

describe('loading the app', () => {
  it('loads every entry point matched by package.json main and lists their functions', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    await host.stop();
    expect(host.functions.map((f) => `${f.name}:${f.triggerType}`).sort()).toEqual(
      [
        'alwaysFails:queueTrigger',
        'boom:httpTrigger',
        'byName:httpTrigger',
        'cookieJar:httpTrigger',
        'echo:httpTrigger',
        'failsTwice:queueTrigger',
        'followUp:queueTrigger',
        'lateRegistration:httpTrigger',
        'nothing:httpTrigger',
        'slow:queueTrigger',
        'special:httpTrigger',
        'startupTimer:timerTrigger',
        'sundayTimer:timerTrigger',
        'typed:httpTrigger',
        'work:queueTrigger',
      ].sort(),
    );
    expect(host.functions.find((f) => f.name === 'echo')?.metadata.scriptFile).toBe('http.ts');
  });

  it('expands main globs with *, ? and **', () => {
    const files = (pattern: string) => expandGlob(conformanceApp, pattern).map((f) => f.slice(conformanceApp.length + 1));
    expect(files('functions/*.ts')).toEqual(['functions/hooks.ts', 'functions/http.ts', 'functions/queues.ts', 'functions/timers.ts']);
    expect(files('functions/h*.ts')).toEqual(['functions/hooks.ts', 'functions/http.ts']);
    expect(files('**/first.ts')).toEqual(['duplicate/first.ts']);
    expect(files('functions/?ooks.ts')).toEqual(['functions/hooks.ts']);
    expect(files('functions/http.ts')).toEqual(['functions/http.ts']);
    expect(files('nowhere/*.js')).toEqual([]);
  });

  it('refuses two functions with the same name', async () => {
    await expect(startTestHost({ appDir: conformanceApp, main: 'duplicate/*.ts', settings })).rejects.toThrow(/"sameName" has already been registered/);
  });

  it('refuses a registration after start-up', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    try {
      const response = await fetch(`${host.url}/api/late`, { method: 'POST' });
      expect(response.status).toBe(409);
      expect(await response.text()).toBe('A function can only be registered during app startup.');
      expect(host.functions.some((f) => f.name === 'tooLate')).toBe(false);
    } finally {
      await host.stop();
    }
  });

  it('fails start-up with the error of an entry point that throws, or when nothing matches main', async () => {
    await expect(startTestHost({ appDir: conformanceApp, main: 'broken/*.ts', settings })).rejects.toThrow(
      /failed to load entry point broken\/throws.ts: cannot start: missing configuration/,
    );
    await expect(startTestHost({ appDir: conformanceApp, main: 'dist/*.js', settings })).rejects.toThrow(/No entry point matches "dist\/\*.js"/);
  });
});

describe('hooks and the invocation pipeline', () => {
  it('runs appStart once, preInvocation and postInvocation around each invocation (sharing hookData), appTerminate at stop', async () => {
    const { host, logs } = await startTestHost({ appDir: conformanceApp, settings });
    await fetch(`${host.url}/api/items/1`);
    await fetch(`${host.url}/api/boom`);
    await host.stop();
    const events = recorded()
      .filter((r) => ['appStart', 'preInvocation', 'postInvocation', 'appTerminate'].includes(r.fn))
      .filter((r) => r.input !== 'startupTimer')
      .map((r) => [r.fn, r.input, r.meta]);
    expect(events).toEqual([
      ['appStart', undefined, undefined],
      ['preInvocation', 'echo', undefined],
      ['postInvocation', 'echo', { hookData: 'preInvocation', error: null }],
      ['preInvocation', 'boom', undefined],
      ['postInvocation', 'boom', { hookData: 'preInvocation', error: 'kaboom: connection=secret-internal-detail' }],
      ['appTerminate', undefined, undefined],
    ]);
    expect(logs.some((l) => l.message.includes("Executed 'Functions.echo' (Succeeded"))).toBe(true);
  });

  it('stops cleanly: the port is closed afterwards', async () => {
    const { host } = await startTestHost({ appDir: conformanceApp, settings });
    const url = host.url;
    expect((await fetch(`${url}/api/items/1`)).status).toBe(200);
    await host.stop();
    await expect(fetch(`${url}/api/items/1`)).rejects.toThrow();
  });
});
