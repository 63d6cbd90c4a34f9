import Module from 'node:module';
import type {
  CoreApi,
  Disposable as DisposableLike,
  FunctionCallback,
  FunctionMetadata,
  HookCallback,
  ProgrammingModel,
  RpcLogCategory,
  RpcLogLevel,
} from './core-types';

/** What a host must offer so the app's calls into `@azure/functions-core` reach it. */
export interface CoreApiTarget {
  readonly hostVersion: string;
  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): DisposableLike;
  registerHook(hookName: string, callback: HookCallback): DisposableLike;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export class Disposable implements DisposableLike {
  static from(...disposables: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => disposables.forEach((d) => d.dispose()));
  }
  #callOnDispose: (() => unknown) | undefined;
  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

// The state lives on globalThis, not in this module: jest loads a module once per test file (and
// again inside isolateModules), while `@azure/functions` caches the core API object it first got.
// One facade per process, delegating to whichever host is current, keeps every copy consistent.
interface CoreState {
  target?: CoreApiTarget;
  programmingModel?: ProgrammingModel;
  api?: CoreApi;
  requireHookInstalled?: boolean;
}
const stateKey = Symbol.for('insights-to-glint.local-host.functions-core');
const state: CoreState = ((globalThis as Record<symbol, CoreState | undefined>)[stateKey] ??= {});

export const workerVersion = '3.10.1-local';

function currentTarget(): CoreApiTarget {
  if (!state.target) {
    throw new Error('No local Functions host is running: the app must be loaded by the host.');
  }
  return state.target;
}

export function getCoreApi(): CoreApi {
  state.api ??= {
    version: workerVersion,
    get hostVersion() {
      return currentTarget().hostVersion;
    },
    registerFunction: (metadata, callback) => currentTarget().registerFunction(metadata, callback),
    registerHook: (hookName, callback) => currentTarget().registerHook(hookName, callback),
    setProgrammingModel: (model) => {
      state.programmingModel = model;
    },
    getProgrammingModel: () => state.programmingModel,
    log: (level, category, message) => state.target?.log(level, category, message),
    Disposable,
  };
  return state.api;
}

/** Makes `target` the host that receives registrations, hooks and logs from now on. */
export function attachCoreApiTarget(target: CoreApiTarget): void {
  state.target = target;
}

export function detachCoreApiTarget(target: CoreApiTarget): void {
  if (state.target === target) state.target = undefined;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return state.programmingModel;
}

/**
 * Answers `require('@azure/functions-core')` with the facade, the way the Node worker does
 * (it proxies `Module.prototype.require`). Under jest, whose loader bypasses that, the
 * `moduleNameMapper` entry pointing at `core-module.ts` does the same job.
 */
export function installCoreModule(): void {
  if (state.requireHookInstalled) return;
  state.requireHookInstalled = true;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  proto.require = new Proxy(proto.require, {
    apply(target, thisArg, args: [string]) {
      if (args[0] === '@azure/functions-core') return getCoreApi();
      return Reflect.apply(target, thisArg, args);
    },
  });
}
