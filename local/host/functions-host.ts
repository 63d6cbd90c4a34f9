import { randomUUID } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { loadEntryPoints } from './app-loader';
import { attachCoreApiTarget, Disposable, detachCoreApiTarget, getProgrammingModel, installCoreModule, type CoreApiTarget } from './core-api';
import type {
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  HookData,
  ProgrammingModel,
  RpcBindingInfo,
  RpcFunctionMetadata,
  RpcInvocationRequest,
  RpcInvocationResponse,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';
import { readHostJson, type HostJson } from './host-json';
import { consoleLogger, type HostLogger } from './logger';
import { NcrontabSchedule } from './ncrontab';
import { defaultLeaseSeconds, QueueListener } from './queue-listener';
import { listenHttp, type HttpFront, type HttpRoute } from './http-server';
import { comparePrecedence, RouteTemplate } from './routes';
import { blobServiceFrom, queueServiceFrom, resolveConnectionString } from './storage-connection';
import { TimerListener } from './timer-listener';

export interface LocalHostOptions {
  /** The function app folder: holds package.json (whose `main` names the entry points) and host.json. */
  appDir: string;
  /** Glob of entry points relative to appDir; defaults to package.json `main`. */
  main?: string;
  /** Port for HTTP triggers; 0 picks a free one. Default 7071. */
  port?: number;
  /** Interface to listen on. Default: all interfaces, as `func start` does. */
  hostname?: string;
  /** App settings; they are also what `%NAME%` binding expressions resolve against. Default process.env. */
  settings?: Record<string, string | undefined>;
  logger?: HostLogger;
  /**
   * Wraps the loading of all entry points. Under jest, whose module registry ignores require.cache,
   * tests pass `(load) => jest.isolateModules(load)` so every host loads its own copy of the app.
   */
  isolateModules?: (load: () => void) => void;
  /** Identifies this host's timer status blobs. */
  hostId?: string;
  /** Largest HTTP request body accepted (the Functions host's limit is 100 MB). */
  maxRequestBodyBytes?: number;
  now?: () => Date;
  /**
   * Serves requests outside the route prefix and the admin API before they get the host's 404 (the
   * real host has no such thing: `npm start` uses it to serve the portal's files and the local
   * sign-in beside the app). Answers true when it handled the request.
   */
  outsideRoutes?: (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;
}

export interface RegisteredFunction {
  readonly name: string;
  readonly triggerType: 'httpTrigger' | 'timerTrigger' | 'queueTrigger';
  readonly triggerName: string;
  readonly trigger: RpcBindingInfo;
  readonly metadata: RpcFunctionMetadata;
  readonly callback: FunctionCallback;
}

const supportedTriggers = new Set(['httptrigger', 'timertrigger', 'queuetrigger']);
const defaultMaxBody = 100 * 1024 * 1024;

/**
 * Runs a Node.js (v4 programming model) function app the way the Azure Functions host and Node worker
 * do, for local runs and tests where Core Tools cannot be installed. See local/README.md for what it
 * implements and where it differs.
 */
export class LocalFunctionsHost {
  readonly #options: LocalHostOptions;
  readonly #logger: HostLogger;
  readonly #settings: Record<string, string | undefined>;
  readonly #functions = new Map<string, RegisteredFunction>();
  readonly #hooks = new Map<string, HookCallback[]>();
  readonly #appHookData: HookData = {};
  readonly #timers = new Map<string, TimerListener>();
  readonly #queues = new Map<string, QueueListener>();
  #routes: HttpRoute[] = [];
  #hostJson!: HostJson;
  #model!: ProgrammingModel;
  #server: http.Server | undefined;
  #registrationLocked = false;
  #currentEntryPoint: string | undefined;
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #url = '';
  #state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';

  private constructor(options: LocalHostOptions) {
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger();
    this.#settings = options.settings ?? process.env;
  }

  /** Loads the app, runs its appStart hooks and starts every trigger. */
  static async start(options: LocalHostOptions): Promise<LocalFunctionsHost> {
    const host = new LocalFunctionsHost(options);
    try {
      await host.#start();
    } catch (error) {
      await host.stop().catch(() => undefined);
      throw error;
    }
    return host;
  }

  /** Base URL of the HTTP listener, e.g. http://localhost:7071 */
  get url(): string {
    return this.#url;
  }

  get functions(): RegisteredFunction[] {
    return [...this.#functions.values()];
  }

  get routePrefix(): string {
    return this.#hostJson.extensions.http.routePrefix;
  }

  /** The next scheduled occurrence of a timer function. */
  nextOccurrence(functionName: string): Date | null {
    return this.#timer(functionName).nextOccurrence;
  }

  /** Receive requests made so far by a queue function's listener. */
  queueReceiveCount(functionName: string): number {
    const listener = this.#queues.get(functionName.toLowerCase());
    if (!listener) throw new Error(`No queue function named "${functionName}"`);
    return listener.receiveCount;
  }

  /** Runs a timer function now (as the admin API does) and resolves once that invocation finished. */
  async invokeTimer(functionName: string): Promise<void> {
    await this.#timer(functionName).invokeNow();
  }

  /**
   * Resolves once every listened queue is empty (visible and invisible messages alike) and no
   * invocation is running, checked twice in a row; pollers are woken so nothing waits for back-off.
   */
  async drain(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let quietChecks = 0;
    while (quietChecks < 2) {
      if (Date.now() > deadline) {
        const counts = await Promise.all([...this.#queues.values()].map(async (q) => `${q.queueName}=${await q.approximateMessageCount()}`));
        throw new Error(`drain timed out: ${this.#inFlight} invocation(s) running, queues ${counts.join(', ') || '(none)'}`);
      }
      for (const listener of this.#queues.values()) listener.pollNow();
      await this.#whenIdle(deadline);
      const counts = await Promise.all([...this.#queues.values()].map((q) => q.approximateMessageCount()));
      if (this.#inFlight === 0 && counts.every((c) => c === 0)) quietChecks++;
      else {
        quietChecks = 0;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  /** Stops accepting work, lets running invocations finish, runs appTerminate hooks. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    const wasRunning = this.#state === 'running';
    this.#state = 'stopping';
    const closing = new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server?.closeIdleConnections();
    await Promise.all([...this.#timers.values(), ...this.#queues.values()].map((l) => l.stop()));
    await this.#whenIdle(Date.now() + 30_000).catch(() => undefined);
    this.#server?.closeAllConnections();
    await closing;
    if (wasRunning) {
      await this.#runHooks('appTerminate', { hookData: {}, appHookData: this.#appHookData }).catch((error: Error) =>
        this.#logger.log('error', `appTerminate hook failed: ${error.message}`),
      );
    }
    detachCoreApiTarget(this.#coreTarget);
    this.#state = 'stopped';
  }

  // ---- start-up ----------------------------------------------------------------------------

  async #start(): Promise<void> {
    this.#state = 'starting';
    const appDir = path.resolve(this.#options.appDir);
    this.#hostJson = readHostJson(appDir, this.#settings);
    this.#loadApp(appDir);

    const model = getProgrammingModel();
    if (!model) throw new Error('The app set no programming model: its entry points must use @azure/functions v4');
    this.#model = model;
    const capabilities = (await model.getCapabilities?.({})) ?? {};
    if (capabilities.HttpUri) throw new Error('HTTP streaming (app.setup({ enableHttpStream: true })) is not supported by the local host');

    this.#prepareTriggers();
    await this.#runHooks('appStart', { hookData: {}, appHookData: this.#appHookData, functionAppDirectory: appDir });
    await this.#listen();
    for (const queue of this.#queues.values()) queue.start();
    for (const timer of this.#timers.values()) await timer.start();
    this.#state = 'running';
  }

  readonly #coreTarget: CoreApiTarget = {
    hostVersion: '4.1000.0-local',
    registerFunction: (metadata, callback) => this.#registerFunction(metadata, callback),
    registerHook: (hookName, callback) => this.#registerHook(hookName, callback),
    log: (level, category, message) => this.#log(level, category, message),
  };

  #loadApp(appDir: string): void {
    installCoreModule();
    attachCoreApiTarget(this.#coreTarget);
    const main = loadEntryPoints(appDir, this.#options.main, this.#options.isolateModules, (file) => (this.#currentEntryPoint = file));
    this.#registrationLocked = true;
    if (this.#functions.size === 0) throw new Error(`The entry points matching "${main}" registered no function`);
  }

  #registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.#registrationLocked) throw new Error('A function can only be registered during app startup.');
    const name = metadata.name;
    const key = name.toLowerCase();
    if (this.#functions.has(key)) throw new Error(`A function with the name "${name}" has already been registered.`);
    const [triggerName, trigger] = Object.entries(metadata.bindings).find(([, b]) => /trigger$/i.test(b.type ?? '')) ?? [];
    if (!triggerName || !trigger) throw new Error(`Function "${name}" has no trigger binding`);
    const triggerType = trigger.type ?? '';
    if (!supportedTriggers.has(triggerType.toLowerCase())) {
      throw new Error(`Function "${name}": trigger "${triggerType}" is not supported by the local host (http, timer and storage queue are)`);
    }
    const unsupportedOutput = Object.entries(metadata.bindings).find(
      ([bindingName, b]) => bindingName !== triggerName && !(bindingName === '$return' && b.type?.toLowerCase() === 'http'),
    );
    if (unsupportedOutput) {
      throw new Error(`Function "${name}": binding "${unsupportedOutput[0]}" (${unsupportedOutput[1].type}) is not supported by the local host; use the SDK clients`);
    }
    const entry = this.#currentEntryPoint;
    const rpcMetadata: RpcFunctionMetadata = {
      name,
      functionId: metadata.functionId ?? name,
      bindings: metadata.bindings,
      rawBindings: Object.entries(metadata.bindings).map(([bindingName, b]) => JSON.stringify({ ...b, name: bindingName })),
      retryOptions: metadata.retryOptions,
      scriptFile: entry ? path.basename(entry) : 'unknown',
      directory: entry ? path.dirname(entry) : null,
    };
    const fn: RegisteredFunction = {
      name,
      triggerName,
      trigger,
      triggerType: normalizeTrigger(triggerType),
      metadata: rpcMetadata,
      callback,
    };
    this.#functions.set(key, fn);
    return new Disposable(() => {
      if (this.#registrationLocked) throw new Error('A function can only be disposed during app startup.');
      this.#functions.delete(key);
    });
  }

  #registerHook(hookName: string, callback: HookCallback): Disposable {
    const list = this.#hooks.get(hookName) ?? [];
    list.push(callback);
    this.#hooks.set(hookName, list);
    return new Disposable(() => {
      const current = this.#hooks.get(hookName) ?? [];
      this.#hooks.set(hookName, current.filter((c) => c !== callback));
    });
  }

  async #runHooks(hookName: string, context: Record<string, unknown>): Promise<void> {
    for (const hook of [...(this.#hooks.get(hookName) ?? [])]) await hook(context);
  }

  #prepareTriggers(): void {
    const connectionString = () => resolveConnectionString(this.#settings);
    const leaseSeconds = queueLeaseSeconds(this.#settings);
    for (const fn of this.#functions.values()) {
      // As in the real host, the app setting AzureWebJobs.<name>.Disabled=true keeps a function from being triggered.
      if (/^(true|1)$/i.test(this.#settings[`AzureWebJobs.${fn.name}.Disabled`] ?? '')) {
        this.#logger.log('information', `Function '${fn.name}' is disabled (AzureWebJobs.${fn.name}.Disabled)`);
        continue;
      }
      if (fn.triggerType === 'httpTrigger') {
        const route = typeof fn.trigger.route === 'string' && fn.trigger.route !== '' ? fn.trigger.route : fn.name;
        const methods = Array.isArray(fn.trigger.methods) ? (fn.trigger.methods as string[]).map((m) => m.toUpperCase()) : null;
        this.#routes.push({ fn, template: new RouteTemplate(this.#resolve(route, fn.name)), methods });
      } else if (fn.triggerType === 'timerTrigger') {
        const expression = typeof fn.trigger.schedule === 'string' ? fn.trigger.schedule : '';
        const resolved = this.#resolve(expression, fn.name);
        let schedule: NcrontabSchedule;
        try {
          schedule = new NcrontabSchedule(resolved);
        } catch (error) {
          // Name the app setting as well as the value, so a bad %SETTING% is found without reading code.
          throw new Error(`Function "${fn.name}": schedule ${expression}: ${(error as Error).message}`, { cause: error });
        }
        const [first, second] = schedule.nextN(2, new Date());
        const useMonitor =
          typeof fn.trigger.useMonitor === 'boolean' ? fn.trigger.useMonitor : !first || !second || second.getTime() - first.getTime() >= 60_000;
        const container = blobServiceFrom(connectionString()).getContainerClient('azure-webjobs-hosts');
        this.#timers.set(
          fn.name.toLowerCase(),
          new TimerListener({
            functionName: fn.name,
            triggerName: fn.triggerName,
            schedule,
            runOnStartup: fn.trigger.runOnStartup === true,
            useMonitor,
            statusContainer: container,
            hostId: this.#options.hostId ?? 'local-functions-host',
            invoke: (request) => this.#invoke(fn, request),
            logger: this.#logger,
            ...(this.#options.now ? { now: this.#options.now } : {}),
          }),
        );
      } else {
        const queueName = this.#resolve(typeof fn.trigger.queueName === 'string' ? fn.trigger.queueName : '', fn.name).toLowerCase();
        const connectionName = typeof fn.trigger.connection === 'string' && fn.trigger.connection ? fn.trigger.connection : 'AzureWebJobsStorage';
        const service = queueServiceFrom(resolveConnectionString(this.#settings, connectionName));
        this.#queues.set(
          fn.name.toLowerCase(),
          new QueueListener({
            functionName: fn.name,
            triggerName: fn.triggerName,
            queue: service.getQueueClient(queueName),
            poisonQueue: service.getQueueClient(`${queueName}-poison`),
            options: this.#hostJson.extensions.queues,
            invoke: (request) => this.#invoke(fn, request),
            logger: this.#logger,
            leaseSeconds,
          }),
        );
      }
    }
    this.#routes.sort((a, b) => comparePrecedence(a.template, b.template));
  }

  /** Resolves `%NAME%` app-setting references in binding properties, as the host does. */
  #resolve(value: string, functionName: string): string {
    return value.replace(/%([^%]+)%/g, (_, name: string) => {
      const setting = this.#settings[name];
      if (setting === undefined || setting === '') {
        throw new Error(`Function "${functionName}": the app setting "${name}" referenced as %${name}% is not set`);
      }
      return setting;
    });
  }

  // ---- invocation ----------------------------------------------------------------------------

  /** The worker's invocation sequence: getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse. */
  async #invoke(fn: RegisteredFunction, request: RpcInvocationRequest): Promise<RpcInvocationResponse> {
    this.#inFlight++;
    const invocationId = request.invocationId ?? randomUUID();
    const started = Date.now();
    this.#logger.log('information', `Executing 'Functions.${fn.name}' (Id=${invocationId})`);
    try {
      const coreCtx = {
        invocationId,
        request: { ...request, invocationId, functionId: fn.metadata.functionId ?? null },
        metadata: fn.metadata,
        state: undefined as 'preInvocationHooks' | 'postInvocationHooks' | 'invocation' | undefined,
        log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => this.#log(level, category, message, fn.name, invocationId),
      };
      const model = await this.#model.getInvocationModel(coreCtx);
      const hookData: HookData = {};
      const { context, inputs } = await model.getArguments();
      const pre = { hookData, appHookData: this.#appHookData, invocationContext: context, inputs, functionCallback: fn.callback };
      coreCtx.state = 'preInvocationHooks';
      try {
        await this.#runHooks('preInvocation', pre);
      } finally {
        coreCtx.state = undefined;
      }
      const post = { hookData, appHookData: this.#appHookData, invocationContext: context, inputs: pre.inputs, result: null as unknown, error: null as unknown };
      coreCtx.state = 'invocation';
      try {
        post.result = await model.invokeFunction(context, pre.inputs, pre.functionCallback);
      } catch (error) {
        post.error = error;
      } finally {
        coreCtx.state = undefined;
      }
      coreCtx.state = 'postInvocationHooks';
      try {
        await this.#runHooks('postInvocation', post);
      } finally {
        coreCtx.state = undefined;
      }
      // What the function threw goes on as it was, as the worker passes it on.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (post.error) throw post.error;
      const response = await model.getResponse(context, post.result);
      this.#logger.log('information', `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`);
      return response;
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.#logger.log('error', `Executed 'Functions.${fn.name}' (Failed, Id=${invocationId}, Duration=${Date.now() - started}ms): ${detail}`);
      throw error;
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) this.#idleWaiters.splice(0).forEach((w) => w());
    }
  }

  #whenIdle(deadline: number): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for running invocations')), Math.max(0, deadline - Date.now()));
      this.#idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #log(level: RpcLogLevel, category: RpcLogCategory, message: string, functionName?: string, invocationId?: string): void {
    const where = functionName ? `Functions.${functionName}` : 'Host';
    this.#logger.log(level, `[${where}${invocationId ? ` ${invocationId.slice(0, 8)}` : ''}] ${category === 'user' ? '' : `(${category}) `}${message}`);
  }

  #timer(functionName: string): TimerListener {
    const timer = this.#timers.get(functionName.toLowerCase());
    if (!timer) throw new Error(`No timer function named "${functionName}"`);
    return timer;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  async #listen(): Promise<void> {
    const front: HttpFront = {
      routePrefix: this.routePrefix,
      routes: this.#routes,
      maxRequestBodyBytes: this.#options.maxRequestBodyBytes ?? defaultMaxBody,
      outsideRoutes: this.#options.outsideRoutes,
      invoke: (fn, request) => this.#invoke(fn, request),
      startTimer: (name) => {
        const timer = this.#timers.get(name.toLowerCase());
        if (!timer) return false;
        void timer.invokeNow().catch(() => undefined);
        return true;
      },
    };
    const { server, url } = await listenHttp(front, this.#options.port ?? 7071, this.#options.hostname, (message) => this.#logger.log('error', message));
    this.#server = server;
    this.#url = url;
  }
}

function normalizeTrigger(type: string): RegisteredFunction['triggerType'] {
  const lower = type.toLowerCase();
  return lower === 'httptrigger' ? 'httpTrigger' : lower === 'timertrigger' ? 'timerTrigger' : 'queueTrigger';
}

/**
 * LOCAL_HOST_QUEUE_LEASE_SECONDS: local host only (the real host's running lease is a fixed 10
 * minutes). A host that dies mid-invocation leaves its messages invisible for this long; tests that
 * kill hosts shorten it so the messages come back within the test.
 */
function queueLeaseSeconds(settings: Record<string, string | undefined>): number {
  const text = settings.LOCAL_HOST_QUEUE_LEASE_SECONDS;
  if (text === undefined || text === '') return defaultLeaseSeconds;
  const seconds = Number(text);
  if (!Number.isInteger(seconds) || seconds < 2) throw new Error(`LOCAL_HOST_QUEUE_LEASE_SECONDS must be a whole number of seconds, at least 2 (got "${text}")`);
  return seconds;
}
